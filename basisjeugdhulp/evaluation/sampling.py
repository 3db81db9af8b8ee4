"""Drawing a sample and pairing its interviewers against the register (the rules themselves are
pure: drawing.py, pairing.py)."""

from django.db import transaction
from django.db.models import Q

from basisjeugdhulp.evaluation import drawing, pairing
from basisjeugdhulp.evaluation.models import Interview, Sample
from basisjeugdhulp.trajectories.models import Trajectory
from matching.models import Match, Professional


def candidates(closed_from, closed_to):
    """The trajectories that may be drawn: closed in the period, file not destroyed, and the
    family did not say no at closing."""
    return Trajectory.objects.filter(
        ended_on__gte=closed_from, ended_on__lte=closed_to,
        registration__destroyed_at=None, evaluation_declined=False,
    )


def family_trajectories(trajectory_ids):
    """{trajectory id: the ids of every trajectory of the same family}: a returning family's
    earlier and later trajectories (Registration.former_trajectory), followed both ways."""
    links = {}
    for pk, former in Trajectory.objects.filter(registration__former_trajectory__isnull=False).values_list(
        "pk", "registration__former_trajectory"
    ):
        links.setdefault(pk, set()).add(former)
        links.setdefault(former, set()).add(pk)
    result = {}
    for start in trajectory_ids:
        seen, todo = {start}, [start]
        while todo:
            for other in links.get(todo.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        result[start] = seen
    return result


def known_pairs(trajectory_ids):
    """{(trajectory id, professional id)} of every professional who had a match with the
    family — lead or duo, current or past — on any of its trajectories."""
    families = family_trajectories(trajectory_ids)
    owner = {member: start for start, members in families.items() for member in members}
    every = set(owner) | {m for members in families.values() for m in members}
    known = set()
    for trajectory_id, professional_id in Match.objects.filter(trajectory_id__in=every).values_list(
        "trajectory_id", "professional_id"
    ):
        for start, members in families.items():
            if trajectory_id in members:
                known.add((start, professional_id))
    # The current lead and duo as the trajectory names them, whatever the match history says.
    for pk, lead, duo in Trajectory.objects.filter(pk__in=every).values_list("pk", "lead_id", "duo_id"):
        for start, members in families.items():
            if pk in members:
                known |= {(start, p) for p in (lead, duo) if p}
    return known


def interviewers():
    """{professional id: team id} of the active professionals who can interview."""
    return dict(Professional.objects.active().values_list("pk", "team_id"))


def knows_family(interview):
    """Whether the interviewer had a match with the family, as the register says now (a match
    can be added after the drawing)."""
    if interview.trajectory_id is None:
        return False
    return (interview.trajectory_id, interview.interviewer_id) in known_pairs([interview.trajectory_id])


@transaction.atomic
def draw_sample(user, closed_from, closed_to, size, seed):
    """Draw and pair; nothing is saved unless every family has an interviewer
    (drawing.TooFew, pairing.Unpairable)."""
    pool = list(candidates(closed_from, closed_to).values_list(
        "pk", "registration__team_id", "product", "ended_on", "registration__figure_key"
    ))
    facts = {pk: (team, product, ended_on, key) for pk, team, product, ended_on, key in pool}
    chosen = drawing.draw([(pk, (team, product)) for pk, team, product, _e, _k in pool], size, seed)
    pairs = pairing.pair({pk: facts[pk][0] for pk in chosen}, interviewers(), known_pairs(chosen))
    sample = Sample.objects.create(
        closed_from=closed_from, closed_to=closed_to, size=size, seed=seed, drawn_by=user
    )
    Interview.objects.bulk_create(
        Interview(
            sample=sample, trajectory_id=pk, interviewer_id=pairs[pk].interviewer,
            team_id=facts[pk][0], product=facts[pk][1], closed_on=facts[pk][2], figure_key=facts[pk][3],
        )
        for pk in chosen
    )
    return sample


@transaction.atomic
def pair_again(sample):
    """New interviewers for the sample's open interviews whose interviewer turned out to know
    the family (a match added after the drawing); the others keep theirs. Returns how many."""
    interviews = list(sample.interviews.select_for_update().filter(reached=None, trajectory__isnull=False))
    known = known_pairs([i.trajectory_id for i in interviews])
    wrong = [i for i in interviews if (i.trajectory_id, i.interviewer_id) in known]
    if not wrong:
        return 0
    pairs = pairing.pair({i.trajectory_id: i.team_id for i in wrong}, interviewers(), known)
    for interview in wrong:
        interview.interviewer_id = pairs[interview.trajectory_id].interviewer
        interview.save(update_fields=["interviewer"])
    return len(wrong)


def explain(interview, team_names, load):
    """Why this interviewer, in words (like the matching panel's reasons)."""
    from django.utils.translation import gettext as _

    reasons = [_("never had a match with this family (lead or duo, now or before)")]
    if interview.interviewer.team_id != interview.team_id:
        reasons.append(_("from another team (%(team)s)") % {"team": team_names.get(interview.interviewer.team_id, "")})
    else:
        reasons.append(_("from the family's own team: nobody from another team was free without a match"))
    reasons.append(_("%(n)s interviews in this sample, spread as evenly as possible") % {"n": load})
    return reasons


__all__ = ["candidates", "draw_sample", "pair_again", "knows_family", "explain", "Q"]
