"""Aanmeldingen in named states, for tests: registration(team, state="awaiting_contact")."""

from datetime import date, timedelta
from itertools import count

from django.utils import timezone

from basisjeugdhulp.intake.models import Child, QuestionCategory, Registration, SecondCheck
from basisjeugdhulp.intake.returning import store_family_keys
from basisjeugdhulp.intake.routes import Category, Channel, ContactMode, Product, Route, Status
from basisjeugdhulp.trajectories.models import EndReason

_numbers = count(1)


def registration(
    team,
    state="new",
    *,
    by=None,
    received_on=None,
    triaged_on=None,
    product=Product.FAMILY_MEDIUM,
    children=((("Sara", 2015),)),
    postcode=None,
    house_number="12",
    **fields,
):
    n = next(_numbers)
    today = timezone.localdate()
    received_on = received_on or today
    case = Registration.objects.create(
        team=team,
        created_by=by,
        received_on=received_on,
        channel=fields.pop("channel", Channel.SELF_REPORT),
        family_label=fields.pop("family_label", f"Gezin {n}"),
        phone="0612345678",
        postcode=postcode or f"97{n % 100:02d} AB",
        house_number=house_number,
        question="Veel ruzie thuis.",
        **fields,
    )
    case.categories.set([QuestionCategory.objects.get(code=Category.PARENTING)])
    Child.objects.bulk_create(
        Child(registration=case, first_name=name, birth_year=year) for name, year in children
    )
    store_family_keys(case)
    if state == "new":
        return case
    if state in ("awaiting_contact", "contacted", "closed"):
        case.route_to_basic(product, by, triaged_on or received_on)
    if state in ("contacted", "closed"):
        case.contacted_on = case.triaged_on
        case.contact_mode = ContactMode.PHONE
        case.status = Status.CONTACTED
        case.save()
        trajectory = case.trajectory
        trajectory.started_on = case.contacted_on
        trajectory.save()
        if state == "closed":
            trajectory.ended_on = case.contacted_on + timedelta(weeks=12)
            trajectory.end_reason = EndReason.GOAL_REACHED
            trajectory.hours_per_week = 2
            trajectory.save()
    if state in ("second_check", "referred"):
        case.route = Route.SPECIALIST
        case.status = Status.SECOND_CHECK if state == "second_check" else Status.REFERRED
        case.triaged_on = triaged_on or received_on
        case.triaged_by = by
        case.save()
        SecondCheck.objects.create(registration=case, proposed_by=by, motivation="Ernstige zorgen.")
    return case


def jpeg_bytes(width=800, height=600, colour=(240, 240, 230)):
    """A small generated 'photo of the plan'."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), colour)
    ImageDraw.Draw(image).rectangle([40, 40, width // 3, height // 3], fill=(30, 60, 160))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def trajectory(team, *, lead=None, state="contacted", **fields):
    """A started trajectory of the team, led by `lead` (default: the team's family worker)."""
    from basisjeugdhulp.accounts.roles import Role
    from matching.models import Professional

    case = registration(team, state, **fields)
    lead = lead or Professional.objects.filter(team=team, user__groups__name=Role.PROFESSIONAL.value).first()
    journey = case.trajectory
    journey.lead = lead
    journey.save()
    return journey


def plan_photo(team, *, trajectory_=None, by=None):
    """A plan photo kept through the real pipeline and the configured storage."""
    from basisjeugdhulp.plans import pipeline, storing

    journey = trajectory_ or trajectory(team)
    return storing.keep(journey, pipeline.normalise(jpeg_bytes(), storing.limits()), by)


def a_weekday(start=None):
    """A date some weeks back that is an ordinary working day (a Wednesday)."""
    day = (start or timezone.localdate()) - timedelta(days=28)
    while day.weekday() != 2:
        day -= timedelta(days=1)
    return day


__all__ = ["registration", "trajectory", "plan_photo", "safety_card", "jpeg_bytes", "a_weekday", "date"]


def destruction_request(team, *, case=None):
    """An open request to destroy the files of a family of the team (by its name as registered)."""
    from basisjeugdhulp.intake.destruction_requests import ANSWER_MONTHS, add_months
    from basisjeugdhulp.intake.models import DestructionRequest, RequestedBy

    case = case or registration(team)
    today = timezone.localdate()
    return DestructionRequest.objects.create(
        received_on=today, deadline=add_months(today, ANSWER_MONTHS), requested_by=RequestedBy.YOUNG_PERSON,
        requester_name="Verzoeker", family_name=case.family_label, covers="Alle dossiers",
    )


def letter(team, *, case=None):
    """A letter made for a triaged aanmelding of the team (letters/content.py)."""
    from basisjeugdhulp.letters.content import make_letter

    case = case or registration(team, "awaiting_contact")
    return make_letter(case, "U krijgt hulp van ons team, dichtbij huis.", None)


def reconsideration(team, *, case=None, assigned_to=None):
    """An open request for reconsideration of a triaged aanmelding of the team."""
    from basisjeugdhulp.letters.models import Reconsideration

    case = case or registration(team, "awaiting_contact")
    return Reconsideration.objects.create(
        registration=case, received_on=case.triaged_on or case.received_on, objection="Wij willen andere hulp.",
        route_objected=case.route, assigned_to=assigned_to,
    )


def safety_card(team, *, case=None, judgement=4, judged_on=None, photographed=False, **texts):
    """A version of a family's safety card (of a new trajectory of the team, unless `case`);
    `photographed`: with a photo of the hand-written card, kept through the real pipeline."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from basisjeugdhulp.safety import cards

    case = case or trajectory(team).registration
    data = {"worries": "Papa schreeuwt als hij gedronken heeft.", "going_well": "Oma haalt de kinderen op.",
            "tried": "", "next_steps": "", "judgement": judgement, "judged_by": "Bob en het gezin",
            "judged_on": judged_on or timezone.localdate(), **texts}
    if photographed:
        data["photo"] = SimpleUploadedFile("kaart.jpg", jpeg_bytes(), content_type="image/jpeg")
    return cards.make(case, data, None, recorded=lambda card: None).card


def evaluation_interview(team, *, interviewer=None):
    """An open evaluation interview of a closed trajectory of the team, held by `interviewer`
    (default: the team's family worker)."""
    from basisjeugdhulp.accounts.roles import Role
    from matching.models import Professional

    journey = trajectory(team, state="closed")
    interviewer = interviewer or Professional.objects.filter(team=team, user__groups__name=Role.PROFESSIONAL.value).first()
    return _interview(journey, interviewer)


def evaluation_interview_of(journey, username):
    """An open evaluation interview of this closed trajectory, held by the user `username`."""
    from matching.models import Professional

    return _interview(journey, Professional.objects.get(user__username=username))


def _interview(journey, interviewer):
    from basisjeugdhulp.evaluation.models import Interview, Sample

    team = journey.registration.team
    sample = Sample.objects.create(closed_from=journey.ended_on, closed_to=journey.ended_on, size=1, seed=1,
                                   drawn_by=interviewer.user)
    return Interview.objects.create(sample=sample, trajectory=journey, interviewer=interviewer, team=team,
                                    product=journey.product, closed_on=journey.ended_on,
                                    figure_key=journey.registration.figure_key)


def evaluation_sample(team):
    return evaluation_interview(team).sample
