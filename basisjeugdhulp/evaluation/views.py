from collections import Counter

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from basisjeugdhulp.audit import reads
from basisjeugdhulp.audit.models import Action
from basisjeugdhulp.evaluation import drawing, pairing, sampling
from basisjeugdhulp.evaluation.forms import DrawForm, InterviewForm
from basisjeugdhulp.evaluation.models import Interview, Sample
from basisjeugdhulp.teams.models import Team


def samples(request):
    """The coordinator's page: draw a sample, and the samples drawn so far."""
    form = DrawForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                sample = sampling.draw_sample(
                    request.user, data["closed_from"], data["closed_to"], data["size"], data["seed"]
                )
            except drawing.TooFew as error:
                form.add_error("size", ngettext(
                    "Only %(n)s family can be drawn from this period (closed, not declined, file kept): ask for fewer, or choose a longer period.",
                    "Only %(n)s families can be drawn from this period (closed, not declined, file kept): ask for fewer, or choose a longer period.",
                    error.available) % {"n": error.available})
            except pairing.Unpairable as error:
                form.add_error(None, ngettext(
                    "For %(n)s family every interviewer had a match with it: nothing was drawn. Add interviewers, or choose another seed.",
                    "For %(n)s families every interviewer had a match with them: nothing was drawn. Add interviewers, or choose another seed.",
                    len(error.families)) % {"n": len(error.families)})
            else:
                messages.success(request, _("The sample is drawn and every family has an interviewer."))
                return redirect("evaluation:sample", sample.public_id)
        status = 400
    drawn = Sample.objects.select_related("drawn_by")
    return render(request, "evaluation/samples.html", {"form": form, "samples": drawn}, status=status)


def sample(request, public_id):
    """One sample: who interviews whom and why, in words; the state and the answers of each
    interview (individual answers: only here, for the coordinator). No family's name or contact."""
    sample = get_object_or_404(Sample, public_id=public_id)
    interviews = list(sample.interviews.select_related("interviewer__user", "interviewer__team", "team"))
    load = Counter(i.interviewer_id for i in interviews)
    team_names = dict(Team.objects.values_list("pk", "name"))
    known = sampling.known_pairs([i.trajectory_id for i in interviews if i.trajectory_id and not i.is_recorded])
    for number, interview in enumerate(interviews, 1):
        interview.number = number
        interview.knows_family = (interview.trajectory_id, interview.interviewer_id) in known
        interview.reasons = sampling.explain(interview, team_names, load[interview.interviewer_id])
    counts = {
        "drawn": len(interviews),
        "recorded": sum(i.is_recorded for i in interviews),
        "answered": sum(i.answered for i in interviews),
        "other_team": sum(i.interviewer.team_id != i.team_id for i in interviews),
        "interviewers": len(load),
        "most": max(load.values(), default=0),
        "fewest": min(load.values(), default=0),
    }
    return render(request, "evaluation/sample.html", {
        "sample": sample, "interviews": interviews, "counts": counts,
        "to_pair_again": sum(i.knows_family for i in interviews),
    })


@require_POST
def pair_again(request, public_id):
    sample = get_object_or_404(Sample, public_id=public_id)
    try:
        changed = sampling.pair_again(sample)
    except pairing.Unpairable:
        messages.error(request, _("Some families have no interviewer left who never had a match with them. Add interviewers and try again."))
    else:
        messages.success(request, ngettext(
            "%(n)s interview has a new interviewer.", "%(n)s interviews have a new interviewer.", changed
        ) % {"n": changed})
    return redirect("evaluation:sample", sample.public_id)


def mine(request):
    """The interviewer's list: the families to call, by first name only."""
    interviews = list(
        Interview.objects.of_interviewer(request.user).select_related("trajectory__registration").order_by("recorded_at", "pk")
    )
    reads.record(request, Action.VIEW_CONTACT, [i.trajectory.registration for i in interviews if not i.is_recorded])
    return render(request, "evaluation/mine.html", {"interviews": interviews})


def first_name(registration):
    """What the interviewer calls the family by: the name the team uses for it (the register
    keeps no contact person's own first name)."""
    return registration.family_label


def interview_for(request, public_id):
    """The interview, if this user holds it (else a Dutch refusal, 404): a family not in the
    sample for them gets nothing, not even whether it exists."""
    try:
        return Interview.objects.of_interviewer(request.user).select_related(
            "trajectory__registration", "sample"
        ).get(public_id=public_id)
    except Interview.DoesNotExist:
        return None


def interview(request, public_id):
    """The contact (first name, phone, language, period of help — nothing of the file) and the
    questionnaire. Opening it is in the access log."""
    found = interview_for(request, public_id)
    if found is None:
        return render(request, "evaluation/not_yours.html", status=404)
    trajectory = found.trajectory
    registration = trajectory.registration
    refusal = None
    if trajectory.evaluation_declined:
        refusal = _("The family said it does not want to be asked. Do not call; nothing can be recorded.")
    elif not found.is_recorded and sampling.knows_family(found):
        refusal = _("You had a match with this family, so you cannot interview it. The coordinator pairs it with someone else.")
    form = InterviewForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if refusal or found.is_recorded:
            messages.error(request, refusal or _("This interview was already recorded."))
            status = 409
        elif form.is_valid():
            with transaction.atomic():
                locked = Interview.objects.select_for_update().get(pk=found.pk)
                if locked.is_recorded:
                    messages.error(request, _("This interview was already recorded."))
                    return redirect("evaluation:interview", found.public_id)
                for name, value in form.values().items():
                    setattr(locked, name, value)
                locked.recorded_at = timezone.now()
                locked.save()
            messages.success(request, _("Recorded. Thank you."))
            return redirect("evaluation:mine")
        else:
            status = 400
    show_contact = not found.is_recorded and not refusal
    if show_contact:
        reads.record(request, Action.VIEW_CONTACT, [registration])
    return render(request, "evaluation/interview.html", {
        "interview": found, "form": form, "refusal": refusal, "show_contact": show_contact,
        "name": first_name(registration), "phone": registration.phone,
        "language": registration.preferred_language_label, "started_on": trajectory.started_on,
        "ended_on": trajectory.ended_on,
    }, status=status)
