"""The disposal rule (domain.retention) and the retention schedule's file (service.retention_classes)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from uuid import uuid4

import pytest

from domain.errors import InquiryHoldActive, InvalidTransition, InvalidValue, RetentionPeriodNotEnded
from domain.inquiry_hold import InquiryHold
from domain.retention import DEFAULT_CLASS_CODE, RetentionClass, RetentionSchedule, add_years, disposal_refusal
from domain.values import Stage
from service.retention_classes import load_retention_schedule

TWO_YEARS = RetentionClass("short", "Short", 2)
CLOSED_ON = date(2016, 6, 1)


def hold(boards: tuple[str, ...] | None, lifted_on: date | None = None) -> InquiryHold:
    return InquiryHold(hold_id=uuid4(), name="Inquiry", boards=boards, placed_on=date(2017, 1, 1), lifted_on=lifted_on)


def refusal(on: date, *, stage: Stage = Stage.CLOSED, holds: tuple[InquiryHold, ...] = ()) -> object:
    return disposal_refusal(
        stage=stage, closed_on=CLOSED_ON, board_id="durham", retention=TWO_YEARS, holds=holds, on=on
    )


def test_a_review_may_be_disposed_of_from_the_day_its_years_after_closure_end() -> None:
    assert isinstance(refusal(date(2018, 5, 31)), RetentionPeriodNotEnded)
    assert refusal(date(2018, 6, 1)) is None


def test_an_open_review_is_never_disposed_of() -> None:
    found = refusal(date(2030, 1, 1), stage=Stage.PUBLISHED)
    assert type(found) is InvalidTransition
    assert found.code == "invalid_transition"


def test_a_hold_on_every_board_or_on_the_reviews_board_refuses_but_another_boards_does_not() -> None:
    assert isinstance(refusal(date(2019, 1, 1), holds=(hold(None),)), InquiryHoldActive)
    assert isinstance(refusal(date(2019, 1, 1), holds=(hold(("durham", "york")),)), InquiryHoldActive)
    assert refusal(date(2019, 1, 1), holds=(hold(("york",)),)) is None


def test_a_lifted_hold_refuses_a_disposal_dated_while_it_was_in_force_only() -> None:
    lifted = (hold(None, lifted_on=date(2019, 2, 1)),)
    assert isinstance(refusal(date(2019, 1, 31), holds=lifted), InquiryHoldActive)
    assert refusal(date(2019, 2, 1), holds=lifted) is None


def test_the_29th_of_february_falls_due_on_the_28th_in_a_common_year() -> None:
    assert add_years(date(2016, 2, 29), 2) == date(2018, 2, 28)
    assert add_years(date(2016, 2, 29), 4) == date(2020, 2, 29)


def test_the_default_schedule_keeps_an_unclassed_review_under_its_default_class() -> None:
    schedule = RetentionSchedule()
    assert schedule.get(None).code == DEFAULT_CLASS_CODE
    with pytest.raises(InvalidValue) as caught:
        schedule.get("forever")
    assert caught.value.field == "retention_class"


def test_a_schedule_file_defines_its_classes_and_default(tmp_path: Path) -> None:
    path = tmp_path / "classes.toml"
    path.write_text(
        'default = "b"\n[classes.a]\nlabel = "A"\nyears_after_closure = 6\n'
        '[classes.b]\nlabel = "B"\nyears_after_closure = 40\n',
        encoding="utf-8",
    )
    schedule = load_retention_schedule(path)
    assert schedule.classes == (RetentionClass("a", "A", 6), RetentionClass("b", "B", 40))
    assert schedule.default_code == "b"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "[classes.<code>]"),
        ('[classes.a]\nlabel = "A"\n', "exactly label and years_after_closure"),
        ('[classes.a]\nlabel = "A"\nyears_after_closure = "ten"\n', "whole number"),
        ('[classes.a]\nlabel = "A"\nyears_after_closure = -1\n', "0 to 150"),
        ('default = "z"\n[classes.a]\nlabel = "A"\nyears_after_closure = 1\n', "default retention class z"),
        ("[classes.a\n", "SCR_RETENTION_CLASSES"),
    ],
    ids=["no-classes", "missing-years", "years-not-a-number", "negative-years", "unknown-default", "not-toml"],
)
def test_a_bad_schedule_file_is_refused_naming_the_problem(tmp_path: Path, text: str, named: str) -> None:
    path = tmp_path / "classes.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="SCR_RETENTION_CLASSES") as caught:
        load_retention_schedule(path)
    assert named in str(caught.value)
