"""The small-count rule (portal/transparency/suppression.py) holds against a reader who tries to recover every
hidden count from what the statistics page publishes.

The reader knows every shown cell and total, which cells sum to which total (the page says so), that zeros are shown
(so a hidden count is at least 1) and that every count is a whole number. For each hidden count they look for a
second assignment of the hidden counts that fits all of that; if there is none, they have recovered it and the test
fails. The search is exact: interval propagation over the equations, then branching.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.transparency.suppression import Equation, hidden_cells, publish

Key = tuple


def _propagate(equations, low: dict, high: dict, shown: dict) -> bool:
    """Tighten the bounds of the hidden counts; False when some equation cannot hold."""
    changed = True
    while changed:
        changed = False
        for equation in equations:
            terms = [(equation.total, 1)] + [(cell, -1) for cell in equation.cells]  # total - cells = 0
            for key, sign in terms:
                if key in shown:
                    continue
                # sign * key = -(sum of the other terms): bound it from the others' bounds.
                rest_low = rest_high = 0
                for other, other_sign in terms:
                    if other == key and other_sign == sign:
                        continue
                    lo, hi = (shown[other], shown[other]) if other in shown else (low[other], high[other])
                    rest_low += other_sign * (lo if other_sign > 0 else hi)
                    rest_high += other_sign * (hi if other_sign > 0 else lo)
                new_low, new_high = (-rest_high, -rest_low) if sign > 0 else (rest_low, rest_high)
                if new_low > low[key]:
                    low[key], changed = new_low, True
                if new_high < high[key]:
                    high[key], changed = new_high, True
                if low[key] > high[key]:
                    return False
    return True


def _feasible(equations, low: dict, high: dict, shown: dict) -> bool:
    low, high = dict(low), dict(high)
    if not _propagate(equations, low, high, shown):
        return False
    open_keys = [key for key in low if low[key] < high[key]]
    if not open_keys:
        return all(
            _value(equation.total, low, shown) == sum(_value(cell, low, shown) for cell in equation.cells)
            for equation in equations
        )
    key = min(open_keys, key=lambda k: high[k] - low[k])
    middle = (low[key] + high[key]) // 2
    return _feasible(equations, low, {**high, key: middle}, shown) or _feasible(
        equations, {**low, key: middle + 1}, high, shown
    )


def _value(key, low, shown):
    return shown[key] if key in shown else low[key]


def recovered(counts: dict, equations: list[Equation]) -> dict:
    """The hidden counts a reader can pin down exactly from the published figures."""
    published = publish(counts, equations)
    shown = {key: value for key, value in published.items() if value is not None}
    hidden = [key for key, value in published.items() if value is None]
    ceiling = sum(counts.values()) + 10  # far above any count: a bound on the search, not the reader's knowledge
    low = dict.fromkeys(hidden, 1)
    high = dict.fromkeys(hidden, ceiling)
    found = {}
    for key in hidden:
        actual = counts[key]
        other = _feasible(equations, low, {**high, key: actual - 1}, shown) or _feasible(
            equations, {**low, key: actual + 1}, high, shown
        )
        if not other:
            found[key] = actual
    return found


small = st.one_of(st.integers(0, 6), st.integers(0, 30))


@st.composite
def tables(draw):
    """Years of quarters summing to a grand total, and a commodity breakdown of the same total (as on the page)."""
    years = draw(st.integers(1, 3))
    counts: dict[Key, int] = {}
    equations = []
    for year in range(years):
        quarters = [("quarter", year, q) for q in range(4)]
        for key in quarters:
            counts[key] = draw(small)
        counts["year", year] = sum(counts[key] for key in quarters)
        equations.append(Equation(("year", year), tuple(quarters)))
    total = sum(counts["year", year] for year in range(years))
    commodities = draw(st.integers(1, 4))
    parts = sorted(draw(st.lists(st.integers(0, total), min_size=commodities - 1, max_size=commodities - 1)))
    bounds = [0, *parts, total]
    for index in range(commodities):
        counts["commodity", index] = bounds[index + 1] - bounds[index]
    counts["total",] = total
    equations.append(Equation(("total",), tuple(("year", year) for year in range(years))))
    equations.append(Equation(("total",), tuple(("commodity", index) for index in range(commodities))))
    return counts, equations


@st.composite
def flat(draw):
    cells = draw(st.lists(small, min_size=1, max_size=7))
    counts = {("cell", index): value for index, value in enumerate(cells)}
    counts["total",] = sum(cells)
    return counts, [Equation(("total",), tuple(("cell", index) for index in range(len(cells))))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flat())
def test_no_hidden_count_of_a_breakdown_can_be_recovered_from_its_total(table):
    counts, equations = table
    assert recovered(counts, equations) == {}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_count_can_be_recovered_across_years_quarters_and_a_second_breakdown(table):
    counts, equations = table
    assert recovered(counts, equations) == {}


@given(tables())
@settings(max_examples=100, deadline=None)
def test_every_count_from_1_to_4_is_hidden_and_nothing_else_is_changed(table):
    counts, equations = table
    published = publish(counts, equations)
    for key, value in counts.items():
        if 1 <= value <= 4:
            assert published[key] is None
        assert published[key] in (None, value)


def test_the_reader_would_recover_a_lone_hidden_cell_without_the_complement():
    """The attack works: without complementary suppression the total gives the small count back."""
    counts = {("cell", 0): 3, ("cell", 1): 40, ("cell", 2): 12, ("total",): 55}
    equation = Equation(("total",), (("cell", 0), ("cell", 1), ("cell", 2)))
    assert hidden_cells(counts) == {("cell", 0)}  # primary only: no equation given
    assert hidden_cells(counts, [equation]) == {("cell", 0), ("cell", 2)}  # the next-smallest goes too
    shown = {("cell", 1): 40, ("total",): 55}
    low, high = {("cell", 0): 1, ("cell", 2): 1}, {("cell", 0): 99, ("cell", 2): 99}
    # With only the small cell hidden, its value is forced; with both hidden, another split fits.
    assert not _feasible([equation], {**low, ("cell", 2): 12}, {**high, ("cell", 0): 2, ("cell", 2): 12}, shown)
    assert _feasible([equation], {**low, ("cell", 0): 4}, {**high, ("cell", 0): 4}, shown)


def test_two_hidden_ones_under_a_shown_total_take_a_third_cell_with_them():
    counts = {("cell", 0): 1, ("cell", 1): 1, ("cell", 2): 9, ("cell", 3): 30, ("total",): 41}
    equation = Equation(("total",), tuple(("cell", index) for index in range(4)))
    assert hidden_cells(counts, [equation]) == {("cell", 0), ("cell", 1), ("cell", 2)}
    assert recovered(counts, [equation]) == {}
