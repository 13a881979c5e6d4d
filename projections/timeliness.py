"""Timeliness: every review against every rule of its regime, and national and per-board aggregates.

Per review, the answer is domain.deadlines.evaluate over the stored facts with the reader's today,
using the rule table the projection was built with (kept in `timeliness_settings`). For aggregates,
each started rule is stored as day numbers (date ordinals): due, met, the rule's clock period, and
each review's legal holds merged into disjoint spans, so counts, overdue status and legal-hold days
are summed in SQL against today. No child detail is stored here.

Aggregate definitions, per rule over the reviews where the rule has started: `within_deadline` met on
or before the due date; `met_late` met after it; `overdue` unmet and past it; `late` = met_late +
overdue; `open` unmet and not yet due; `not_applicable` unmet when the review was closed as subsumed or
with no further action (never overdue, never within or late); `legal_hold_days` the sum of each
review's legal-hold days for that rule. Website retention is a keep-until date, not a deadline: it is
counted only as `kept` (its date reached), `withdrawn_early` or `open`. Durations run from the decision
to initiate in force to the board's first acceptance and to the first publication; median and 90th
percentile interpolate linearly between ranks (PostgreSQL's percentile_cont).

`from_on`/`to_on` (inclusive) select each rule by its own start date (`PERIOD_APPLIES_TO`), reviews by
their notification date, initiations and durations by the initiation date, decisions against the
criteria by the decision's date; `legal_hold_days.total` counts the days inside the period under at
least one hold (each review's days once, active holds up to today). Changing the configurable SCR 2013
notification length takes a rebuild of this projection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import orjson

from domain.deadlines import HoldPeriod
from domain.rules import RULES, Direction, Rule, with_overrides
from projections.base import LogEvent
from projections.percentiles import summary
from projections.review_facts import (
    ReviewFacts,
    create_facts_table,
    fold,
    load_facts,
    rules_by_regime,
    save_facts,
)
from projections.storage import Cursor

_SETTING = "rule_overrides"
_FACTS = "timeliness_facts"
_SCOPE_COLUMNS = "board_id TEXT NOT NULL, regime TEXT NOT NULL, initiated_on TEXT"

# Which date selects each rule (and each count) when a period is asked for: `filters.period_applies_to`.
PERIOD_APPLIES_TO = {
    "notify_incident": "la_aware_on (the local authority became aware)",
    "initiation_decision": "notified_on (the notification)",
    "rapid_review": "notified_on (the notification)",
    "panel_told_not_initiating": "the decision not to initiate",
    "complete_review": "the initiation decision in force",
    "complete_and_publish": "the initiation decision in force",
    "pre_publication_copy": "publication (actual once published, planned before)",
    "website_retention": "publication",
    "reviews": "notified_on",
    "initiated": "the initiation decision in force",
    "decisions_against_criteria": "the decision's date",
    "durations": "the initiation decision in force",
    "legal_hold_days": "the days under hold that fall inside the period",
}


class TimelinessProjection:
    """Per review and rule: due and met dates, clock periods and legal-hold spans."""

    name = "timeliness"
    # 2: per-rule start day, not-applicable and keep-until columns; reviews carry notification and decision dates.
    schema_version = 2  # raise with any change to its tables or their meaning: stores rebuild it on start

    def __init__(self, rules: Sequence[Rule] = RULES) -> None:
        self.rules = tuple(rules)
        self.by_regime = rules_by_regime(rules)

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """Reviews, their started rules, their merged hold spans, and the rule settings used."""
        # Every table carries the review's board, regime and initiation date (_SCOPE), so each aggregate
        # filters and groups one table without a join.
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS timeliness_reviews (review_id TEXT PRIMARY KEY, {_SCOPE_COLUMNS}, "
            "notified_on TEXT NOT NULL, decided_on TEXT, "
            "days_to_acceptance INTEGER, days_to_publication INTEGER, contradicts_criteria BOOLEAN NOT NULL, "
            "position BIGINT NOT NULL)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS timeliness_rules (review_id TEXT NOT NULL, rule TEXT NOT NULL, "
            f"{_SCOPE_COLUMNS}, start_day INTEGER NOT NULL, due_day INTEGER NOT NULL, met_day INTEGER, "
            "keep_until BOOLEAN NOT NULL, not_applicable BOOLEAN NOT NULL, ended_day INTEGER, "
            "period_from INTEGER, period_to INTEGER, period_cap INTEGER, PRIMARY KEY (review_id, rule))"
        )
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS timeliness_holds (review_id TEXT NOT NULL, {_SCOPE_COLUMNS}, "
            "from_day INTEGER NOT NULL, to_day INTEGER, PRIMARY KEY (review_id, from_day))"
        )
        for table in ("timeliness_reviews", "timeliness_rules", "timeliness_holds"):
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {table}_board ON {table} (board_id)")
        create_facts_table(cursor, _FACTS)
        cursor.execute("CREATE TABLE IF NOT EXISTS timeliness_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        overrides = {
            f"{rule.id}:{regime}": rule.length
            for rule in self.rules
            if not rule.confirmed
            for regime in sorted(rule.regimes)
        }
        cursor.execute(
            "INSERT INTO timeliness_settings (name, value) VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            (_SETTING, orjson.dumps(overrides).decode()),
        )

    def drop_tables(self, cursor: Cursor) -> None:
        for table in ("timeliness_rules", "timeliness_holds", "timeliness_reviews", "timeliness_settings", _FACTS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Fold the batch into the touched reviews; rewrite the rules and holds of reviews whose dates moved."""
        facts, last, moved = fold(events, lambda ids: load_facts(cursor, _FACTS, ids))
        if not last:
            return
        cursor.executemany(
            "INSERT INTO timeliness_reviews (review_id, board_id, regime, initiated_on, notified_on, decided_on, "
            "days_to_acceptance, days_to_publication, contradicts_criteria, position) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (review_id) DO UPDATE SET initiated_on = excluded.initiated_on, "
            "notified_on = excluded.notified_on, decided_on = excluded.decided_on, "
            "days_to_acceptance = excluded.days_to_acceptance, days_to_publication = excluded.days_to_publication, "
            "contradicts_criteria = excluded.contradicts_criteria, position = excluded.position",
            [_review_row(rid, facts[rid], event) for rid, event in last.items()],
        )
        save_facts(cursor, _FACTS, [(rid, facts[rid].to_json_without_child()) for rid in last])
        if moved:
            self._replace_rules_and_holds(cursor, {rid: facts[rid] for rid in moved})

    def _replace_rules_and_holds(self, cursor: Cursor, moved: dict[str, ReviewFacts]) -> None:
        """Rewrite the started rules and merged hold spans of reviews whose dates moved."""
        ids = [(rid,) for rid in moved]
        cursor.executemany("DELETE FROM timeliness_rules WHERE review_id = %s", ids)
        cursor.executemany("DELETE FROM timeliness_holds WHERE review_id = %s", ids)
        rules = [row for rid, review in moved.items() for row in self._rule_rows(rid, review)]
        holds = [
            (rid, *_scope(review), *span)
            for rid, review in moved.items()
            for span in merged_spans(review.hold_periods())
        ]
        if rules:
            cursor.executemany(
                "INSERT INTO timeliness_rules (review_id, rule, board_id, regime, initiated_on, start_day, due_day, "
                "met_day, keep_until, not_applicable, ended_day, period_from, period_to, period_cap) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rules,
            )
        if holds:
            cursor.executemany(
                "INSERT INTO timeliness_holds (review_id, board_id, regime, initiated_on, from_day, to_day) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                holds,
            )

    def _rule_rows(self, review_id: str, review: ReviewFacts) -> Iterable[tuple[Any, ...]]:
        """Started rules as day numbers; an unknown bound (NULL) means today when read."""
        scope = _scope(review)
        for deadline in review.deadlines(self.by_regime[review.regime]):
            rule, due = deadline.rule, deadline.due_on.toordinal()
            start, met = deadline.start_on.toordinal(), _day(deadline.met_on)
            keep = rule.keep_until
            not_applicable = deadline.not_applicable_from is not None
            # The clock runs [start, met or today); a before-rule runs [met or today, start). It stops when the
            # rule stops applying; a keep-until date's runs to its date at most (or to the withdrawal).
            end = met or _day(deadline.not_applicable_from) or _day(deadline.ended_on)
            period = (start, end) if rule.direction is Direction.AFTER else (end, start)
            cap = due if keep else None
            yield (
                review_id,
                rule.id,
                *scope,
                deadline.start_on.toordinal(),
                due,
                met,
                keep,
                not_applicable,
                _day(deadline.ended_on),
                *period,
                cap,
            )


def _scope(review: ReviewFacts) -> tuple[str, str, str | None]:
    """The board, regime and initiation date every aggregate filters on."""
    return review.data["board_id"], review.data["regime"], review.initiated_on


def _review_row(review_id: str, review: ReviewFacts, last: LogEvent) -> tuple[Any, ...]:
    facts = review.data
    initiated = review.initiated_on
    return (
        review_id,
        *_scope(review),
        facts["notified_on"],
        facts.get("reconsidered_on") or facts.get("decided_on"),
        _days_between(initiated, facts.get("accepted_on")),
        _days_between(initiated, facts.get("published_on")),
        bool(facts["contradicts_criteria"]),
        last.position,
    )


def merged_spans(holds: Sequence[HoldPeriod]) -> list[tuple[int, int | None]]:
    """Hold periods merged into disjoint [from, to) day spans; to is None while a hold is active."""
    spans: list[list[int | None]] = []
    for hold in sorted(holds, key=lambda h: h.placed_on):
        start, end = hold.placed_on.toordinal(), _day(hold.lifted_on)
        last = spans[-1] if spans else None
        if last is not None and (last[1] is None or start <= last[1]):
            last[1] = None if end is None or last[1] is None else max(last[1], end)
        else:
            spans.append([start, end])
    return [(int(span[0] or 0), span[1]) for span in spans]


def _day(on: date | None) -> int | None:
    return None if on is None else on.toordinal()


def _days_between(start: str | None, end: str | None) -> int | None:
    if start is None or end is None:
        return None
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


# ---- queries ------------------------------------------------------------------------------------


def review_timeliness(cursor: Cursor, review_id: UUID, *, today: date) -> list[dict[str, Any]] | None:
    """Every rule of the review's regime as of `today` (domain.deadlines), or None for an unknown review."""
    cursor.execute(f"SELECT facts FROM {_FACTS} WHERE review_id = %s", (str(review_id),))
    found = cursor.fetchone()
    if found is None:
        return None
    return [outcome.as_dict() for outcome in ReviewFacts.from_json(found[0]).outcomes(_rules(cursor), today)]


def _rules(cursor: Cursor) -> tuple[Rule, ...]:
    """The rule table the stored rows were computed with."""
    cursor.execute("SELECT value FROM timeliness_settings WHERE name = %s", (_SETTING,))
    found = cursor.fetchone()
    overrides: dict[str, int] = orjson.loads(found[0]) if found else {}
    return with_overrides(RULES, overrides)


# Per review and rule: the clock's [lo, hi) with today for an open bound, capped for a keep-until date.
_PERIODS = (
    "SELECT t.review_id, t.board_id, t.rule, t.start_day, t.due_day, t.met_day, t.keep_until, t.not_applicable, "
    "t.ended_day, COALESCE(t.period_from, %s) AS lo, "
    "CASE WHEN t.period_to IS NOT NULL THEN t.period_to "
    "WHEN t.period_cap IS NOT NULL AND t.period_cap < %s THEN t.period_cap ELSE %s END AS hi "
    "FROM timeliness_rules t"
)
# Each merged hold span's overlap with the clock period, in days (spans are disjoint: no double count).
_OVERLAP = (
    "(CASE WHEN COALESCE(h.to_day, %s) < p.hi THEN COALESCE(h.to_day, %s) ELSE p.hi END) - "
    "(CASE WHEN h.from_day > p.lo THEN h.from_day ELSE p.lo END)"
)
# Far past and future day numbers: an open end of the asked period.
_FIRST_DAY, _LAST_DAY = 1, date.max.toordinal()


def aggregate_timeliness(
    cursor: Cursor,
    *,
    today: date,
    board_id: str | None = None,
    regime: str | None = None,
    from_on: date | None = None,
    to_on: date | None = None,
) -> dict[str, Any]:
    """National totals and per-board figures as of `today`; a period selects each figure by its own date."""
    period = Period(from_on, to_on)
    day = today.toordinal()
    boards: dict[str, dict[str, Any]] = {}
    scope, scope_params = _filters(board_id, regime)
    notified, notified_params = period.iso("t.notified_on")
    initiated, initiated_params = period.iso("t.initiated_on")
    decided, decided_params = period.iso("t.decided_on")
    cursor.execute(
        f"SELECT t.board_id, SUM(CASE WHEN {notified} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN t.initiated_on IS NOT NULL AND {initiated} THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN t.contradicts_criteria AND {decided} THEN 1 ELSE 0 END) FROM timeliness_reviews t{scope} "
        "GROUP BY t.board_id",
        [*notified_params, *initiated_params, *decided_params, *scope_params],
    )
    for board, reviews, initiated_count, against in cursor.fetchall():
        boards[board] = _empty(int(reviews or 0), int(initiated_count or 0), int(against or 0))
    started, started_params = period.days("t.start_day")
    rules_where = f"{scope}{' AND ' if scope else ' WHERE '}{started}"
    _rule_counts(cursor, boards, rules_where, [*scope_params, *started_params], day)
    _hold_days(cursor, boards, scope, scope_params, day, period)
    durations_where = f"{scope}{' AND ' if scope else ' WHERE '}{initiated}"
    national = _national(
        boards.values(), _durations(cursor, boards, durations_where, [*scope_params, *initiated_params])
    )
    return {
        "today": today.isoformat(),
        "filters": {
            "board_id": board_id,
            "regime": regime,
            "from_on": None if from_on is None else from_on.isoformat(),
            "to_on": None if to_on is None else to_on.isoformat(),
            "period_applies_to": PERIOD_APPLIES_TO,
        },
        "national": national,
        "boards": [{"board_id": board, **figures} for board, figures in sorted(boards.items())],
    }


class Period:
    """An inclusive period [from_on, to_on], either end open, as SQL conditions on a date column."""

    def __init__(self, from_on: date | None, to_on: date | None) -> None:
        self.from_on, self.to_on = from_on, to_on

    def iso(self, column: str) -> tuple[str, list[Any]]:
        """The condition on an ISO text column (a NULL date is outside any period)."""
        return self._between(column, self.from_on and self.from_on.isoformat(), self.to_on and self.to_on.isoformat())

    def days(self, column: str) -> tuple[str, list[Any]]:
        """The condition on a day-number column."""
        return self._between(column, self.from_on and self.from_on.toordinal(), self.to_on and self.to_on.toordinal())

    @staticmethod
    def _between(column: str, low: Any, high: Any) -> tuple[str, list[Any]]:
        clauses = [f"{column} >= %s" for value in (low,) if value is not None]
        clauses += [f"{column} <= %s" for value in (high,) if value is not None]
        params = [value for value in (low, high) if value is not None]
        return (" AND ".join(clauses) if clauses else "1 = 1"), params

    @property
    def first_day(self) -> int:
        return _FIRST_DAY if self.from_on is None else self.from_on.toordinal()

    @property
    def after_last_day(self) -> int:
        return _LAST_DAY if self.to_on is None else self.to_on.toordinal() + 1


def _filters(board_id: str | None, regime: str | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (("t.board_id = %s", board_id), ("t.regime = %s", regime)):
        if value is not None:
            clauses.append(clause)
            params.append(str(value))
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _empty(reviews: int, initiated: int, against: int) -> dict[str, Any]:
    return {
        "reviews": reviews,
        "initiated": initiated,
        "decisions_against_criteria": against,
        "rules": {},
        "days_initiation_to_acceptance": summary([]),
        "days_initiation_to_publication": summary([]),
        "legal_hold_days": {"total": 0, "reviews_with_holds": 0},
    }


def _run(cursor: Cursor, sql: str, params: list[Any], day: int) -> list[Any]:
    """Run a query whose placeholders before the filters all stand for today's day number."""
    cursor.execute(sql, [day] * (sql.count("%s") - len(params)) + params)
    return cursor.fetchall()


# A keep-until date still kept (not withdrawn before it).
_NOT_WITHDRAWN_EARLY = "(p.ended_day IS NULL OR p.ended_day >= p.due_day)"


def _rule_counts(cursor: Cursor, boards: dict[str, dict[str, Any]], where: str, params: list[Any], day: int) -> None:
    """Per board and rule: met in time, met late, overdue, open, not applicable, kept, withdrawn early, hold days."""
    counts = _run(
        cursor,
        "SELECT p.board_id, p.rule, "
        "SUM(CASE WHEN NOT p.keep_until AND p.met_day <= p.due_day THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN NOT p.keep_until AND p.met_day > p.due_day THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN NOT p.keep_until AND p.met_day IS NULL AND NOT p.not_applicable AND p.due_day < %s "
        "THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.met_day IS NULL AND NOT p.not_applicable AND ((NOT p.keep_until AND p.due_day >= %s) "
        f"OR (p.keep_until AND {_NOT_WITHDRAWN_EARLY} AND p.due_day > %s)) THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.not_applicable THEN 1 ELSE 0 END), "
        f"SUM(CASE WHEN p.keep_until AND {_NOT_WITHDRAWN_EARLY} AND p.due_day <= %s THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN p.keep_until AND p.ended_day < p.due_day THEN 1 ELSE 0 END) "
        f"FROM ({_PERIODS}{where}) p GROUP BY p.board_id, p.rule",
        params,
        day,
    )
    for board, rule, within, met_late, overdue, still_open, not_applicable, kept, withdrawn_early in counts:
        figures = {
            "within_deadline": int(within),
            "late": int(met_late) + int(overdue),
            "met_late": int(met_late),
            "overdue": int(overdue),
            "open": int(still_open),
            "not_applicable": int(not_applicable),
            "legal_hold_days": 0,
        }
        if rule == "website_retention":
            figures |= {"kept": int(kept), "withdrawn_early": int(withdrawn_early)}
        boards[board]["rules"][rule] = figures
    hold_days = _run(
        cursor,
        f"SELECT p.board_id, p.rule, SUM(CASE WHEN {_OVERLAP} > 0 THEN {_OVERLAP} ELSE 0 END) "
        f"FROM ({_PERIODS}{where}) p JOIN timeliness_holds h ON h.review_id = p.review_id "
        "GROUP BY p.board_id, p.rule",
        params,
        day,
    )
    for board, rule, days in hold_days:
        boards[board]["rules"][rule]["legal_hold_days"] = int(days or 0)


def _hold_days(
    cursor: Cursor, boards: dict[str, dict[str, Any]], where: str, params: list[Any], day: int, period: Period
) -> None:
    """Per board: days inside the period under at least one legal hold (each review's days once), and how many
    reviews had any."""
    upper = min(day, period.after_last_day)
    overlap = (
        "(CASE WHEN COALESCE(t.to_day, %s) < %s THEN COALESCE(t.to_day, %s) ELSE %s END) - "
        "(CASE WHEN t.from_day > %s THEN t.from_day ELSE %s END)"
    )
    bounds = [day, upper, day, upper, period.first_day, period.first_day]
    cursor.execute(
        f"SELECT t.board_id, SUM(CASE WHEN {overlap} > 0 THEN {overlap} ELSE 0 END), "
        f"COUNT(DISTINCT CASE WHEN {overlap} > 0 THEN t.review_id END) "
        f"FROM timeliness_holds t{where} GROUP BY t.board_id",
        [*bounds, *bounds, *bounds, *params],
    )
    for board, days, reviews in cursor.fetchall():
        if board in boards:
            boards[board]["legal_hold_days"] = {"total": int(days or 0), "reviews_with_holds": int(reviews or 0)}


_DURATIONS = {
    "days_initiation_to_acceptance": "days_to_acceptance",
    "days_initiation_to_publication": "days_to_publication",
}


def _durations(
    cursor: Cursor, boards: dict[str, dict[str, Any]], where: str, params: list[Any]
) -> dict[str, list[int]]:
    """Median and 90th percentile days per board; returns every board's values for the national figure."""
    national: dict[str, list[int]] = {}
    for key, column in _DURATIONS.items():
        joiner = " AND " if where else " WHERE "
        cursor.execute(
            f"SELECT t.board_id, t.{column} FROM timeliness_reviews t{where}{joiner}t.{column} IS NOT NULL",
            params,
        )
        by_board: dict[str, list[int]] = {}
        for board, days in cursor.fetchall():
            by_board.setdefault(board, []).append(int(days))
        for board, values in by_board.items():
            boards[board][key] = summary(values)
        national[key] = [days for values in by_board.values() for days in values]
    return national


def _national(boards: Iterable[dict[str, Any]], durations: dict[str, list[int]]) -> dict[str, Any]:
    """The boards' figures added up; percentiles over every review, not averaged over boards."""
    total = _empty(0, 0, 0)
    for figures in boards:
        for key in ("reviews", "initiated", "decisions_against_criteria"):
            total[key] += figures[key]
        for key in ("total", "reviews_with_holds"):
            total["legal_hold_days"][key] += figures["legal_hold_days"][key]
        for rule, counts in figures["rules"].items():
            into = total["rules"].setdefault(rule, dict.fromkeys(counts, 0))
            for name, value in counts.items():
                into[name] += value
    for key, values in durations.items():
        total[key] = summary(values)
    return total
