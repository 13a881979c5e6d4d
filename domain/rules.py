"""A review's statutory and guidance deadlines as data: one row per rule and regimes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from domain.errors import InvalidValue
from domain.values import (
    CSPR_REGIMES,
    SCR_REGIMES,
    WT_2013_REGIMES,
    AbuseOrNeglect,
    InitiationDecision,
    Recipient,
    Regime,
)

COUNTING_CONVENTION = (
    "start day is day 0; a deadline of N working days ends at the end of the N-th "
    "working day after the start (unconfirmed in the sources)"
)


class Unit(StrEnum):
    """What a rule's length counts."""

    WORKING_DAYS = "working_days"
    DAYS = "days"
    MONTHS = "months"


class Direction(StrEnum):
    """Whether the deadline falls after or before its start milestone."""

    AFTER = "after"
    BEFORE = "before"


class Milestone(StrEnum):
    """Names of the dated milestones the review aggregate supplies to the rules."""

    LA_AWARE = "la_aware_on"
    NOTIFIED = "notified_on"
    # The notification, when the Panel takes it for a rapid review (abuse or neglect known or suspected).
    RAPID_REVIEW_CLOCK = "rapid_review_clock_from"
    RAPID_REVIEW_COMPLETED = "rapid_review_completed_on"
    # The first decision whether to initiate (meets initiation_decision however it is later reconsidered).
    INITIATION_FIRST_DECIDED = "initiation_first_decided_on"
    # The decision to initiate in force (a reconsidered one starts the completion clocks from its own date).
    INITIATION_DECIDED = "initiation_decided_on"
    NOT_INITIATING_DECIDED = "not_initiating_decided_on"
    PANEL_TOLD_NOT_INITIATING = "panel_told_not_initiating_on"
    REPORT_ACCEPTED = "report_accepted_on"
    PUBLISHED = "published_on"
    PUBLICATION_DUE = "publication_due_on"
    PRE_PUBLICATION_COPY_SENT = "pre_publication_copy_sent_on"
    WITHDRAWN = "withdrawn_on"
    # A review closed as subsumed or with no further action: its unmet rules no longer apply from then.
    NOT_APPLICABLE_FROM = "not_applicable_from"


def extended_due_key(rule_id: str) -> str:
    """The milestone key of a rule's agreed later date (an extension): kept beside, never instead of, due_on."""
    return f"extended_due_on:{rule_id}"


# Who must have been sent a pre-publication copy for the rule to be met (DOMAIN.md section 4).
REQUIRED_COPY_RECIPIENTS: dict[Regime, frozenset[Recipient]] = {
    **dict.fromkeys(SCR_REGIMES, frozenset({Recipient.OFSTED, Recipient.DFE})),  # scr-2006: no rule, recorded only
    **dict.fromkeys(CSPR_REGIMES, frozenset({Recipient.NATIONAL_PANEL, Recipient.SECRETARY_OF_STATE})),
}


def copies_complete_on(regime: Regime, copies: Iterable[tuple[Iterable[str], date]]) -> date | None:
    """The day every required recipient had been sent a copy (each recipient's first copy counts), or None."""
    first: dict[str, date] = {}
    for recipients, sent_on in copies:
        for recipient in recipients:
            if recipient not in first or sent_on < first[recipient]:
                first[recipient] = sent_on
    required = REQUIRED_COPY_RECIPIENTS[regime]
    if not all(recipient in first for recipient in required):
        return None
    return max(first[recipient] for recipient in required)


def rapid_review_applies(abuse_or_neglect: str) -> bool:
    """The Panel takes a notification for a rapid review when abuse or neglect is known or suspected."""
    return abuse_or_neglect != AbuseOrNeglect.NOT_SUSPECTED


def against_criteria(regime: Regime, criteria_met: bool, decision: InitiationDecision) -> bool:
    """SCR regimes only: criteria met but no statutory SCR (a non-statutory review included). CSPR: never (reg 11)."""
    return regime in SCR_REGIMES and criteria_met and not decision.is_statutory_review


@dataclass(frozen=True)
class Rule:
    """One deadline: its regimes, what starts it, how long, what meets it, and why."""

    id: str
    regimes: frozenset[Regime]
    start: str
    length: int
    unit: Unit
    direction: Direction
    met_by: str | None
    source: str
    confirmed: bool
    note: str = ""
    # Further milestones that also satisfy the rule; the earliest present one counts.
    also_met_by: tuple[str, ...] = ()
    # A keep-until date, not a deadline (website retention): never within or late, never the next deadline;
    # the milestone that ends it early (a withdrawal) makes it `withdrawn_early`.
    keep_until: bool = False
    ended_by: str | None = None

    @property
    def satisfied_by(self) -> tuple[str, ...]:
        """Every milestone that meets the rule, the primary one first."""
        primary = () if self.met_by is None else (self.met_by,)
        return primary + self.also_met_by


_SCR_2015_AND_CSPR = frozenset({Regime.SCR_2015}) | CSPR_REGIMES

RULES: tuple[Rule, ...] = (
    Rule(
        id="notify_incident",
        regimes=_SCR_2015_AND_CSPR,
        start=Milestone.LA_AWARE,
        length=5,
        unit=Unit.WORKING_DAYS,
        direction=Direction.AFTER,
        met_by=Milestone.NOTIFIED,
        source="WT 2015 ch.4; Children Act 2004 s.16C; WT 2018/2023",
        confirmed=True,
    ),
    Rule(
        id="notify_incident",
        regimes=frozenset({Regime.SCR_2013}),
        start=Milestone.LA_AWARE,
        length=5,
        unit=Unit.WORKING_DAYS,
        direction=Direction.AFTER,
        met_by=Milestone.NOTIFIED,
        source="WT 2013 (text not confirmed)",
        confirmed=False,
        note="unconfirmed: configurable, default 5 working days",
    ),
    Rule(
        id="initiation_decision",
        regimes=WT_2013_REGIMES,
        start=Milestone.NOTIFIED,
        length=1,
        unit=Unit.MONTHS,
        direction=Direction.AFTER,
        met_by=Milestone.INITIATION_FIRST_DECIDED,
        source="WT 2015 ch.4",
        confirmed=True,
        # The duty is to decide; a timely decision not to initiate meets it as well, and a reconsideration
        # later does not move it.
        note="met by the first decision whether to initiate, either way",
    ),
    Rule(
        id="panel_told_not_initiating",
        regimes=WT_2013_REGIMES,
        start=Milestone.NOT_INITIATING_DECIDED,
        length=14,
        unit=Unit.DAYS,
        direction=Direction.AFTER,
        met_by=Milestone.PANEL_TOLD_NOT_INITIATING,
        source="National Panel operating guidance (2013)",
        confirmed=True,
    ),
    # LSCB Regulations 2006 with WT 2006/2010 ch.8 (2006-2013): the lengths are not confirmed in our sources (DOMAIN.md
    # has no row for them), so they are configurable (SCR_INITIATION_DECISION_SCR_2006_MONTHS,
    # SCR_COMPLETE_REVIEW_SCR_2006_MONTHS; override keys "rule:scr-2006") and reported as unconfirmed. No National
    # Panel, no publication rules.
    Rule(
        id="initiation_decision",
        regimes=frozenset({Regime.SCR_2006}),
        start=Milestone.NOTIFIED,
        length=1,
        unit=Unit.MONTHS,
        direction=Direction.AFTER,
        met_by=Milestone.INITIATION_FIRST_DECIDED,
        source="WT 2006/2010 ch.8 (text not confirmed)",
        confirmed=False,
        note="unconfirmed: configurable, default one month after the notification",
    ),
    Rule(
        id="complete_review",
        regimes=frozenset({Regime.SCR_2006}),
        start=Milestone.INITIATION_DECIDED,
        length=6,
        unit=Unit.MONTHS,
        direction=Direction.AFTER,
        met_by=Milestone.REPORT_ACCEPTED,
        source="WT 2010 ch.8 (WT 2006 set a shorter period; text not confirmed)",
        confirmed=False,
        note="unconfirmed: configurable, default 6 months after the decision to initiate",
    ),
    Rule(
        id="rapid_review",
        regimes=CSPR_REGIMES,
        start=Milestone.RAPID_REVIEW_CLOCK,
        length=15,
        unit=Unit.WORKING_DAYS,
        direction=Direction.AFTER,
        met_by=Milestone.RAPID_REVIEW_COMPLETED,
        source="National Panel practice guidance (non-statutory)",
        confirmed=True,
        note="only for notifications with abuse or neglect known or suspected",
    ),
    Rule(
        id="complete_review",
        regimes=WT_2013_REGIMES,
        start=Milestone.INITIATION_DECIDED,
        length=6,
        unit=Unit.MONTHS,
        direction=Direction.AFTER,
        met_by=Milestone.REPORT_ACCEPTED,
        source="WT 2013/2015",
        confirmed=True,
        note="met by the board's acceptance of the final report",
    ),
    Rule(
        id="complete_and_publish",
        regimes=CSPR_REGIMES,
        start=Milestone.INITIATION_DECIDED,
        length=6,
        unit=Unit.MONTHS,
        direction=Direction.AFTER,
        met_by=Milestone.PUBLISHED,
        source="WT 2018/2023",
        confirmed=True,
        note="met by publication",
    ),
    Rule(
        id="pre_publication_copy",
        regimes=WT_2013_REGIMES,
        start=Milestone.PUBLICATION_DUE,
        length=7,
        unit=Unit.DAYS,
        direction=Direction.BEFORE,
        met_by=Milestone.PRE_PUBLICATION_COPY_SENT,
        source="WT 2013/2015",
        confirmed=False,
        note="partly confirmed: 1 week before publication (actual once published), met when Ofsted and DfE have copies",
    ),
    Rule(
        id="pre_publication_copy",
        regimes=CSPR_REGIMES,
        start=Milestone.PUBLICATION_DUE,
        length=7,
        unit=Unit.WORKING_DAYS,
        direction=Direction.BEFORE,
        met_by=Milestone.PRE_PUBLICATION_COPY_SENT,
        source="WT 2018/2023",
        confirmed=False,
        note=(
            "partly confirmed: 7 working days before publication (actual once published), met when the Panel "
            "and the Secretary of State have copies; Ofsted recorded when sent"
        ),
    ),
    Rule(
        id="website_retention",
        regimes=WT_2013_REGIMES,
        start=Milestone.PUBLISHED,
        length=12,
        unit=Unit.MONTHS,
        direction=Direction.AFTER,
        met_by=None,
        source="WT 2013",
        confirmed=True,
        note="a keep-until date, not a deadline: kept online at least 12 months; a withdrawal before is flagged",
        keep_until=True,
        ended_by=Milestone.WITHDRAWN,
    ),
)


def rules_for(regime: Regime, rules: Iterable[Rule] = RULES) -> tuple[Rule, ...]:
    """The rules binding `regime`, in table order."""
    return tuple(rule for rule in rules if regime in rule.regimes)


def with_overrides(rules: Iterable[Rule], overrides: Mapping[str, int]) -> tuple[Rule, ...]:
    """Rules with unconfirmed lengths replaced; keys: "rule_id" or "rule_id:regime"."""
    result = tuple(rules)
    for key, length in overrides.items():
        result = _override(result, key, length)
    return result


def _override(rules: tuple[Rule, ...], key: str, length: int) -> tuple[Rule, ...]:
    """Apply one override, splitting a row when the key names one of its regimes."""
    rule_id, regime = _parse_key(key)
    if length < 0:
        msg = f"override {key!r} must not be negative"
        raise InvalidValue(msg, field=key)
    result: list[Rule] = []
    matched = False
    for rule in rules:
        if rule.id != rule_id or (regime is not None and regime not in rule.regimes):
            result.append(rule)
            continue
        _require_unconfirmed(rule, key)
        matched = True
        result.extend(_split(rule, regime, length))
    if not matched:
        msg = f"override {key!r} names no rule"
        raise InvalidValue(msg, field=key)
    return tuple(result)


def _parse_key(key: str) -> tuple[str, Regime | None]:
    """Split "rule_id:regime" into its parts; the regime is optional."""
    rule_id, _, regime_text = key.partition(":")
    if not regime_text:
        return rule_id, None
    try:
        return rule_id, Regime(regime_text)
    except ValueError:
        msg = f"override {key!r} names an unknown regime"
        raise InvalidValue(msg, field=key) from None


def _require_unconfirmed(rule: Rule, key: str) -> None:
    """Refuse to override a confirmed deadline: a statutory period is not a setting."""
    if rule.confirmed:
        msg = f"override {key!r} targets a confirmed rule"
        raise InvalidValue(msg, field=key)


def _split(rule: Rule, regime: Regime | None, length: int) -> tuple[Rule, ...]:
    """The overridden row for `regime` (or for all), then the untouched remainder."""
    if regime is None or rule.regimes == {regime}:
        return (replace(rule, length=length),)
    return (
        replace(rule, regimes=frozenset({regime}), length=length),
        replace(rule, regimes=rule.regimes - {regime}),
    )
