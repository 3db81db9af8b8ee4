"""Demo families in every state of the flow, with dates relative to the day the demo is loaded.

Fictional: names, phone numbers (06 00 …) and addresses are made up.
"""

import uuid
from datetime import timedelta

from basisjeugdhulp import workdays
from basisjeugdhulp.intake.models import Child, QuestionCategory, Registration, SecondCheck
from basisjeugdhulp.intake.returning import store_family_keys
from basisjeugdhulp.intake.routes import Channel, ContactMode, Product, Status
from basisjeugdhulp.trajectories.models import EndReason, Trajectory
from matching import assignment

NAMESPACE = uuid.UUID("0f6f1f0e-5b4e-4c1d-9a57-2d1c4b0a7e11")

# Families who asked for a particular professional themselves.
PREFERENCES = {"Gezin El Amrani": {"preferred_language": "ar"}}  # a code of intake/languages.py

# (label, state, channel, categories, children, postcode, product)
FAMILIES = (
    ("Gezin Mulder", "new", Channel.SELF_REPORT, ["opvoeding"], [("Fenna", 2016)], "9711 AB", None),
    ("Gezin Yilmaz", "new", Channel.GP, ["psychisch", "school"], [("Emre", 2011)], "9712 CD", None),
    ("Gezin de Boer", "due_today", Channel.SCHOOL, ["school", "gedrag"], [("Luuk", 2013)], "9713 EF", Product.INDIVIDUAL_MEDIUM),
    ("Gezin Hoekstra", "due_soon", Channel.NEIGHBOURHOOD_TEAM, ["scheiding"], [("Isa", 2015), ("Mees", 2018)], "9714 GH", Product.FAMILY_MEDIUM),
    ("Gezin Bouma", "due_later", Channel.GP, ["autisme"], [("Thijs", 2012)], "9715 JK", Product.INDIVIDUAL_HEAVY),
    ("Gezin El Amrani", "overdue", Channel.VEILIG_THUIS, ["thuissituatie", "opvoeding"], [("Nora", 2014), ("Adam", 2017)], "9716 LM", Product.FAMILY_HEAVY),
    ("Gezin Postma", "overdue", Channel.SELF_REPORT, ["rouw"], [("Jet", 2010)], "9717 NP", Product.INDIVIDUAL_MEDIUM),
    ("Gezin Kramer", "contacted", Channel.GP, ["gedrag"], [("Sem", 2012)], "9718 RS", Product.FAMILY_MEDIUM),
    ("Gezin Wiersma", "contacted_late", Channel.SCHOOL, ["ontwikkeling"], [("Evi", 2019)], "9721 TV", Product.INDIVIDUAL_MEDIUM),
    ("Gezin Visser", "second_check", Channel.GP, ["psychisch"], [("Milan", 2009)], "9722 WX", None),
    ("(crisis)", "crisis", Channel.VEILIG_THUIS, [], [], "", None),
    ("Gezin Brouwer", "advice", Channel.SELF_REPORT, ["sociaal"], [("Tess", 2013)], "9723 AZ", None),
    ("Gezin Dijkstra", "returning", Channel.SELF_REPORT, ["scheiding", "gedrag"], [("Lieke", 2014)], "9724 BC", None),
)


def working_days_before(day, n):
    while n:
        day -= timedelta(days=1)
        if workdays.is_working_day(day):
            n -= 1
    return day


def load(team, district_number, triagist, professional, colleague, today):
    """Create the demo families of a team once; a second run leaves them as they are.

    ``district_number`` shifts the postcodes, so each team's families live in its own district.
    """
    categories = {c.code: c for c in QuestionCategory.objects.all()}
    created = 0
    for index, (label, state, channel, codes, children, postcode, product) in enumerate(FAMILIES):
        if postcode:
            postcode = f"{int(postcode[:4]) + 20 * district_number}{postcode[4:]}"
        submission_id = uuid.uuid5(NAMESPACE, f"{team.name}/{index}")
        if Registration.objects.filter(submission_id=submission_id).exists():
            continue
        received = {
            "due_today": working_days_before(today, 5),
            "due_soon": working_days_before(today, 3),
            "overdue": working_days_before(today, 8 + index % 3),
            "contacted": working_days_before(today, 4),
            "contacted_late": working_days_before(today, 9),
            "returning": today,
        }.get(state, today - timedelta(days=index % 2))
        if state == "returning":
            _former_trajectory(team, triagist, professional, codes, children, postcode, today)
        case = Registration.objects.create(
            team=team,
            submission_id=submission_id,
            created_by=triagist,
            received_on=received,
            channel=channel,
            family_label=label,
            phone=f"0600{index:06d}",
            postcode=postcode,
            house_number=str(index + 1),
            question="Wij willen graag hulp; het loopt thuis vast.",
            **PREFERENCES.get(label, {}),
        )
        case.categories.set([categories[code] for code in codes])
        Child.objects.bulk_create(Child(registration=case, first_name=n, birth_year=y) for n, y in children)
        store_family_keys(case)
        _move_to(case, state, product, triagist, professional, colleague, today)
        created += 1
    return created


def _move_to(case, state, product, triagist, professional, colleague, today):
    if state in ("due_today", "due_soon", "due_later", "overdue", "contacted", "contacted_late"):
        case.route_to_basic(product, triagist, case.received_on)
    if state in ("contacted", "contacted_late"):
        case.contacted_on = min(case.contact_due, today) if state == "contacted" else today
        case.contact_mode = ContactMode.HOME_VISIT
        case.contact_late_reason = "Gezin was twee weken op vakantie." if state == "contacted_late" else ""
        case.contacted_by = professional.user
        case.status = Status.CONTACTED
        case.save()
        trajectory = case.trajectory
        trajectory.started_on = case.contacted_on
        trajectory.save()
        assignment.assign(trajectory, professional, triagist)
    elif state == "second_check":
        case.route, case.status = "specialist", Status.SECOND_CHECK
        case.triaged_on, case.triaged_by = today, colleague
        SecondCheck.objects.create(
            registration=case, proposed_by=colleague,
            motivation="Ernstige depressieve klachten; eerder al basishulp zonder resultaat.",
        )
    elif state == "advice":
        case.route, case.status, case.triaged_on, case.triaged_by = "advice", Status.ADVISED, today, triagist
    elif state == "crisis":
        case.end_as_crisis(triagist, today)
    case.save()


def _former_trajectory(team, triagist, professional, codes, children, postcode, today):
    """The earlier help of a returning family: closed two months ago."""
    started = today - timedelta(days=240)
    earlier = Registration.objects.create(
        team=team, created_by=triagist, received_on=started - timedelta(days=6),
        channel=Channel.GP, family_label="Gezin Dijkstra", phone="0600999999",
        postcode=postcode, house_number="13", question="Zorgen om Lieke na de scheiding.",
        status=Status.CONTACTED, route="basic", product=Product.FAMILY_MEDIUM,
        triaged_on=started - timedelta(days=5), contacted_on=started,
        contact_mode=ContactMode.PHONE, contacted_by=professional.user,
    )
    earlier.contact_due = workdays.add_working_days(earlier.triaged_on, 5)
    earlier.save()
    Child.objects.bulk_create(Child(registration=earlier, first_name=n, birth_year=y) for n, y in children)
    store_family_keys(earlier)
    Trajectory.objects.create(
        registration=earlier, product=Product.FAMILY_MEDIUM, lead=professional,
        started_on=started, ended_on=today - timedelta(days=60),
        end_reason=EndReason.GOAL_REACHED, hours_per_week=3,
    )
