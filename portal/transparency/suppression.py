"""The written rule for small counts on the statistics page (docs/architecture.md §8 "Statistics"), in one place.

A count of 1 to 4 could point at a person (four workers of one small mine, in one quarter), so it is never
published: the page says "fewer than 5". Zero is published as 0: a zero describes nobody, and hiding it would make
an empty month look like a month with a few cases.

Hiding a cell is not enough when its breakdown's total is shown: the total minus the other cells gives it back. So
every breakdown is an **equation** ``total = cell + cell + …`` (a year is the sum of its quarters and the
grand total the sum of the years; each case has one commodity and one country, so those breakdowns sum to the
grand total too), and the rule holds for every equation at once (**complementary suppression**):

1. hide every count from 1 to 4 (primary);
2. while some equation has exactly one hidden member, or hides only cells of 1 under a shown total (two hidden
   cells summing to 2 are both 1), hide its next-smallest shown non-zero cell as well; if none is left, hide its total
   (which then counts as hidden in every other equation it belongs to);
3. repeat until no equation changes.

Every hidden cell is shown the same way ("fewer than 5"), so a reader cannot tell the small count from its
companion. ``tests/transparency/test_suppression.py`` tries to recover every hidden count from the published cells
and totals, and fails if it can.

Breakdowns that do not sum to a published total (a case may have several categories or remedy types; the funnel
counts the same case at every stage it reached) get step 1 only: no equation links their cells.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

THRESHOLD = 5  # counts from 1 to THRESHOLD - 1 are hidden


@dataclass(frozen=True)
class Equation:
    """``total`` is the sum of ``cells`` (keys into the counts)."""

    total: Hashable
    cells: tuple[Hashable, ...]


def is_small(count: int) -> bool:
    return 0 < count < THRESHOLD


def hidden_cells(counts: Mapping[Hashable, int], equations: Iterable[Equation] = ()) -> set[Hashable]:
    """The keys whose counts are not published, primary and complementary (the module docstring)."""
    equations = list(equations)
    order = {key: index for index, key in enumerate(counts)}  # ties go to the earlier key: the same every time
    hidden = {key for key, count in counts.items() if is_small(count)}
    changed = True
    while changed:
        changed = False
        for equation in equations:
            inside = [cell for cell in equation.cells if cell in hidden]
            total_hidden = equation.total in hidden
            members = len(inside) + total_hidden
            if members == 0:
                continue
            all_ones = not total_hidden and sum(counts[cell] for cell in inside) <= len(inside)
            if members >= 2 and not all_ones:
                continue
            shown = [cell for cell in equation.cells if cell not in hidden and counts[cell] > 0]
            if shown:
                hidden.add(min(shown, key=lambda cell: (counts[cell], order.get(cell, 0))))
            elif not total_hidden:
                hidden.add(equation.total)
            else:
                continue  # every cell is hidden or zero and the total too: nothing more to hide
            changed = True
    return hidden


def publish(counts: Mapping[Hashable, int], equations: Iterable[Equation] = ()) -> dict[Hashable, int | None]:
    """Each count as published: the number, or None where it is hidden."""
    hidden = hidden_cells(counts, equations)
    return {key: (None if key in hidden else count) for key, count in counts.items()}
