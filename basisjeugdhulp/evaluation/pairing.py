"""Pairing interviewers with the families of a sample.

The rules, in order:
1. never someone who had a match with the family — lead or duo, current or past, on this
   trajectory or on an earlier or later one of the same family (a hard rule: source 002,
   "uiteraard niet uit hun eigen caseload");
2. the interviews spread evenly: nobody gets more than N / M (rounded up) of them;
3. within that, where possible someone from another team than the family's.

Solved as one assignment problem (SciPy's linear_sum_assignment, the Hungarian method): each
interviewer offers `per_head` places, the k-th place costing k, so filling places evenly is
cheapest; a place of the family's own team costs more than any spread could save, and a place of
someone who knew the family is never taken. If the places do not suffice (many families known
to many interviewers), each interviewer offers one place more, until everyone has a pair or a
family has nobody left at all (Unpairable).
"""

import math
from dataclasses import dataclass

import numpy
from scipy.optimize import linear_sum_assignment


class Unpairable(ValueError):
    """Families for whom every interviewer had a match with them (or nobody is there)."""

    def __init__(self, families):
        super().__init__(f"no interviewer for {sorted(families)}")
        self.families = families


@dataclass(frozen=True)
class Pair:
    family: object
    interviewer: object
    other_team: bool


def pair(families, interviewers, known):
    """{family id: Pair} for `families` ({family id: team id}) and `interviewers`
    ({interviewer id: team id}); `known` is a set of (family id, interviewer id) that had a
    match."""
    family_ids = sorted(families)
    interviewer_ids = sorted(interviewers)
    nobody = {f for f in family_ids if all((f, i) in known for i in interviewer_ids)}
    if nobody:
        raise Unpairable(nobody)
    if not family_ids:
        return {}
    per_head = math.ceil(len(family_ids) / len(interviewer_ids))
    while True:
        result = _solve(family_ids, interviewer_ids, families, interviewers, known, per_head)
        if result is not None:
            return result
        if per_head >= len(family_ids):  # cannot happen: every family has someone it does not know
            raise Unpairable(set(family_ids))
        per_head += 1


def _solve(family_ids, interviewer_ids, families, interviewers, known, per_head):
    same_team = per_head * len(family_ids) + 1  # more than any spread of the places can save
    forbidden = same_team * (len(family_ids) + 1)  # more than any allowed assignment costs
    columns = [(i, k) for i in interviewer_ids for k in range(per_head)]
    cost = numpy.empty((len(family_ids), len(columns)))
    for row, f in enumerate(family_ids):
        for column, (i, k) in enumerate(columns):
            if (f, i) in known:
                cost[row, column] = forbidden
            else:
                cost[row, column] = k + (same_team if families[f] == interviewers[i] else 0)
    rows, chosen = linear_sum_assignment(cost)
    if any(cost[r, c] >= forbidden for r, c in zip(rows, chosen)):
        return None
    result = {}
    for r, c in zip(rows, chosen):
        f, (i, _k) = family_ids[r], columns[c]
        result[f] = Pair(f, i, families[f] != interviewers[i])
    return result
