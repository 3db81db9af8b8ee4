"""Drawing the evaluation sample: stratified by team and product, reproducible from a seed.

Pure: candidates in, chosen ids out. Each stratum (team × product) gets its share of N in
proportion to its size (largest remainders, ties by the stratum's order), then that many are
drawn from the stratum with Python's Mersenne Twister seeded with the stated seed, the
candidates in id order. The same candidates and the same seed give the same sample, whoever
draws it and whenever.
"""

import random
from collections import defaultdict


class TooFew(ValueError):
    """More families asked for than there are to draw from."""

    def __init__(self, wanted, available):
        super().__init__(f"{wanted} wanted, {available} available")
        self.wanted, self.available = wanted, available


def allocate(sizes, n):
    """{stratum: how many to draw} for strata of `sizes` ({stratum: size}), adding up to n."""
    total = sum(sizes.values())
    if n > total:
        raise TooFew(n, total)
    if n == 0 or total == 0:
        return {stratum: 0 for stratum in sizes}
    quotas = {stratum: n * size / total for stratum, size in sizes.items()}
    shares = {stratum: int(quota) for stratum, quota in quotas.items()}
    left = n - sum(shares.values())
    by_remainder = sorted(sizes, key=lambda stratum: (-(quotas[stratum] - shares[stratum]), stratum))
    for stratum in by_remainder[:left]:
        shares[stratum] += 1
    return shares


def draw(candidates, n, seed):
    """The ids chosen from `candidates` ((id, stratum) pairs; a stratum is any sortable value),
    as a sorted list."""
    strata = defaultdict(list)
    for pk, stratum in candidates:
        strata[stratum].append(pk)
    shares = allocate({stratum: len(ids) for stratum, ids in strata.items()}, n)
    rng = random.Random(seed)
    chosen = []
    for stratum in sorted(strata):
        chosen += rng.sample(sorted(strata[stratum]), shares[stratum])
    return sorted(chosen)
