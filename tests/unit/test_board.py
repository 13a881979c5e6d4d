"""A board and its partner agencies' yearly contributions."""

from __future__ import annotations

import pytest

from domain.board import Board, board_uuid, check_financial_year
from domain.errors import Duplicate, InvalidValue
from tests.builders import admin
from tests.unit.reviews import refused


def registered() -> Board:
    return Board.register(admin(), board_id="durham", name="Durham LSCB", local_authority="Durham")


def test_a_board_is_registered_under_an_id_from_its_short_code() -> None:
    board = registered()
    assert (board.id, board.board_id, board.name, board.contributions) == (
        board_uuid("durham"),
        "durham",
        "Durham LSCB",
        {},
    )


@pytest.mark.parametrize("code", ["Durham", "d", "durham board", "-durham"])
def test_a_board_code_that_is_not_a_short_lowercase_slug_is_refused(code: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        Board.register(admin(), board_id=code, name="B", local_authority="B")
    assert caught.value.field == "board_id"


def test_contributions_are_kept_per_agency_and_financial_year() -> None:
    board = registered()
    board.record_contribution(admin(), agency="police", financial_year="2014-15", amount_pence=500_000)
    board.record_contribution(admin(), agency="police", financial_year="2015-16", amount_pence=520_000)
    board.record_contribution(admin(), agency="health", financial_year="2014-15", amount_pence=2_000_000)
    assert board.contributions == {
        ("police", "2014-15"): 500_000,
        ("police", "2015-16"): 520_000,
        ("health", "2014-15"): 2_000_000,
    }


def test_a_second_contribution_of_an_agency_for_the_same_year_is_a_duplicate() -> None:
    board = registered()
    board.record_contribution(admin(), agency="police", financial_year="2014-15", amount_pence=500_000)
    with refused(board, Duplicate, code="duplicate", field="agency"):
        board.record_contribution(admin(), agency="police", financial_year="2014-15", amount_pence=1)


@pytest.mark.parametrize("year", ["2014-16", "2014", "14-15", "2014/15", "1999-01"])
def test_a_financial_year_not_written_like_2014_15_is_refused(year: str) -> None:
    board = registered()
    with refused(board, InvalidValue, code="validation_error", field="financial_year"):
        board.record_contribution(admin(), agency="police", financial_year=year, amount_pence=500_000)


def test_the_financial_year_turning_the_century_is_accepted() -> None:
    assert check_financial_year("1999-00") == "1999-00"


@pytest.mark.parametrize("amount", [0, -500])
def test_a_contribution_of_no_money_is_refused(amount: int) -> None:
    board = registered()
    with refused(board, InvalidValue, code="validation_error", field="amount_pence"):
        board.record_contribution(admin(), agency="police", financial_year="2014-15", amount_pence=amount)
