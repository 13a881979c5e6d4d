"""The scr-2006 regime (LSCB Regulations 2006 with WT 2006/2010, before WT 2013): DOMAIN.md gives no source for its
two rows, so both are unconfirmed, reported as such, and their lengths are settings (SCR_*_SCR_2006_MONTHS)."""

from __future__ import annotations

from datetime import date

from domain.deadlines import evaluate
from domain.values import Regime
from projections.review_facts import deadline_rules
from projections.settings import StoreSettings

# Khyra Ishaq: notified Mon 19 May 2008, SCR initiated Fri 23 May 2008, report accepted Mon 10 May 2010
MILESTONES = {
    "la_aware_on": date(2008, 5, 17),
    "notified_on": date(2008, 5, 19),
    "initiation_first_decided_on": date(2008, 5, 23),
    "initiation_decided_on": date(2008, 5, 23),
    "report_accepted_on": date(2010, 5, 10),
}


def rows(settings: StoreSettings) -> dict[str, tuple[object, ...]]:
    outcomes = evaluate(Regime.SCR_2006, MILESTONES, [], date(2026, 12, 1), deadline_rules(settings))
    return {o.rule: (o.due_on, o.status, o.days_overdue, o.confirmed) for o in outcomes}


def test_the_scr_2006_rows_are_unconfirmed_and_default_to_one_and_six_months() -> None:
    """Decision due 19 Jun 2008 (met 23 May); completion due Sun 23 Nov 2008, met 10 May 2010: 533 days late."""
    assert rows(StoreSettings()) == {
        "initiation_decision": (date(2008, 6, 19), "met", 0, False),
        "complete_review": (date(2008, 11, 23), "met_late", 533, False),
    }


def test_the_scr_2006_lengths_follow_their_settings() -> None:
    """WT 2006's shorter period, if a board's reading of it is four months: due Sat 23 Sep 2008, 594 days late."""
    found = rows(StoreSettings(complete_review_scr_2006_months=4, initiation_decision_scr_2006_months=2))
    assert found == {
        "initiation_decision": (date(2008, 7, 19), "met", 0, False),
        "complete_review": (date(2008, 9, 23), "met_late", 594, False),
    }
