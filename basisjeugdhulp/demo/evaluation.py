"""A demo evaluation sample: the families whose help closed this year, each paired with an
interviewer; the demo professional holds one of them, the beheerder coordinates."""

from basisjeugdhulp.evaluation import sampling
from basisjeugdhulp.evaluation.models import Sample

SEED = 2026


def load(today, beheerder, professional):
    if Sample.objects.exists():
        return 0
    start = today.replace(month=1, day=1) if today.month > 3 else today.replace(year=today.year - 1, month=1, day=1)
    pool = sampling.candidates(start, today).count()
    if not pool:
        return 0
    sample = sampling.draw_sample(beheerder, start, today, pool, SEED)
    if not sample.interviews.filter(interviewer=professional).exists():
        # The demo login sees an interview of another team's family it never helped.
        interviews = list(sample.interviews.exclude(team=professional.team))
        known = sampling.known_pairs([i.trajectory_id for i in interviews])
        for interview in interviews:
            if (interview.trajectory_id, professional.pk) not in known:
                interview.interviewer = professional
                interview.save(update_fields=["interviewer"])
                break
    return sample.interviews.count()
