"""The rule table matches DOMAIN.md section 4; only unconfirmed rules are settable."""

from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.rules import (
    COUNTING_CONVENTION,
    RULES,
    Direction,
    Rule,
    Unit,
    rules_for,
    with_overrides,
)
from domain.values import Regime

SCR_IDS = [
    "notify_incident",
    "initiation_decision",
    "panel_told_not_initiating",
    "complete_review",
    "pre_publication_copy",
    "website_retention",
]
CSPR_IDS = [
    "notify_incident",
    "rapid_review",
    "complete_and_publish",
    "pre_publication_copy",
]


def _rule(regime: Regime, rule_id: str, rules: tuple[Rule, ...] = RULES) -> Rule:
    (found,) = [rule for rule in rules_for(regime, rules) if rule.id == rule_id]
    return found


@pytest.mark.parametrize("regime", [Regime.SCR_2013, Regime.SCR_2015])
def test_an_scr_regime_has_exactly_the_scr_rules_in_table_order(regime: Regime) -> None:
    assert [rule.id for rule in rules_for(regime)] == SCR_IDS


@pytest.mark.parametrize("regime", [Regime.CSPR_2018, Regime.CSPR_2023])
def test_a_cspr_regime_has_exactly_the_cspr_rules_in_table_order(
    regime: Regime,
) -> None:
    assert [rule.id for rule in rules_for(regime)] == CSPR_IDS


def test_the_table_has_twelve_rows() -> None:
    # Ten of WT 2013-2023, and scr-2006's two unconfirmed rows (initiation decision, completion)
    assert len(RULES) == 12


def test_the_2006_regime_has_no_panel_or_publication_rules_and_its_lengths_are_unconfirmed() -> None:
    rules = rules_for(Regime.SCR_2006)
    assert [rule.id for rule in rules] == ["initiation_decision", "complete_review"]
    assert not any(rule.confirmed for rule in rules)


@pytest.mark.parametrize("regime", [Regime.SCR_2015, Regime.CSPR_2018, Regime.CSPR_2023])
def test_notification_is_due_five_working_days_after_awareness_and_confirmed(
    regime: Regime,
) -> None:
    rule = _rule(regime, "notify_incident")
    assert (rule.start, rule.length, rule.unit, rule.direction) == (
        "la_aware_on",
        5,
        Unit.WORKING_DAYS,
        Direction.AFTER,
    )
    assert rule.met_by == "notified_on"
    assert rule.confirmed


def test_scr_2013_notification_is_unconfirmed_with_a_default_of_five_working_days() -> None:
    rule = _rule(Regime.SCR_2013, "notify_incident")
    assert (rule.length, rule.unit, rule.confirmed) == (5, Unit.WORKING_DAYS, False)
    assert rule.note.startswith("unconfirmed")


def test_initiation_decision_is_one_month_after_notification() -> None:
    rule = _rule(Regime.SCR_2015, "initiation_decision")
    assert (rule.start, rule.length, rule.unit) == ("notified_on", 1, Unit.MONTHS)
    # Met by the first decision either way; a reconsideration later does not move it.
    assert rule.satisfied_by == ("initiation_first_decided_on",)


def test_the_panel_is_told_of_a_decision_not_to_initiate_within_14_days() -> None:
    rule = _rule(Regime.SCR_2013, "panel_told_not_initiating")
    assert (rule.start, rule.length, rule.unit) == (
        "not_initiating_decided_on",
        14,
        Unit.DAYS,
    )
    assert rule.met_by == "panel_told_not_initiating_on"


def test_rapid_review_is_15_working_days_after_notification() -> None:
    rule = _rule(Regime.CSPR_2023, "rapid_review")
    # The notification starts it only when the Panel takes it (abuse or neglect known or suspected).
    assert (rule.start, rule.length, rule.unit) == (
        "rapid_review_clock_from",
        15,
        Unit.WORKING_DAYS,
    )
    assert rule.met_by == "rapid_review_completed_on"


def test_an_scr_is_complete_six_months_after_initiation_once_report_accepted() -> None:
    rule = _rule(Regime.SCR_2015, "complete_review")
    assert (rule.start, rule.length, rule.unit) == (
        "initiation_decided_on",
        6,
        Unit.MONTHS,
    )
    assert rule.met_by == "report_accepted_on"


def test_a_cspr_is_complete_six_months_after_initiation_when_published() -> None:
    rule = _rule(Regime.CSPR_2018, "complete_and_publish")
    assert (rule.start, rule.length, rule.unit) == (
        "initiation_decided_on",
        6,
        Unit.MONTHS,
    )
    assert rule.met_by == "published_on"


def test_the_scr_pre_publication_copy_is_seven_calendar_days_before_publication() -> None:
    rule = _rule(Regime.SCR_2015, "pre_publication_copy")
    assert (rule.start, rule.length, rule.unit, rule.direction) == (
        "publication_due_on",
        7,
        Unit.DAYS,
        Direction.BEFORE,
    )
    assert not rule.confirmed


def test_the_cspr_pre_publication_copy_is_seven_working_days_before_publication() -> None:
    rule = _rule(Regime.CSPR_2023, "pre_publication_copy")
    assert (rule.length, rule.unit, rule.direction) == (
        7,
        Unit.WORKING_DAYS,
        Direction.BEFORE,
    )
    assert rule.met_by == "pre_publication_copy_sent_on"


def test_an_scr_report_stays_on_the_website_twelve_months_after_publication() -> None:
    rule = _rule(Regime.SCR_2013, "website_retention")
    assert (rule.start, rule.length, rule.unit, rule.met_by) == (
        "published_on",
        12,
        Unit.MONTHS,
        None,
    )


def test_every_rule_names_a_source() -> None:
    assert all(rule.source for rule in RULES)


def test_the_counting_convention_states_that_the_start_day_is_day_0() -> None:
    assert COUNTING_CONVENTION.startswith("start day is day 0")
    assert "unconfirmed" in COUNTING_CONVENTION


def test_an_override_changes_only_the_scr_2013_notification_period() -> None:
    rules = with_overrides(RULES, {"notify_incident:scr-2013": 10})
    assert _rule(Regime.SCR_2013, "notify_incident", rules).length == 10
    assert _rule(Regime.SCR_2015, "notify_incident", rules).length == 5
    assert _rule(Regime.SCR_2013, "notify_incident").length == 5


def test_an_override_of_one_regime_splits_a_shared_unconfirmed_row() -> None:
    rules = with_overrides(RULES, {"pre_publication_copy:cspr-2023": 10})
    assert _rule(Regime.CSPR_2023, "pre_publication_copy", rules).length == 10
    assert _rule(Regime.CSPR_2018, "pre_publication_copy", rules).length == 7
    assert [rule.id for rule in rules_for(Regime.CSPR_2023, rules)] == CSPR_IDS


def test_an_override_of_a_confirmed_rule_is_refused() -> None:
    with pytest.raises(InvalidValue, match="confirmed"):
        with_overrides(RULES, {"notify_incident:scr-2015": 10})


def test_an_override_naming_no_rule_is_refused() -> None:
    with pytest.raises(InvalidValue, match="names no rule"):
        with_overrides(RULES, {"notify_incidents": 10})


def test_an_override_naming_an_unknown_regime_is_refused() -> None:
    with pytest.raises(InvalidValue, match="unknown regime"):
        with_overrides(RULES, {"notify_incident:scr-2099": 10})


def test_a_negative_override_is_refused() -> None:
    with pytest.raises(InvalidValue, match="negative"):
        with_overrides(RULES, {"notify_incident:scr-2013": -1})
