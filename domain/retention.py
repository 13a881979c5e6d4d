"""Retention classes and the disposal rule: when a closed review's personal data may be disposed of.

A retention class is a value (`code`, `label`, `years_after_closure`); the service loads the board's
schedule from the TOML file named by SCR_RETENTION_CLASSES (service.settings), else DEFAULT_CLASSES.
A review with no class recorded is kept under DEFAULT_CLASS_CODE. `disposal_refusal` is pure: it is
given the review's stage and closure date, its class, and the inquiry holds as they stand when the
command runs (domain.inquiry_hold, read from the event store by the application), and answers the
first refusal or None. Refusals are 409 (API.md "Second wave"): `invalid_transition` for an open
review, `retention_period_not_ended` before the due date, `inquiry_hold_active` under a hold.

The schedule in force decides, not the years recorded when the class was set (CaseReview.RetentionClassSet
keeps those for the record): a board that lengthens a class keeps its reviews longer. A class removed
from the schedule refuses disposal (422 naming `retention_class`) until the chair records one in force.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import DomainError, InquiryHoldActive, InvalidTransition, InvalidValue, RetentionPeriodNotEnded
from domain.inquiry_hold import InquiryHold
from domain.values import Stage


@dataclass(frozen=True)
class RetentionClass:
    """A class of the retention schedule: a stable code (recorded on reviews), its label, and how many
    whole years after the review's closure its personal data is kept."""

    code: str
    label: str
    years_after_closure: int

    def __post_init__(self) -> None:
        if not self.code or not self.code.replace("_", "").isalnum() or not self.code.isascii():
            raise InvalidValue(f"retention class code {self.code!r}: use letters, digits and _", field="code")
        if not self.label.strip():
            raise InvalidValue(f"retention class {self.code} needs a label", field="label")
        if not 0 <= self.years_after_closure <= 150:
            raise InvalidValue(
                f"retention class {self.code}: years_after_closure must be 0 to 150", field="years_after_closure"
            )


# Defaults when SCR_RETENTION_CLASSES is unset (README "Retention"). Working Together to Safeguard
# Children sets no period of its own: the partners' records schedules do. These follow the periods
# local authorities' children's services schedules use for the records a review draws on, held lawful in
# R (C) v Northumberland County Council [2015] EWHC 2134 (Admin): child protection records 35 years
# after the case is closed; looked-after children's records 75 years (from birth in the schedules:
# counted here from closure, which is never sooner); adoption 100 years. A board's file replaces them.
DEFAULT_CLASS_CODE = "safeguarding_review"
DEFAULT_CLASSES: tuple[RetentionClass, ...] = (
    RetentionClass(DEFAULT_CLASS_CODE, "Safeguarding review: child protection record", 35),
    RetentionClass("looked_after_child", "Review of a looked-after child: care record", 75),
    RetentionClass("adopted_child", "Review of an adopted child: adoption record", 100),
)


@dataclass(frozen=True)
class RetentionSchedule:
    """The classes in force, by code, and the one a review without a recorded class is kept under."""

    classes: tuple[RetentionClass, ...] = DEFAULT_CLASSES
    default_code: str = DEFAULT_CLASS_CODE

    def __post_init__(self) -> None:
        codes = [found.code for found in self.classes]
        if len(set(codes)) != len(codes):
            raise InvalidValue("retention class codes must be unique", field="classes")
        if self.default_code not in codes:
            raise InvalidValue(f"the default retention class {self.default_code} is not a class", field="default")

    @property
    def by_code(self) -> Mapping[str, RetentionClass]:
        return {found.code: found for found in self.classes}

    def get(self, code: str | None, *, field: str = "retention_class") -> RetentionClass:
        """The class a code names (None: the default); an unknown code is refused by name (422)."""
        found = self.by_code.get(code if code is not None else self.default_code)
        if found is None:
            known = ", ".join(self.by_code)
            raise InvalidValue(
                f"unknown retention class {code}: use one of {known} (GET /retention-classes)", field=field
            )
        return found


def add_years(start: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


def disposal_due_on(closed_on: date | None, retention: RetentionClass) -> date | None:
    """The first day the review may be disposed of: its closure plus the class's years (None while never closed)."""
    return None if closed_on is None else add_years(closed_on, retention.years_after_closure)


def holds_covering(board_id: str, holds: Iterable[InquiryHold], on: date) -> list[InquiryHold]:
    """The inquiry holds covering this board that disposal on `on` would break."""
    return [hold for hold in holds if hold.covers(board_id) and hold.in_force_on_or_after(on)]


def disposal_refusal(
    *,
    stage: Stage,
    closed_on: date | None,
    board_id: str,
    retention: RetentionClass,
    holds: Iterable[InquiryHold],
    on: date,
) -> DomainError | None:
    """Why a review may not be disposed of on `on`, or None: it must be closed, its class's years after
    closure must have passed, and no inquiry hold covering its board may be in force."""
    if stage is not Stage.CLOSED or closed_on is None:
        return InvalidTransition(f"cannot dispose of the review: it is at stage '{stage}', not closed")
    due_on = disposal_due_on(closed_on, retention)
    if due_on is not None and on < due_on:
        return RetentionPeriodNotEnded(
            f"the review is kept under '{retention.code}' for {retention.years_after_closure} years after its "
            f"closure on {closed_on.isoformat()}: it may be disposed of from {due_on.isoformat()}",
            field="on",
        )
    blocking = holds_covering(board_id, holds, on)
    if blocking:
        names = ", ".join(f"'{hold.name}' ({hold.hold_id}, placed {hold.placed_on.isoformat()})" for hold in blocking)
        return InquiryHoldActive(f"an inquiry hold covers board {board_id}: {names}; it must be lifted first")
    return None


def retention_status(
    schedule: RetentionSchedule,
    *,
    recorded_class: str | None,
    stage: Stage,
    closed_on: date | None,
    disposed_on: date | None,
    board_id: str,
    holds: Iterable[InquiryHold],
) -> dict[str, Any]:
    """What a review's reader is told of its retention: the class it is kept under (`explicit`: recorded,
    not the default), when it falls due for disposal (while closed), its disposal, and the inquiry holds
    in force over its board. A class no longer in the schedule is named, with no years and no due date."""
    code = recorded_class or schedule.default_code
    retention = schedule.by_code.get(code)
    closed = closed_on if stage is Stage.CLOSED else None
    return {
        "retention_class": code,
        "explicit": recorded_class is not None,
        "label": None if retention is None else retention.label,
        "years_after_closure": None if retention is None else retention.years_after_closure,
        "disposal_due_on": None if retention is None else disposal_due_on(closed, retention),
        "disposed_on": disposed_on,
        "inquiry_holds": [
            {"hold_id": hold.hold_id, "name": hold.name, "placed_on": hold.placed_on}
            for hold in holds
            if hold.covers(board_id) and hold.lifted_on is None
        ],
    }
