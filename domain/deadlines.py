"""Evaluate a review's deadline rules against its milestones, holds and today's date.

Counting follows DOMAIN.md section 4 and `domain.rules.COUNTING_CONVENTION`. Legal
holds never stop a clock: they are measured alongside it, so that delay caused by
parallel proceedings shows.

For a `before` rule (the pre-publication copy) the start is the publication date and
the period runs backwards: `calendar_days_taken` and `working_days_taken` say how far
ahead of publication the milestone happened (negative when it came after), and the
legal hold period is [met date or today, start).

`website_retention` is a keep-until date, not a deadline: `open` until the date, `kept` once it is
reached, `withdrawn_early` when the report was withdrawn before it; never met, late or overdue.

A review closed as subsumed or with no further action has its unmet rules `not_applicable`: never
overdue, not counted as within or late. An agreed extension leaves `due_on`, `met` and the status as
they are and adds `extended_due_on` and `met_within_extension`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.calendar import add_days, add_months, add_working_days, working_days_between
from domain.rules import RULES, Direction, Milestone, Rule, Unit, extended_due_key, rules_for
from domain.values import Regime


class Status(StrEnum):
    """Where a rule stands for one review."""

    NOT_STARTED = "not_started"
    OPEN = "open"
    MET = "met"
    MET_LATE = "met_late"
    OVERDUE = "overdue"
    NOT_APPLICABLE = "not_applicable"
    KEPT = "kept"
    WITHDRAWN_EARLY = "withdrawn_early"


@dataclass(frozen=True)
class HoldPeriod:
    """A legal hold's span [placed_on, lifted_on); active while `lifted_on` is None."""

    placed_on: date
    lifted_on: date | None


@dataclass(frozen=True)
class RuleOutcome:
    """How one review stands against one rule on a given day."""

    rule: str
    source: str
    confirmed: bool
    start_on: date | None
    due_on: date | None
    met_on: date | None
    met: bool | None
    status: Status
    working_days_taken: int | None
    calendar_days_taken: int | None
    days_overdue: int
    legal_hold_days: int
    extended_due_on: date | None = None
    met_within_extension: bool | None = None
    keep_until: bool = False

    def as_dict(self) -> dict[str, str | int | bool | None]:
        """JSON-ready values, dates as ISO strings."""
        return {
            "rule": self.rule,
            "source": self.source,
            "confirmed": self.confirmed,
            "start_on": _iso(self.start_on),
            "due_on": _iso(self.due_on),
            "met_on": _iso(self.met_on),
            "met": self.met,
            "status": self.status.value,
            "working_days_taken": self.working_days_taken,
            "calendar_days_taken": self.calendar_days_taken,
            "days_overdue": self.days_overdue,
            "legal_hold_days": self.legal_hold_days,
            "extended_due_on": _iso(self.extended_due_on),
            "met_within_extension": self.met_within_extension,
        }


@dataclass(frozen=True)
class Clock:
    """A started rule's dates, independent of today: what the aggregate and every read model agree on."""

    start_on: date
    due_on: date
    met_on: date | None  # None while unmet, and always for a keep-until rule
    ended_on: date | None  # a keep-until rule's early end (a withdrawal)
    not_applicable_from: date | None  # set only while unmet: the review was closed without completing it
    extended_due_on: date | None


def clock(rule: Rule, milestones: Mapping[str, date], due: Callable[[Rule, date], date] | None = None) -> Clock | None:
    """The rule's dates for these milestones, or None while its start milestone has not happened."""
    start = milestones.get(rule.start)
    if start is None:
        return None
    met_on = (
        None
        if rule.met_by is None
        else min((milestones[name] for name in rule.satisfied_by if name in milestones), default=None)
    )
    return Clock(
        start_on=start,
        due_on=(due or due_date)(rule, start),
        met_on=met_on,
        ended_on=None if rule.ended_by is None else milestones.get(rule.ended_by),
        not_applicable_from=(
            milestones.get(Milestone.NOT_APPLICABLE_FROM) if met_on is None and not rule.keep_until else None
        ),
        extended_due_on=milestones.get(extended_due_key(rule.id)),
    )


def evaluate(
    regime: Regime,
    milestones: Mapping[str, date],
    holds: Sequence[HoldPeriod],
    today: date,
    rules: Sequence[Rule] | None = None,
) -> list[RuleOutcome]:
    """One outcome per rule of `regime`, in the order of the rule table."""
    table = RULES if rules is None else rules
    return [_evaluate_rule(rule, milestones, holds, today) for rule in rules_for(regime, table)]


def next_deadline(outcomes: Sequence[RuleOutcome]) -> tuple[str, date] | None:
    """The open or overdue rule with the earliest due date, if any."""
    pending = [
        (outcome.due_on, outcome.rule)
        for outcome in outcomes
        if outcome.status in (Status.OPEN, Status.OVERDUE) and outcome.due_on is not None and not outcome.keep_until
    ]
    if not pending:
        return None
    due_on, rule = min(pending, key=lambda item: item[0])
    return rule, due_on


def overdue_rules(outcomes: Sequence[RuleOutcome]) -> list[str]:
    """Ids of the rules unmet past their due date (rules met late are not listed)."""
    return [outcome.rule for outcome in outcomes if outcome.status is Status.OVERDUE]


def due_date(rule: Rule, start: date) -> date:
    """The rule's due date for a given start date."""
    sign = 1 if rule.direction is Direction.AFTER else -1
    if rule.unit is Unit.WORKING_DAYS:
        return add_working_days(start, sign * rule.length)
    if rule.unit is Unit.MONTHS:
        return add_months(start, sign * rule.length)
    return add_days(start, sign * rule.length)


def _evaluate_rule(rule: Rule, milestones: Mapping[str, date], holds: Sequence[HoldPeriod], today: date) -> RuleOutcome:
    """Outcome of one rule."""
    found = clock(rule, milestones)
    if found is None:
        return _not_started(rule)
    start, due, met_on = found.start_on, found.due_on, found.met_on
    status = status_of(rule, found, today)
    # The clock stops when it is met, when the rule stops applying, or (a keep-until date) when reached or ended.
    end = met_on or found.not_applicable_from or found.ended_on or today
    if rule.keep_until:
        end = min(end, due)
    return RuleOutcome(
        rule=rule.id,
        source=rule.source,
        confirmed=rule.confirmed,
        start_on=start,
        due_on=due,
        met_on=met_on,
        met=_met_flag(status),
        status=status,
        working_days_taken=_working_days_taken(rule, start, met_on),
        calendar_days_taken=_calendar_days_taken(rule, start, met_on),
        days_overdue=max(0, ((met_on or today) - due).days) if status in (Status.MET_LATE, Status.OVERDUE) else 0,
        legal_hold_days=_legal_hold_days(_rule_period(rule, start, end), holds, today),
        extended_due_on=found.extended_due_on,
        met_within_extension=(
            None if found.extended_due_on is None or met_on is None else met_on <= found.extended_due_on
        ),
        keep_until=rule.keep_until,
    )


def status_of(rule: Rule, found: Clock, today: date) -> Status:
    """Where a started rule stands today."""
    if rule.keep_until:
        if found.ended_on is not None and found.ended_on < found.due_on:
            return Status.WITHDRAWN_EARLY
        return Status.KEPT if today >= found.due_on else Status.OPEN
    if found.met_on is None:
        if found.not_applicable_from is not None:
            return Status.NOT_APPLICABLE
        return Status.OPEN if today <= found.due_on else Status.OVERDUE
    return Status.MET if found.met_on <= found.due_on else Status.MET_LATE


def _not_started(rule: Rule) -> RuleOutcome:
    """Outcome of a rule whose start milestone has not happened."""
    return RuleOutcome(
        rule=rule.id,
        source=rule.source,
        confirmed=rule.confirmed,
        start_on=None,
        due_on=None,
        met_on=None,
        met=None,
        status=Status.NOT_STARTED,
        working_days_taken=None,
        calendar_days_taken=None,
        days_overdue=0,
        legal_hold_days=0,
    )


def _met_flag(status: Status) -> bool | None:
    """True when met in time, False when late or overdue, None otherwise (open, not applicable, a keep-until)."""
    if status in (Status.MET, Status.MET_LATE, Status.OVERDUE):
        return status is Status.MET
    return None


def _calendar_days_taken(rule: Rule, start: date, met_on: date | None) -> int | None:
    """Days from start to met (for a before-rule, days ahead of the start)."""
    if met_on is None:
        return None
    days = (met_on - start).days
    return days if rule.direction is Direction.AFTER else -days


def _working_days_taken(rule: Rule, start: date, met_on: date | None) -> int | None:
    """Working days from start to met (for a before-rule, working days ahead)."""
    if met_on is None:
        return None
    days = _signed_working_days(start, met_on)
    return days if rule.direction is Direction.AFTER else -days


def _signed_working_days(start: date, end: date) -> int:
    """Working days after `start` through `end`, negated when `end` is earlier."""
    if end >= start:
        return working_days_between(start, end)
    return -working_days_between(end, start)


def _rule_period(rule: Rule, start: date, end: date) -> tuple[date, date]:
    """The half-open span [from, to) a rule's clock covers."""
    if rule.direction is Direction.AFTER:
        return start, end
    return end, start


def _legal_hold_days(period: tuple[date, date], holds: Sequence[HoldPeriod], today: date) -> int:
    """Days of `period` covered by at least one hold, each day counted once."""
    period_from, period_to = period
    clipped = sorted((max(hold.placed_on, period_from), min(hold.lifted_on or today, period_to)) for hold in holds)
    total = 0
    covered_to = period_from
    for hold_from, hold_to in clipped:
        # Start past what is already counted, so overlapping holds add each day once.
        segment_from = max(hold_from, covered_to)
        if hold_to > segment_from:
            total += (hold_to - segment_from).days
            covered_to = hold_to
    return total


def _iso(d: date | None) -> str | None:
    """ISO 8601 text of a date, or None."""
    return None if d is None else d.isoformat()
