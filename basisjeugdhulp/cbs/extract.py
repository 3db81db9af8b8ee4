"""The records of the half-yearly CBS delivery (Beleidsinformatie Jeugd, protocol version 7).

Which: every trajectory started, ended or running in the half year (§7.5): begun (first real help
contact) on or before the period's last day, and not ended before its first day.
One record per child × hulpvorm × stretch of help (§3.3): a trajectory is one stretch of one
plan, so it gives one record per child of the family. Codes, and why:

- hulpvorm 01 (jeugdhulp zonder verblijf, door het wijkteam) and verwijzer 06 (geen verwijzer):
  the team gives the help itself, freely accessible (§3.2–3.3);
- start: the first contact, which opens the trajectory (started_on), never the aanmelding (§3.5);
- end: only when it falls in the period; help that ended after the period's last day was still
  running at its end, so this period's file has no end date (§3.6);
- reason for ending: END_REASONS below (§3.7);
- crisis 02: a crisis is not handled in the register (intake: end_as_crisis), so no trajectory
  here starts with one (§3.4);
- without a BSN (the default): 999999999, the birth year as JJJJ0000, sex O unless recorded, the
  postcode or else the CBS municipality code (§2.2–2.5).

Records with the same key that overlap are merged (§3.3): the key is BSN + start + hulpvorm, or
without a BSN sex + date of birth + postcode + start + hulpvorm. Note: without BSN and sex, two
children of one family born in the same year are one key, and so one record — the reason a
municipality may ask the sex (CBS_ASK_SEX) or the BSN (CBS_BSN).
"""

import re
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from basisjeugdhulp.cbs import bsn as bsn_module
from basisjeugdhulp.trajectories.models import EndReason, Trajectory

HULPVORM_WIJKTEAM = "01"
VERWIJZER_NONE = "06"
CRISIS_NO = "02"
SEX_UNKNOWN = "O"

# The register's end reasons in CBS's codes (§3.7).
END_REASONS = {
    EndReason.GOAL_REACHED: "01",  # volgens plan
    EndReason.REFERRED: "02",  # voortijdig, in overeenstemming: heavier help, agreed with the family
    EndReason.STOPPED: "03",  # voortijdig, eenzijdig door de cliënt
    EndReason.MOVED: "05",  # externe omstandigheden
    EndReason.OTHER: "02",  # ended early by agreement: the register knows no more (docs/cbs.md)
}

PERIOD = re.compile(r"^(\d{4})-[Hh]([12])$")


@dataclass(frozen=True)
class HalfYear:
    """January–June ("2026-H1") or July–December ("2026-H2"): CBS's periods for jeugdhulp (§7.3)."""

    year: int
    half: int

    @classmethod
    def parse(cls, code):
        match = PERIOD.match((code or "").strip())
        if not match or int(match[1]) < 2015:  # the Jeugdwet and this survey start in 2015
            raise ValueError(code)
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def last_ended(cls, today):
        return cls(today.year, 1) if today.month > 6 else cls(today.year - 1, 2)

    @property
    def code(self):
        return f"{self.year}-H{self.half}"

    @property
    def start(self):
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self):
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def label(self):
        if self.half == 1:
            return _("January–June %(year)s") % {"year": self.year}
        return _("July–December %(year)s") % {"year": self.year}

    def previous(self):
        return HalfYear(self.year, 2) if self.half == 1 else HalfYear(self.year - 1, 1)

    def has_ended(self, today):
        return self.end < today


@dataclass
class Record:
    values: dict
    trajectory: object  # the Trajectory it comes from, for the checks' links
    child: str = ""  # the child's first name, for the checks' messages (never in the file)

    def key(self):
        v = self.values
        if v["bsn"] not in (bsn_module.UNKNOWN, bsn_module.UNBORN):
            return (v["bsn"], v["datum_aanvang"], v["hulpvorm"])
        return (v["geslacht"], v["geboortedatum"], v["postcode"], v["datum_aanvang"], v["hulpvorm"])


@dataclass
class Problem:
    trajectory: object
    message: str


@dataclass
class Extract:
    period: HalfYear
    records: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    @property
    def families(self):
        """The public ids of the families in the file, for the access log."""
        return sorted({record.trajectory.registration.public_id for record in self.records}, key=str)


def yyyymmdd(day):
    return day.strftime("%Y%m%d") if day else ""


def cbs_postcode(postcode):
    """'9712 AB' → '9712AB'; without one, the CBS municipality code (§2.5)."""
    compact = (postcode or "").replace(" ", "").upper()
    return compact if len(compact) == 6 else settings.CBS_MUNICIPALITY_CODE


def in_period(period):
    """The trajectories the delivery is about, and those that should be and cannot be."""
    running = Q(started_on__lte=period.end) & (Q(ended_on=None) | Q(ended_on__gte=period.start))
    without_start = Q(started_on=None, ended_on__range=(period.start, period.end))
    return (
        Trajectory.objects.filter(running | without_start, registration__destroyed_at=None)
        .select_related("registration__team")
        .only("public_id", "started_on", "ended_on", "end_reason", "registration__public_id",
              "registration__postcode", "registration__team__name")
        .order_by("started_on", "pk")
    )


def children_of(trajectories):
    """{registration id: [(first name, birth year, sex, BSN token)]} in one query: plain rows, not
    a model object per child (a city's half year has thousands, bench/cbs.py)."""
    from basisjeugdhulp.intake.models import Child

    children = {}
    rows = (Child.objects.filter(registration__trajectory__in=trajectories.values("pk"))
            .order_by("birth_year", "pk")
            .values_list("registration_id", "first_name", "birth_year", "sex", "bsn_token"))
    for registration_id, *child in rows:
        children.setdefault(registration_id, []).append(child)
    return children


def build(period, today=None):
    """The records and the problems of one half year (a HalfYear)."""
    today = today or timezone.localdate()
    extract = Extract(period)
    with_bsn = settings.CBS_BSN
    trajectories = in_period(period)
    children = children_of(trajectories)
    outcomes = outcomes_of(trajectories)
    for trajectory in trajectories:
        registration = trajectory.registration
        family = children.get(registration.pk, [])
        measured = outcomes.get(trajectory.pk, [])
        problems = trajectory_problems(trajectory, family)
        if len(measured) > 2:
            problems.append(_("More than two outcome measurements."))
        if problems:
            extract.problems += [Problem(trajectory, message) for message in problems]
            continue
        ends_here = trajectory.ended_on is not None and trajectory.ended_on <= period.end
        for first_name, birth_year, sex, token in family:
            number = bsn_module.decrypt(token) if with_bsn and token else ""
            values = dict.fromkeys(("tevredenheid_1", "zonder_hulp_verder_1", "informant_1",
                                    "tevredenheid_2", "zonder_hulp_verder_2", "informant_2"), "")
            values.update(
                bsn=number or bsn_module.UNKNOWN,
                geboortedatum=f"{birth_year:04d}0000",
                geslacht=sex or SEX_UNKNOWN,
                postcode=cbs_postcode(registration.postcode),
                verwijzer=VERWIJZER_NONE,
                hulpvorm=HULPVORM_WIJKTEAM,
                crisis=CRISIS_NO,
                datum_aanvang=yyyymmdd(trajectory.started_on),
                datum_einde=yyyymmdd(trajectory.ended_on) if ends_here else "",
                reden_beeindiging=END_REASONS.get(trajectory.end_reason, "") if ends_here else "",
            )
            if ends_here:  # measured at close (§4.3–4.5)
                for n, (satisfaction, without_help, informant) in enumerate(measured, start=1):
                    values[f"tevredenheid_{n}"] = f"{satisfaction:02d}" if satisfaction else ""
                    values[f"zonder_hulp_verder_{n}"] = without_help
                    values[f"informant_{n}"] = informant
            extract.records.append(Record(values, trajectory, first_name))
    extract.records = merged(extract.records)
    return extract


def outcomes_of(trajectories):
    """{trajectory id: [(mark, without help, informant)]}: the outcome measurements (CBS_OUTCOMES)."""
    from basisjeugdhulp.cbs.models import Outcome

    outcomes = {}
    rows = (Outcome.objects.filter(trajectory__in=trajectories.values("pk"))
            .values_list("trajectory_id", "satisfaction", "without_help", "informant"))
    for trajectory_id, *outcome in rows:
        outcomes.setdefault(trajectory_id, []).append(outcome)
    return outcomes


def trajectory_problems(trajectory, children):
    """What keeps a trajectory out of a valid delivery, in Dutch, for the team to fix."""
    problems = []
    if trajectory.started_on is None:
        problems.append(_("Closed without a first contact: the start of the help is unknown."))
    elif trajectory.ended_on is not None and trajectory.ended_on < trajectory.started_on:
        problems.append(_("The end (%(end)s) lies before the start (%(start)s).") % {
            "end": trajectory.ended_on.strftime("%d-%m-%Y"), "start": trajectory.started_on.strftime("%d-%m-%Y")})
    if trajectory.ended_on is not None and trajectory.end_reason not in END_REASONS:
        problems.append(_("Closed without an end reason."))
    if not children:
        problems.append(_("No child is registered for this family."))
    return problems


def merged(records):
    """Overlapping records with the same key as one (§3.3): the same start by the key, so the
    merged record runs to the latest end, or stays open when one of them is."""
    by_key = {}
    for record in records:
        earlier = by_key.get(record.key())
        if earlier is None:
            by_key[record.key()] = record
            continue
        ends = (earlier.values["datum_einde"], record.values["datum_einde"])
        if "" in ends:
            keep = earlier if earlier.values["datum_einde"] == "" else record
        else:
            keep = earlier if ends[0] >= ends[1] else record
        by_key[record.key()] = keep
    return list(by_key.values())
