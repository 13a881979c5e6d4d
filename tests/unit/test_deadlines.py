"""Evaluating a review's deadlines; every expected value was worked out by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from domain.deadlines import (
    HoldPeriod,
    RuleOutcome,
    evaluate,
    next_deadline,
    overdue_rules,
)
from domain.rules import RULES, with_overrides
from domain.values import Regime

AWARE = date(2015, 12, 23)  # a Wednesday; notification is due Monday 4 January 2016


def _outcome(
    regime: Regime,
    rule_id: str,
    milestones: Mapping[str, date],
    today: date,
    holds: Sequence[HoldPeriod] = (),
) -> RuleOutcome:
    (found,) = [o for o in evaluate(regime, milestones, holds, today) if o.rule == rule_id]
    return found


# Statuses


def test_notification_on_the_fifth_working_day_is_met() -> None:
    # Given awareness on 23 Dec 2015, when notified on 4 Jan 2016
    outcome = _outcome(
        Regime.SCR_2015,
        "notify_incident",
        {"la_aware_on": AWARE, "notified_on": date(2016, 1, 4)},
        today=date(2016, 2, 1),
    )
    # Then the rule is met with 5 working and 12 calendar days taken
    assert outcome.status == "met"
    assert outcome.met is True
    assert outcome.due_on == date(2016, 1, 4)
    assert outcome.met_on == date(2016, 1, 4)
    assert (outcome.working_days_taken, outcome.calendar_days_taken) == (5, 12)
    assert outcome.days_overdue == 0
    assert outcome.confirmed is True


def test_notification_on_the_sixth_working_day_is_late_by_one_day() -> None:
    outcome = _outcome(
        Regime.SCR_2015,
        "notify_incident",
        {"la_aware_on": AWARE, "notified_on": date(2016, 1, 5)},
        today=date(2016, 2, 1),
    )
    assert outcome.status == "met_late"
    assert outcome.met is False
    assert (outcome.working_days_taken, outcome.calendar_days_taken) == (6, 13)
    assert outcome.days_overdue == 1


def test_an_unmet_rule_on_its_due_date_is_open() -> None:
    outcome = _outcome(
        Regime.CSPR_2018,
        "notify_incident",
        {"la_aware_on": AWARE},
        today=date(2016, 1, 4),
    )
    assert outcome.status == "open"
    assert outcome.met is None
    assert outcome.met_on is None
    assert outcome.working_days_taken is None
    assert outcome.calendar_days_taken is None
    assert outcome.days_overdue == 0


def test_an_unmet_rule_after_its_due_date_is_overdue_by_the_days_since() -> None:
    outcome = _outcome(
        Regime.CSPR_2018,
        "notify_incident",
        {"la_aware_on": AWARE},
        today=date(2016, 1, 6),
    )
    assert outcome.status == "overdue"
    assert outcome.met is False
    assert outcome.days_overdue == 2


def test_every_rule_is_not_started_without_milestones() -> None:
    outcomes = evaluate(Regime.SCR_2013, {}, [], date(2016, 1, 1))
    assert {o.status for o in outcomes} == {"not_started"}
    assert all(o.start_on is None and o.due_on is None and o.met is None for o in outcomes)


def test_outcomes_follow_the_order_of_the_rule_table() -> None:
    outcomes = evaluate(Regime.SCR_2015, {}, [], date(2016, 1, 1))
    assert [o.rule for o in outcomes] == [
        "notify_incident",
        "initiation_decision",
        "panel_told_not_initiating",
        "complete_review",
        "pre_publication_copy",
        "website_retention",
    ]


# Month rules


def test_a_decision_not_to_initiate_meets_the_initiation_decision_rule() -> None:
    # One month after 31 January 2016 is 29 February 2016.
    outcome = _outcome(
        Regime.SCR_2015,
        "initiation_decision",
        {
            "notified_on": date(2016, 1, 31),
            "initiation_first_decided_on": date(2016, 2, 29),
            "not_initiating_decided_on": date(2016, 2, 29),
        },
        today=date(2016, 4, 1),
    )
    assert outcome.due_on == date(2016, 2, 29)
    assert outcome.status == "met"


def test_the_panel_told_15_days_after_a_decision_not_to_initiate_is_late() -> None:
    outcome = _outcome(
        Regime.SCR_2013,
        "panel_told_not_initiating",
        {
            "notified_on": date(2016, 1, 31),
            "not_initiating_decided_on": date(2016, 2, 29),
            "panel_told_not_initiating_on": date(2016, 3, 15),
        },
        today=date(2016, 4, 1),
    )
    assert outcome.due_on == date(2016, 3, 14)
    assert outcome.status == "met_late"
    assert outcome.days_overdue == 1


def test_panel_told_not_initiating_is_not_started_when_the_review_was_initiated() -> None:
    outcome = _outcome(
        Regime.SCR_2015,
        "panel_told_not_initiating",
        {"notified_on": date(2016, 1, 31), "initiation_decided_on": date(2016, 2, 10)},
        today=date(2016, 4, 1),
    )
    assert outcome.status == "not_started"


def test_a_report_accepted_three_days_after_six_months_is_late() -> None:
    # Six months after 31 August 2024 is 28 February 2025; accepted Monday 3 March 2025.
    outcome = _outcome(
        Regime.SCR_2015,
        "complete_review",
        {
            "initiation_decided_on": date(2024, 8, 31),
            "report_accepted_on": date(2025, 3, 3),
        },
        today=date(2025, 6, 1),
    )
    assert outcome.due_on == date(2025, 2, 28)
    assert outcome.status == "met_late"
    assert outcome.days_overdue == 3
    assert outcome.calendar_days_taken == 184


def test_a_rapid_review_is_due_15_working_days_after_notice_across_easter_2024() -> None:
    outcome = _outcome(
        Regime.CSPR_2023,
        "rapid_review",
        {"notified_on": date(2024, 3, 22), "rapid_review_clock_from": date(2024, 3, 22)},
        date(2024, 3, 22),
    )
    assert outcome.due_on == date(2024, 4, 16)


def test_the_scr_2013_notification_period_follows_an_override() -> None:
    rules = with_overrides(RULES, {"notify_incident:scr-2013": 10})
    (outcome, *_) = evaluate(Regime.SCR_2013, {"la_aware_on": AWARE}, [], AWARE, rules)
    assert outcome.rule == "notify_incident"
    assert outcome.due_on == date(2016, 1, 11)
    assert outcome.confirmed is False


# Before-direction rules


def test_an_scr_pre_publication_copy_sent_eight_days_ahead_is_met() -> None:
    # Publication Friday 5 April 2024; 7 calendar days before is Good Friday 29 March.
    outcome = _outcome(
        Regime.SCR_2015,
        "pre_publication_copy",
        {
            "publication_due_on": date(2024, 4, 5),
            "pre_publication_copy_sent_on": date(2024, 3, 28),
        },
        today=date(2024, 4, 5),
    )
    assert outcome.due_on == date(2024, 3, 29)
    assert outcome.status == "met"
    assert outcome.calendar_days_taken == 8
    assert outcome.working_days_taken == 4


def test_a_cspr_pre_publication_copy_six_working_days_ahead_is_late() -> None:
    # 7 working days before Friday 5 April 2024 is Monday 25 March (Easter in between).
    outcome = _outcome(
        Regime.CSPR_2023,
        "pre_publication_copy",
        {
            "publication_due_on": date(2024, 4, 5),
            "pre_publication_copy_sent_on": date(2024, 3, 26),
        },
        today=date(2024, 4, 5),
    )
    assert outcome.due_on == date(2024, 3, 25)
    assert outcome.status == "met_late"
    assert outcome.days_overdue == 1
    assert outcome.working_days_taken == 6
    assert outcome.calendar_days_taken == 10


def test_a_cspr_pre_publication_copy_is_open_before_its_due_date() -> None:
    outcome = _outcome(
        Regime.CSPR_2018,
        "pre_publication_copy",
        {"publication_due_on": date(2024, 4, 5)},
        today=date(2024, 3, 20),
    )
    assert outcome.status == "open"


def test_pre_publication_copy_is_not_started_without_a_publication_due_date() -> None:
    outcome = _outcome(
        Regime.CSPR_2018,
        "pre_publication_copy",
        {"initiation_decided_on": date(2024, 1, 1)},
        today=date(2024, 3, 20),
    )
    assert outcome.status == "not_started"


# Website retention


def test_website_retention_is_open_the_day_before_twelve_months_have_passed() -> None:
    outcome = _outcome(
        Regime.SCR_2015,
        "website_retention",
        {"published_on": date(2024, 2, 29)},
        date(2025, 2, 27),
    )
    assert outcome.due_on == date(2025, 2, 28)
    assert outcome.status == "open"


def test_website_retention_is_kept_on_the_anniversary_of_publication_and_is_never_met_or_late() -> None:
    outcome = _outcome(
        Regime.SCR_2015,
        "website_retention",
        {"published_on": date(2024, 2, 29)},
        date(2025, 2, 28),
    )
    assert outcome.status == "kept"
    assert (outcome.met, outcome.met_on, outcome.days_overdue) == (None, None, 0)
    assert outcome.due_on == date(2025, 2, 28)


def test_website_retention_withdrawn_before_its_keep_until_date_is_withdrawn_early() -> None:
    outcome = _outcome(
        Regime.SCR_2015,
        "website_retention",
        {"published_on": date(2024, 2, 29), "withdrawn_on": date(2024, 9, 1)},
        date(2026, 1, 1),
    )
    assert (outcome.status, outcome.met, outcome.days_overdue) == ("withdrawn_early", None, 0)


def test_website_retention_is_never_the_next_deadline() -> None:
    outcomes = evaluate(
        Regime.SCR_2015,
        {"la_aware_on": AWARE, "notified_on": date(2016, 1, 4), "published_on": date(2016, 3, 1)},
        [],
        date(2016, 3, 2),
    )
    assert next_deadline(outcomes) == ("initiation_decision", date(2016, 2, 4))


# Legal holds


def test_overlapping_holds_are_counted_once() -> None:
    holds = [
        HoldPeriod(date(2015, 12, 24), date(2015, 12, 30)),
        HoldPeriod(date(2015, 12, 28), date(2016, 1, 2)),
    ]
    outcome = _outcome(
        Regime.SCR_2015,
        "notify_incident",
        {"la_aware_on": AWARE, "notified_on": date(2016, 1, 5)},
        today=date(2016, 2, 1),
        holds=holds,
    )
    # Union is 24 December to 1 January inclusive.
    assert outcome.legal_hold_days == 9


def test_a_hold_still_active_counts_up_to_today() -> None:
    holds = [HoldPeriod(date(2016, 1, 2), None)]
    outcome = _outcome(
        Regime.SCR_2015,
        "notify_incident",
        {"la_aware_on": AWARE},
        date(2016, 1, 6),
        holds,
    )
    # 2, 3, 4 and 5 January; today is outside the half-open period.
    assert outcome.legal_hold_days == 4


def test_a_hold_outside_the_rule_period_is_ignored() -> None:
    holds = [
        HoldPeriod(date(2015, 11, 1), date(2015, 12, 1)),
        HoldPeriod(date(2016, 1, 5), None),
    ]
    outcome = _outcome(
        Regime.SCR_2015,
        "notify_incident",
        {"la_aware_on": AWARE, "notified_on": date(2016, 1, 5)},
        today=date(2016, 2, 1),
        holds=holds,
    )
    assert outcome.legal_hold_days == 0


def test_a_hold_placed_before_the_start_counts_from_the_start() -> None:
    holds = [HoldPeriod(date(2015, 12, 20), date(2015, 12, 25))]
    outcome = _outcome(
        Regime.SCR_2015,
        "notify_incident",
        {"la_aware_on": AWARE, "notified_on": date(2016, 1, 5)},
        today=date(2016, 2, 1),
        holds=holds,
    )
    assert outcome.legal_hold_days == 2


def test_a_before_rule_counts_holds_between_the_copy_and_publication() -> None:
    holds = [HoldPeriod(date(2024, 4, 1), date(2024, 4, 10))]
    outcome = _outcome(
        Regime.CSPR_2023,
        "pre_publication_copy",
        {
            "publication_due_on": date(2024, 4, 5),
            "pre_publication_copy_sent_on": date(2024, 3, 26),
        },
        today=date(2024, 4, 20),
        holds=holds,
    )
    # 1 to 4 April: the period ends at publication, exclusive.
    assert outcome.legal_hold_days == 4


# Summaries


def test_the_next_deadline_is_the_earliest_open_one() -> None:
    milestones = {"la_aware_on": AWARE, "notified_on": date(2016, 1, 4)}
    outcomes = evaluate(Regime.SCR_2015, milestones, [], date(2016, 1, 10))
    assert next_deadline(outcomes) == ("initiation_decision", date(2016, 2, 4))


def test_there_is_no_next_deadline_when_nothing_is_open() -> None:
    assert next_deadline(evaluate(Regime.CSPR_2023, {}, [], date(2016, 1, 10))) is None


def test_overdue_rules_list_unmet_rules_past_due_but_not_late_ones() -> None:
    milestones = {
        "la_aware_on": AWARE,
        "notified_on": date(2016, 1, 5),
        "initiation_first_decided_on": date(2016, 1, 20),
        "initiation_decided_on": date(2016, 1, 20),
    }
    outcomes = evaluate(Regime.SCR_2015, milestones, [], date(2016, 8, 1))
    # notify_incident was late; complete_review (due 20 July 2016) is still unmet.
    assert overdue_rules(outcomes) == ["complete_review"]
    assert next_deadline(outcomes) == ("complete_review", date(2016, 7, 20))


def test_as_dict_gives_iso_dates_and_plain_values() -> None:
    outcome = _outcome(
        Regime.SCR_2015,
        "notify_incident",
        {"la_aware_on": AWARE, "notified_on": date(2016, 1, 4)},
        today=date(2016, 2, 1),
    )
    assert outcome.as_dict() == {
        "rule": "notify_incident",
        "source": "WT 2015 ch.4; Children Act 2004 s.16C; WT 2018/2023",
        "confirmed": True,
        "start_on": "2015-12-23",
        "due_on": "2016-01-04",
        "met_on": "2016-01-04",
        "met": True,
        "status": "met",
        "working_days_taken": 5,
        "calendar_days_taken": 12,
        "days_overdue": 0,
        "legal_hold_days": 0,
        "extended_due_on": None,
        "met_within_extension": None,
    }
