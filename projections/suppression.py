"""Secondary suppression (statistical disclosure control, as DfE's statistics apply it).

A figure suppressed as `c` can be worked out again whenever it is the only hidden figure of a *line*: a set of
published cells that add up to a published total (the categories of a breakdown add up to the local authority's
total; the four quarters add up to the year; the local authorities add up to England). So each such line needs
at least two hidden figures: where a line hides exactly one `c`, another of its cells is suppressed too (the
smallest non-zero figure, as DfE chooses the least informative cell; a zero only where nothing else is left), and
this is repeated until no line has a lone `c`, since a new `c` can leave another line with one.

A cell marked `x` (not available) is hidden as well, so it counts towards a line's two; a line whose only hidden
cell is an `x` needs nothing (an unavailable figure is no secret).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

Cell = TypeVar("Cell", bound=Hashable)


def secondary(
    lines: Iterable[Sequence[Cell]], counts: Mapping[Cell, int], suppressed: set[Cell], unavailable: set[Cell]
) -> set[Cell]:
    """The cells to suppress as well as `suppressed` (the primary `c`s), so that no line hides a lone `c`.

    `counts` holds every available cell's true count; `unavailable` the `x` cells. The lines' order decides
    between equal candidates, so the answer is the same on every run."""
    every = [tuple(line) for line in lines]
    hidden = set(suppressed)
    added: set[Cell] = set()
    changed = True
    while changed:
        changed = False
        for line in every:
            concealed = [cell for cell in line if cell in hidden or cell in unavailable]
            if len(concealed) != 1 or concealed[0] not in hidden:
                continue
            shown = [cell for cell in line if cell not in hidden and cell not in unavailable]
            if not shown:
                continue  # nothing left to hide with it: the line's total is the figure (see the caller's note)
            choice = min(shown, key=lambda cell: (counts[cell] == 0, counts[cell]))
            hidden.add(choice)
            added.add(choice)
            changed = True
    return added
