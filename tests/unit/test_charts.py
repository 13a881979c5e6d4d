"""The dashboard's charts draw with nothing to show (a board's first day) as well as with data."""

from __future__ import annotations

from service.dashboard import charts


def test_a_duration_chart_with_no_boards_at_all_draws_its_empty_message_instead_of_failing() -> None:
    # pygal's stacked bar raised AttributeError ('_adapt') with axis labels and no series: the timeliness
    # page of a board role with no completed review answered 500.
    svg = charts.duration_chart("Days from initiation to completion, by board", [])
    assert "None yet" in svg
    assert 'role="img"' in svg


def test_a_duration_chart_with_a_board_shows_its_counts() -> None:
    svg = charts.duration_chart("Days", [("durham", [10, 200, 800])])
    assert "durham: 1 up to 6 months, 1 6 to 12 months, 0 1 to 2 years, 1 over 2 years" in svg
