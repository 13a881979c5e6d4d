"""Secondary suppression on small tables worked out by hand: no line of cells adding up to a published total is
left with a lone `c`."""

from __future__ import annotations

from projections.suppression import secondary


def grid(rows: list[list[int]]) -> dict[tuple[int, int], int]:
    return {(r, c): value for r, row in enumerate(rows) for c, value in enumerate(row)}


def lines_of(rows: list[list[int]]) -> list[list[tuple[int, int]]]:
    """Each row and each column of the grid (their totals are published)."""
    height, width = len(rows), len(rows[0])
    return [[(r, c) for c in range(width)] for r in range(height)] + [
        [(r, c) for r in range(height)] for c in range(width)
    ]


def test_a_lone_c_in_a_line_takes_the_smallest_non_zero_figure_with_it() -> None:
    # One line (its total, 16, is published): 9, 3 (c), 0, 4. Without more, 3 = 16 - 9 - 0 - 4.
    counts = {"a": 9, "b": 3, "z": 0, "d": 4}
    assert secondary([["a", "b", "z", "d"]], counts, {"b"}, set()) == {"d"}  # 4: smallest non-zero, not the 0


def test_a_line_with_two_cs_or_none_needs_nothing_more() -> None:
    counts = {"a": 9, "b": 3, "c": 2, "d": 4}
    assert secondary([["a", "b", "c", "d"]], counts, {"b", "c"}, set()) == set()
    assert secondary([["a", "d"]], counts, set(), set()) == set()


def test_a_zero_is_taken_only_when_no_other_figure_is_left() -> None:
    counts = {"a": 2, "z1": 0, "z2": 0}
    assert secondary([["a", "z1", "z2"]], counts, {"a"}, set()) == {"z1"}  # the first of equals, in line order


def test_an_x_hides_a_figure_too_and_a_lone_x_needs_no_protection() -> None:
    counts = {"a": 9, "b": 3, "d": 4}
    assert secondary([["a", "b", "x", "d"]], counts, {"b"}, {"x"}) == set()
    assert secondary([["a", "x", "d"]], counts, set(), {"x"}) == set()


def test_secondary_cells_cascade_until_every_row_and_column_hides_two_or_none() -> None:
    # Rows are categories, columns quarters; every row and column total is published.
    #        Q1  Q2  Q3
    #  A     10   8   2   <- 2 is c (primary)
    #  B      7   9  12
    #  C     20  15   6
    table = [[10, 8, 2], [7, 9, 12], [20, 15, 6]]
    found = secondary(lines_of(table), grid(table), {(0, 2)}, set())
    # Rows first, then columns, until nothing changes. Row A hides 2 alone: its smallest other, 8 (A, Q2).
    # Column Q2 now hides 8 alone: 9 (B, Q2), the smaller of 9 and 15. Column Q3 hides 2 alone: 6 (C, Q3).
    # Again: row B hides 9 alone: 7 (B, Q1); row C hides 6 alone: 15 (C, Q2); column Q1 hides 7 alone: 10 (A, Q1).
    # Now every row and column hides two or three.
    assert found == {(0, 1), (2, 2), (1, 1), (2, 1), (1, 0), (0, 0)}
    hidden = found | {(0, 2)}
    for line in lines_of(table):
        assert len([cell for cell in line if cell in hidden]) != 1
