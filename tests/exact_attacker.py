"""An exact attacker on published counts, for the disclosure test (test_figures_disclosure.py).

The attacker's unknowns are "atoms": the finest counts the figures are summed from. Every
published count is a known linear expression over atoms (a sum, or for "active at the end" a
difference), and what it shows bounds that expression:

- without a protection statement (today's figures), a number is exact, "<5" means 1 to 4,
  "×" (secondary suppression, which only hides non-zero cells) means at least 1;
- with a cell-key statement ({"method": "cell-key", "max_deviation": D}), a published p means
  |n - p| <= D, n >= 0, and p > 0 means n >= 1 (zero stays zero; a small count may show as 0).

A share shown with one decimal rests on its numerator and base: 100 * num / base lies within
0.05 of it, a linear relation (100 * num - (s ± 0.05) * base) between atoms. Natural
constraints complete the picture: atoms are whole numbers >= 0, on time <= due, and so on.

A cell is *pinned* when every integer solution of all that gives it the same value: with the
true solution feasible, both "cell <= v - 1" and "cell >= v + 1" must be infeasible. That is
decided with integer programs (scipy's HiGHS milp), one per side, over independent components
(atoms linked by shared constraints). Any integer solution found on the way is an alternative
world: every target whose value differs in it is not pinned, without a program of its own.
"""

import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_array, hstack, identity

PRIMARY_PREFIX = "<"
SECONDARY = "×"
# One decimal shown: the true share is within 0.05 of it. A hair wider for float rounding: a
# looser reading can only hide a pin, never invent one.
SHARE_ROUNDING = 0.0501


def reading(value, deviation=None):
    """What a shown count tells about the true count n: (low, high), or None for nothing.

    deviation None: the number is exact (no protection statement); else cell-key noise of at
    most `deviation`."""
    if value is None:
        return None
    if isinstance(value, str):
        if value == SECONDARY:
            return 1, math.inf
        if value.startswith(PRIMARY_PREFIX) and value[1:].isdigit():
            return 1, int(value[1:]) - 1
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not deviation:
        return value, value
    if value <= 0:
        return 0, deviation
    return max(1, value - deviation), value + deviation


@dataclass
class Pinned:
    label: str
    value: int
    expression: tuple = ()
    how: str = ""


@dataclass
class Outcome:
    targets: int = 0
    pinned: list = field(default_factory=list)
    undecided: list = field(default_factory=list)
    components: int = 0
    largest_component: int = 0
    programs: int = 0
    seconds: float = 0.0


class Model:
    """Atoms, published bounds on linear expressions over them, and the solver."""

    def __init__(self):
        self.index = {}  # atom name -> column
        self.names = []
        self.rows = {}  # expression (tuple of (column, coefficient)) -> [low, high]
        self.labels = {}  # expression -> what published it (first description)
        self.counted = {}  # published count expressions -> first description (the targets)
        self.ratios = 0

    # --- building -----------------------------------------------------------------------
    def atom(self, name):
        column = self.index.get(name)
        if column is None:
            column = self.index[name] = len(self.names)
            self.names.append(name)
        return column

    def expression(self, terms):
        """{atom name: coefficient} -> canonical expression (sorted, zeros dropped); an
        expression already made is passed through."""
        if isinstance(terms, tuple):
            return terms
        merged = defaultdict(float)
        for name, coefficient in terms.items():
            merged[self.atom(name)] += coefficient
        return tuple(sorted((column, c) for column, c in merged.items() if c))

    @staticmethod
    def combine(*expressions):
        """The sum of expressions (e.g. a total as the sum of its rows)."""
        merged = defaultdict(float)
        for expression in expressions:
            for column, c in expression:
                merged[column] += c
        return tuple(sorted((column, c) for column, c in merged.items() if c))

    def bound(self, expression, low, high, label=None):
        """low <= expression <= high, intersected with what is known already."""
        if not expression:
            return
        current = self.rows.get(expression)
        if current is None:
            self.rows[expression] = [low, high]
            if label:
                self.labels[expression] = label
        else:
            current[0], current[1] = max(current[0], low), min(current[1], high)
            if label and expression not in self.labels:
                self.labels[expression] = label

    def publish(self, terms, value, deviation=None, label=None):
        """A published count of `terms` ({atom: coefficient}). Returns False if it says nothing."""
        bounds = reading(value, deviation)
        expression = self.expression(terms)
        if bounds is None or not expression:
            return False
        self.bound(expression, *bounds, label=label)
        self.counted.setdefault(expression, label)
        return True

    def share(self, numerator, base, value, label=None):
        """A share in percent with one decimal, 100 * numerator / base (today's figures).

        "<5" on a share: its base is 1-4; "×": the share (so the numerator) is not zero;
        None: there is no base."""
        num, den = self.expression(numerator), self.expression(base)
        if not den:
            return False
        if value is None:
            self.bound(den, 0, 0, label=label)
            return True
        if isinstance(value, str):
            bounds = reading(value)
            if bounds is None:
                return False
            if value == SECONDARY:
                self.bound(num, 1, math.inf, label=label)
                self.bound(den, 1, math.inf, label=label)
            else:
                self.bound(den, *bounds, label=label)
            return True
        self.bound(den, 1, math.inf, label=label)
        for shift, low, high in ((SHARE_ROUNDING, -math.inf, 0), (-SHARE_ROUNDING, 0, math.inf)):
            terms = defaultdict(float)
            for column, c in num:
                terms[column] += 100 * c
            for column, c in den:
                terms[column] -= (value + shift) * c
            relation = f"100 × numerator {'<=' if high == 0 else '>='} {value + shift:g} × base"
            self.bound(tuple(sorted((k, c) for k, c in terms.items() if c)), low, high,
                       label=f"{label}, as {relation}" if label else relation)
        self.ratios += 1
        return True

    def at_most(self, smaller, larger):
        """A natural constraint: sum(smaller) <= sum(larger) (e.g. on time <= due)."""
        terms = defaultdict(float)
        for name, c in smaller.items():
            terms[name] += c
        for name, c in larger.items():
            terms[name] -= c
        self.bound(self.expression(terms), -math.inf, 0)

    def at_least_zero(self, terms):
        self.bound(self.expression(terms), 0, math.inf)

    # --- checking -----------------------------------------------------------------------
    def vector(self, truth):
        x = np.zeros(len(self.names))
        for name, n in truth.items():
            column = self.index.get(name)
            if column is not None:
                x[column] = n
        return x

    @staticmethod
    def value(expression, x):
        return sum(c * x[column] for column, c in expression)

    def violated(self, truth, tolerance=1e-6):
        """The constraints the true counts break: a wrong model of the figures, never noise."""
        x = self.vector(truth)
        wrong = []
        for expression, (low, high) in self.rows.items():
            v = self.value(expression, x)
            if v < low - tolerance or v > high + tolerance:
                wrong.append((self.labels.get(expression) or self.describe(expression), v, (low, high)))
        return wrong

    def describe(self, expression, limit=4):
        parts = [f"{'+' if c > 0 else '-'}{'' if abs(c) == 1 else f'{abs(c):g} '}{self.names[col]}"
                 for col, c in expression[:limit]]
        return " ".join(parts) + (f" … ({len(expression)} atoms)" if len(expression) > limit else "")

    # --- solving ------------------------------------------------------------------------
    def solve(self, truth, low=1, high=4, time_limit=5.0, budget=600.0, seed=19):
        """Which targets (published count expressions and single atoms whose true value is
        low..high) the constraints force to exactly their true value."""
        started = time.perf_counter()
        x_true = self.vector(truth)
        n = len(self.names)
        # Atoms inside an expression known to be exactly zero (all coefficients positive).
        zero = np.zeros(n, dtype=bool)
        for expression, (lo, hi) in self.rows.items():
            if hi <= 0 and all(c > 0 for _col, c in expression):
                for column, _c in expression:
                    zero[column] = True
        # Reduced rows; components of atoms linked by a row.
        parent = list(range(n))

        def find(a):
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        rows = []
        for expression, (lo, hi) in self.rows.items():
            reduced = tuple((col, c) for col, c in expression if not zero[col])
            if not reduced:
                continue
            rows.append((reduced, lo, hi, expression))
            first = find(reduced[0][0])
            for column, _c in reduced[1:]:
                other = find(column)
                if other != first:
                    parent[other] = first
        # Targets: published count expressions and atoms, by their reduced form.
        targets = {}
        candidates = [(expression, label) for expression, label in self.counted.items()]
        candidates += [(((column, 1.0),), f"atom {self.names[column]}") for column in range(n)]
        for expression, label in candidates:
            reduced = tuple((col, c) for col, c in expression if not zero[col])
            if not reduced or reduced in targets:
                continue
            v = self.value(reduced, x_true)
            if low <= round(v) <= high:
                targets[reduced] = (label or self.describe(expression), int(round(v)))
        self._zero, self._root = zero, [find(column) for column in range(n)]
        outcome = Outcome(targets=len(targets))
        by_component = defaultdict(list)
        for reduced, (label, v) in targets.items():
            by_component[find(reduced[0][0])].append((reduced, label, v))
        rows_by_component = defaultdict(list)
        for row in rows:
            rows_by_component[find(row[0][0][0])].append(row)
        outcome.components = len(by_component)
        rng = random.Random(seed)
        deadline = started + budget
        for root in sorted(by_component, key=lambda r: -len(by_component[r])):
            component_rows = rows_by_component[root]
            if not component_rows:  # an atom nothing is published about: only >= 0, never pinned
                continue
            columns = sorted({col for row in component_rows for col, _c in row[0]})
            outcome.largest_component = max(outcome.largest_component, len(columns))
            solver = _Component(columns, component_rows, time_limit)
            solver.settle(by_component[root], rng, deadline, outcome)
            outcome.programs += solver.programs
        outcome.seconds = time.perf_counter() - started
        return outcome

    def explain(self, pinned, terms=8):
        """How a pinned count follows from the figures, call after solve(): for each side, the
        published figures that add up to it with the least weight (an LP dual, so a proof):
        "+ 8 [a figure]" an exact figure, "+ (<=4) [...]" / "- (>=1) [...]" a bounded one
        ("<5", "×", a share, a natural constraint); atoms >= 0 are used silently."""
        zero, root = self._zero, self._root
        component = root[pinned.expression[0][0]]
        rows = []
        for expression, (lo, hi) in self.rows.items():
            reduced = tuple((col, c) for col, c in expression if not zero[col])
            if reduced and root[reduced[0][0]] == component and reduced != pinned.expression:
                rows.append((reduced, lo, hi, self.labels.get(expression) or self.describe(expression)))
        columns = sorted({col for e, *_r in rows for col, _c in e} | {col for col, _c in pinned.expression})
        position = {col: i for i, col in enumerate(columns)}
        data, r, c = [], [], []
        for j, (expression, *_rest) in enumerate(rows):
            for col, coefficient in expression:
                r.append(position[col])
                c.append(j)
                data.append(coefficient)
        a = csr_array((data, (r, c)), shape=(len(columns), len(rows)))
        atoms = identity(len(columns), format="csr")
        target = np.zeros(len(columns))
        for col, coefficient in pinned.expression:
            target[position[col]] = coefficient
        lo = np.array([row[1] for row in rows], dtype=float)
        hi = np.array([row[2] for row in rows], dtype=float)
        sides = []
        for side, sign in (("<=", 1), (">=", -1)):
            # target = sum (plus - minus) * row - sign * atoms, bound = plus·hi - minus·lo (upper side)
            a_eq = hstack([a, -a, -sign * atoms]).tocsr()
            if sign > 0:
                worth = np.concatenate([hi, -lo, np.zeros(len(columns))])
            else:
                worth = np.concatenate([-lo, hi, np.zeros(len(columns))])
            usable = np.isfinite(worth)
            worth = np.where(usable, worth, 0.0)
            bounds = [(0, None if ok else 0) for ok in usable]
            cost = np.concatenate([np.ones(2 * len(rows)), np.full(len(columns), 0.001)])
            for slack, note in ((0.0, ""), (0.999, " (with whole numbers)")):
                result = linprog(cost, A_ub=worth.reshape(1, -1), b_ub=[sign * pinned.value + slack],
                                 A_eq=a_eq, b_eq=target, bounds=bounds, method="highs", options={"time_limit": 10})
                if result.status == 0:
                    break
            else:
                sides.append(f"{side} {pinned.value}: only by branching on whole numbers")
                continue
            weights = np.round(result.x[: len(rows)] - result.x[len(rows): 2 * len(rows)], 6)
            used = sorted(((w, rows[j]) for j, w in enumerate(weights) if w), key=lambda u: -abs(u[0]))
            shown = []
            for w, (_e, low, high, label) in used[:terms]:
                factor = "" if abs(w) == 1 else f"{abs(w):g} × "
                if low == high:
                    value = f"{low:g}"
                else:  # the bound the proof uses: the upper one where the row adds to the bound
                    value = f"(<={high:g})" if (w > 0) == (sign > 0) else f"(>={low:g})"
                shown.append(f"{'+' if w > 0 else '-'} {factor}{value} [{label}]")
            more = f"\n        … and {len(used) - terms} more" if len(used) > terms else ""
            sides.append(f"{side} {pinned.value}{note}: " + "\n        ".join(shown).lstrip("+ ") + more)
        return "\n    ".join(sides)


class _Component:
    """The integer programs of one component."""

    def __init__(self, columns, rows, time_limit):
        self.columns = columns
        self.position = {col: i for i, col in enumerate(columns)}
        data, r, c, lo, hi = [], [], [], [], []
        for i, (expression, low, high, _original) in enumerate(rows):
            for col, coefficient in expression:
                r.append(i)
                c.append(self.position[col])
                data.append(coefficient)
            lo.append(low)
            hi.append(high)
        self.a = csr_array((data, (r, c)), shape=(len(rows), len(columns)))
        self.lo, self.hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
        self.time_limit = time_limit
        self.programs = 0

    def vector(self, expression):
        row = np.zeros(len(self.columns))
        for col, c in expression:
            row[self.position[col]] = c
        return row

    def feasible(self, objective, extra=None, time_limit=None, gap=None):
        """An integer solution (array), False when there is none, None when undecided."""
        constraints = [LinearConstraint(self.a, self.lo, self.hi)]
        if extra is not None:
            row, low, high = extra
            constraints.append(LinearConstraint(row.reshape(1, -1), [low], [high]))
        self.programs += 1
        result = milp(
            objective, constraints=constraints, integrality=np.ones(len(self.columns)),
            bounds=Bounds(0, np.inf),
            options={"time_limit": time_limit or self.time_limit, **({"mip_rel_gap": gap} if gap else {})},
        )
        if result.x is not None and result.status in (0, 1):
            solution = np.round(result.x)
            activity = self.a @ solution
            if np.all(activity >= self.lo - 1e-7) and np.all(activity <= self.hi + 1e-7):
                return solution
            return None  # feasible only within the solver's tolerance: no alternative world
        if result.status == 2:
            return False
        return None

    def settle(self, targets, rng, deadline, outcome):
        """Decide each target of the component: pinned, not pinned, or undecided (time)."""
        if not targets:
            return
        matrix = np.array([self.vector(e) for e, _l, _v in targets])
        values = np.array([v for _e, _l, v in targets], dtype=float)
        open_ = np.ones(len(targets), dtype=bool)

        def eliminate(solution):
            open_[np.abs(matrix @ solution - values) > 0.5] = False

        # A few alternative worlds first, good enough rather than optimal: each rules out every
        # target it changes.
        for _ in range(3):
            weights = np.array([rng.random() + 0.01 for _c in self.columns])
            solution = self.feasible(weights, time_limit=min(self.time_limit, 2.0), gap=0.5)
            if solution is not None and solution is not False:
                eliminate(solution)
        zero = np.zeros(len(self.columns))
        for i, (expression, label, v) in enumerate(targets):
            if not open_[i]:
                continue
            if time.perf_counter() > deadline:
                outcome.undecided.append(label)
                continue
            verdict = True
            for low, high in ((-math.inf, v - 1), (v + 1, math.inf)):
                solution = self.feasible(zero, (matrix[i], low, high))
                if solution is None:
                    verdict = None
                    break
                if solution is not False:
                    eliminate(solution)
                    verdict = False
                    break
            if verdict is None:
                outcome.undecided.append(label)
            elif verdict:
                outcome.pinned.append(Pinned(label, int(v), expression))
            open_[i] = False
