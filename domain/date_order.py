"""The order a review's dates must keep: one table, checked by each command and, as a whole, by corrections."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.errors import DateOrder

# Business dates that may lie after today: a plan, not a fact.
PLANNED_FIELDS = frozenset({"planned_on", "due_on", "target_on"})

# A proposed date: its value (None: none given) and the command's field that names it in a refusal.
Proposed = tuple[date | None, str]


@dataclass(frozen=True)
class Dated:
    """A date the process orders: how a message names it, and where the review's state keeps it."""

    label: str
    # (review, hold) -> the date as the state keeps it. None: only the event that records it carries it (or the
    # state keeps only its latest), so only the command recording it checks it, and a correction never does.
    kept: Callable[[Any, Any], date | None] | None = None
    of_hold: bool = False


def _review(name: str) -> Callable[[Any, Any], date | None]:
    return lambda review, _hold: getattr(review, name)


def _incident(name: str) -> Callable[[Any, Any], date | None]:
    return lambda review, _hold: getattr(review.incident, name)


def _hold(name: str) -> Callable[[Any, Any], date | None]:
    return lambda _review, hold: None if hold is None else getattr(hold, name)


DATES: dict[str, Dated] = {
    "occurred_on": Dated("the incident", _incident("occurred_on")),
    "discovered_on": Dated("discovery", _incident("discovered_on")),
    "la_aware_on": Dated("awareness", _incident("la_aware_on")),
    "notified_on": Dated("the notification", _review("notified_on")),
    "rapid_review_completed_on": Dated("the rapid review", _review("rapid_review_completed_on")),
    "decided_on": Dated("the initiation decision", _review("decided_on")),
    "accepted_on": Dated("acceptance", _review("accepted_on")),
    "publication_decided_on": Dated("the publication decision", _review("publication_decided_on")),
    "publication_planned_on": Dated("planned publication", _review("publication_planned_on")),
    "published_on": Dated("publication", _review("published_on")),
    "closed_on": Dated("closure", _review("closed_on")),
    "reconsidered_on": Dated("the reconsidered decision", _review("reconsidered_on")),
    "revised_on": Dated("the revised report", _review("revised_on")),
    "revision_accepted_on": Dated("acceptance of the revised report", _review("revision_accepted_on")),
    "withdrawn_on": Dated("withdrawal", _review("withdrawn_on")),
    "republished_on": Dated("republication", _review("republished_on")),
    "nspcc_deposited_on": Dated("the NSPCC deposit", _review("nspcc_deposited_on")),
    "evaluated_on": Dated("the evaluation"),
    "linked_on": Dated("the link"),
    "extension_agreed_on": Dated("the extension"),
    "hold_placed_on": Dated("hold {reference} placed", _hold("placed_on"), of_hold=True),
    "hold_lifted_on": Dated("hold {reference} lifted", _hold("lifted_on"), of_hold=True),
    "panel_told_on": Dated("the Panel told"),
    "panel_advice_on": Dated("the Panel's advice"),
    "scope_from": Dated("the scope's start"),
    "scope_to": Dated("the scope's end"),
    "terms_agreed_on": Dated("the terms of reference"),
    "reviewer_commissioned_on": Dated("the reviewer's commissioning"),
    "report_requested_on": Dated("the request"),
    "report_due_on": Dated("the report's due date"),
    "draft_received_on": Dated("the draft"),
    "hold_overridden_on": Dated("the override", of_hold=True),
    "copies_sent_on": Dated("the pre-publication copies"),
    "reopened_on": Dated("reopening"),
}

# (earlier, later): the later may fall on the same day, never before.
ORDERS: tuple[tuple[str, str], ...] = (
    ("occurred_on", "discovered_on"),
    ("occurred_on", "la_aware_on"),
    ("discovered_on", "la_aware_on"),
    ("la_aware_on", "notified_on"),
    ("notified_on", "rapid_review_completed_on"),
    ("la_aware_on", "decided_on"),
    # No decision is dated before the notification it decides on.
    ("notified_on", "decided_on"),
    ("decided_on", "reconsidered_on"),
    ("reconsidered_on", "accepted_on"),
    ("accepted_on", "revised_on"),
    ("revised_on", "revision_accepted_on"),
    ("published_on", "withdrawn_on"),
    ("accepted_on", "nspcc_deposited_on"),
    ("rapid_review_completed_on", "decided_on"),
    ("decided_on", "accepted_on"),
    ("accepted_on", "publication_decided_on"),
    ("publication_decided_on", "publication_planned_on"),
    ("publication_decided_on", "published_on"),
    ("notified_on", "closed_on"),
    ("occurred_on", "hold_placed_on"),
    ("hold_placed_on", "hold_lifted_on"),
    # Orders with a date the state does not keep: checked when that date is recorded.
    ("notified_on", "panel_told_on"),
    ("notified_on", "panel_advice_on"),
    ("scope_from", "scope_to"),
    ("decided_on", "terms_agreed_on"),
    ("decided_on", "reviewer_commissioned_on"),
    ("report_requested_on", "report_due_on"),
    ("decided_on", "draft_received_on"),
    ("hold_placed_on", "hold_overridden_on"),
    ("publication_decided_on", "copies_sent_on"),
    ("closed_on", "reopened_on"),
    ("notified_on", "report_requested_on"),
    ("accepted_on", "evaluated_on"),
    ("notified_on", "linked_on"),
    ("notified_on", "extension_agreed_on"),
)

# The orders between dates the state keeps, checked as a whole: once for the review, once for each hold.
_KEPT = [(earlier, later) for earlier, later in ORDERS if DATES[earlier].kept and DATES[later].kept]
_OF_HOLDS = [(earlier, later) for earlier, later in _KEPT if DATES[earlier].of_hold or DATES[later].of_hold]
_OF_REVIEW = [order for order in _KEPT if order not in _OF_HOLDS]


def require_in_order(review: Any, proposed: Mapping[str, Proposed], hold: Any = None) -> None:
    """Refuse proposed dates that break an order of the table, with the review's (and `hold`'s) kept dates.

    The refusal names the field of the later date of the first broken order (the earlier one's when only
    it is proposed). `review` is None for a notification: every date it orders is proposed."""
    for earlier, later in ORDERS:
        if earlier not in proposed and later not in proposed:
            continue
        before, before_field = _date_of(earlier, review, hold, proposed)
        after, after_field = _date_of(later, review, hold, proposed)
        if before is None or after is None or before <= after:
            continue
        if later in proposed:
            field, detail = after_field, f"{after.isoformat()} is before {_label(earlier, hold)} ({before.isoformat()})"
        else:
            field, detail = before_field, f"{before.isoformat()} is after {_label(later, hold)} ({after.isoformat()})"
        raise DateOrder(f"{field} {detail}", field=field)


def impossible_orders(review: Any) -> list[str]:
    """Every pair of the review's kept dates in an impossible order, described."""
    return [
        f"{later_name} {later.isoformat()} is before {earlier_name} {earlier.isoformat()}"
        for earlier_name, earlier, later_name, later in _pairs(review)
        if earlier is not None and later is not None and later < earlier
    ]


def _pairs(review: Any) -> Iterator[tuple[str, date | None, str, date | None]]:
    """(earlier label, earlier date, later label, later date) for every order between kept dates."""
    for orders, holds in ((_OF_REVIEW, [None]), (_OF_HOLDS, review.holds.values())):
        for hold in holds:
            for earlier, later in orders:
                yield (
                    _label(earlier, hold),
                    _kept(earlier, review, hold),
                    _label(later, hold),
                    _kept(later, review, hold),
                )


def _date_of(name: str, review: Any, hold: Any, proposed: Mapping[str, Proposed]) -> Proposed:
    if name in proposed:
        return proposed[name]
    return (None if review is None else _kept(name, review, hold)), name


def _kept(name: str, review: Any, hold: Any) -> date | None:
    kept = DATES[name].kept
    return None if kept is None else kept(review, hold)


def _label(name: str, hold: Any) -> str:
    label = DATES[name].label
    return label.format(reference=hold.reference) if hold is not None and DATES[name].of_hold else label
