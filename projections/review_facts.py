"""A review's dated facts as the read models keep them: the aggregate's own rules (domain.review_facts) over JSON.

Case status and timeliness both need a review's milestones and legal holds with every correction
applied. Each keeps its own copy (projections never read each other) as a JSON column, loads the
copies a batch touches, folds the batch's events in here and writes them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import orjson

from domain.corrections import COUNTED_TYPES, correction_targets, with_path
from domain.deadlines import HoldPeriod, RuleOutcome, clock, due_date, evaluate
from domain.personal_data import Withheld, withhold_facts
from domain.review import CaseReview
from domain.review_facts import HOLD_EVENTS, HOLD_SETS, RECORD_FACTS, REVIEW_EVENTS, hold_changes, review_changes
from domain.rules import RULES, Rule, rules_for, with_overrides
from domain.values import InitiationDecision, Regime, Stage
from projections.base import LogEvent
from projections.settings import StoreSettings
from projections.storage import Cursor

# Keys named like the aggregate's attributes, so domain.corrections.REVIEW_DATES names them directly.
_DATE_KEYS = (
    "notified_on",
    "rapid_review_completed_on",
    "decided_on",
    "panel_told_not_initiating_on",
    "accepted_on",
    "publication_planned_on",
    "published_on",
    "closed_on",
    "reconsidered_on",
    "first_withdrawn_on",
)


def deadline_rules(settings: StoreSettings) -> tuple[Rule, ...]:
    """The rule table with the configurable lengths applied: SCR 2013's notification, SCR 2006's two rows."""
    return with_overrides(
        RULES,
        {
            "notify_incident:scr-2013": settings.notify_incident_scr_2013_working_days,
            "initiation_decision:scr-2006": settings.initiation_decision_scr_2006_months,
            "complete_review:scr-2006": settings.complete_review_scr_2006_months,
        },
    )


class ReviewFacts:
    """One review's facts as JSON values (dates as ISO text), changed by its events in order."""

    __slots__ = ("data",)

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        self.data: dict[str, Any] = data if data is not None else {}

    @classmethod
    def from_json(cls, text: str | bytes) -> ReviewFacts:
        return cls(orjson.loads(text))

    def to_json(self) -> str:
        # Top-level keys sorted: the same facts are the same text whether folded in one batch or across
        # several (holds keep the order they were placed in).
        return orjson.dumps(dict(sorted(self.data.items()))).decode()

    def to_json_without_child(self) -> str:
        """The facts with no child detail and only the incident's dates (for national read models)."""
        # The incident's nature and abuse answer decide which clocks start (the rapid review); no child detail.
        incident = {
            key: value
            for key, value in self.data["incident"].items()
            if key.endswith("_on") or key in ("nature", "abuse_or_neglect")
        }
        kept = {key: value for key, value in self.data.items() if "child" not in key and key not in RECORD_FACTS}
        return orjson.dumps(dict(sorted((kept | {"incident": incident}).items()))).decode()

    # ---- what the read models ask -----------------------------------------------------------

    @property
    def regime(self) -> Regime:
        return Regime(self.data["regime"])

    @property
    def initiated_on(self) -> str | None:
        """The date of the decision to initiate in force, a reconsidered one included (None when not initiated)."""
        on = self.milestones().get("initiation_decided_on")
        return None if on is None else on.isoformat()

    def milestones(self) -> dict[str, date]:
        """The dates the rules start from and are met by, by the aggregate's own definition."""
        dated = _Dated(self.data)
        found: dict[str, date] = CaseReview.milestones.fget(dated)  # type: ignore[attr-defined]
        return found

    def hold_periods(self) -> list[HoldPeriod]:
        return [
            HoldPeriod(date.fromisoformat(hold["placed_on"]), _date(hold.get("lifted_on")))
            for hold in self.data["holds"].values()
        ]

    def active_holds(self) -> list[dict[str, Any]]:
        """Holds not lifted, in the order they were placed."""
        return [
            {"hold_id": hold_id, **{key: hold[key] for key in _HOLD_KEYS}}
            for hold_id, hold in self.data["holds"].items()
            if hold.get("lifted_on") is None
        ]

    def outcomes(self, rules: Sequence[Rule], today: date) -> list[RuleOutcome]:
        """domain.deadlines.evaluate over these facts."""
        return evaluate(self.regime, self.milestones(), self.hold_periods(), today, rules)

    def deadlines(self, regime_rules: Sequence[Rule]) -> list[Deadline]:
        """The started rules of the review's regime (in table order) with due and met dates; no today involved."""
        milestones = self.milestones()
        found = []
        for order, rule in enumerate(regime_rules):
            started = clock(rule, milestones, _due_date)
            if started is not None:
                found.append(
                    Deadline(
                        rule,
                        order,
                        started.start_on,
                        started.due_on,
                        started.met_on,
                        started.not_applicable_from,
                        started.ended_on,
                    )
                )
        return found


@dataclass(frozen=True)
class Deadline:
    """A started rule: when its clock started, when it is due, and the milestone date that met it."""

    rule: Rule
    order: int
    start_on: date
    due_on: date
    met_on: date | None  # None while unmet, and always for a keep-until rule (website retention)
    # Set while unmet when the review was closed as subsumed or with no further action: from then it does not apply.
    not_applicable_from: date | None = None
    ended_on: date | None = None  # a keep-until rule's early end (a withdrawal)


# Many reviews share start dates; working-day arithmetic is the cost of a rebuild.
_due_date = lru_cache(maxsize=65_536)(due_date)


def rules_by_regime(rules: Sequence[Rule]) -> dict[Regime, tuple[Rule, ...]]:
    """Each regime's rules in table order (looked up once, not per review)."""
    return {regime: rules_for(regime, rules) for regime in Regime}


class _Dated:
    """The aggregate's `milestones` and the properties it uses run over stored facts."""

    publication_due_on = CaseReview.publication_due_on
    current_decision = CaseReview.current_decision
    pre_publication_copy_sent_on = CaseReview.pre_publication_copy_sent_on
    extended_due_dates = CaseReview.extended_due_dates

    def __init__(self, data: Mapping[str, Any]) -> None:
        incident = data["incident"]
        self.incident = SimpleNamespace(
            la_aware_on=date.fromisoformat(incident["la_aware_on"]), abuse_or_neglect=incident.get("abuse_or_neglect")
        )
        for key in _DATE_KEYS:
            setattr(self, key, _date(data.get(key)))
        decision = data.get("decision")
        self.decision = InitiationDecision(decision) if decision else None
        self.reconsidered_decision = data.get("reconsidered_decision")
        self.publication_option = data.get("publication_option")
        self.regime = data["regime"]
        self.copies_sent = data.get("copies_sent") or {}
        self.extensions = data.get("extensions") or {}
        self.stage = Stage(data["stage"])
        self.close_outcome = data.get("close_outcome")


_HOLD_KEYS = ("kind", "reference", "blocks_publication", "placed_on", "overridden")


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


# ---- how each event changes the facts: domain.review_facts, the table the aggregate runs too -----------

Handler = Callable[[dict[str, Any], str, dict[str, Any], int], bool]

# Facts whose change leaves every deadline where it was.
_UNDATED = frozenset({"stage", "stage_before_closure", "closed_on"})


def _review(facts: dict[str, Any], event_type: str, data: dict[str, Any], version: int) -> bool:
    """The review's own facts, as CaseReview.apply_facts changes them."""
    changes = review_changes(event_type, data, facts, version)
    if event_type == "Notified":
        facts.clear()
        facts.update(reviewers=[], holds={}, hold_versions={})
    stage = changes.get("stage")
    if stage is not None:
        changes["stage"] = str(stage)  # the table's Stage, stored as its value
    facts.update(changes)
    if event_type == "Disposed":  # what the read models folded of the personal data goes with it
        withhold_facts(facts, Withheld.DISPOSED)
    return not changes.keys() <= _UNDATED


def _hold(facts: dict[str, Any], event_type: str, data: dict[str, Any], version: int) -> bool:
    """A hold's facts, as CaseReview.apply_hold changes them."""
    hold_id = data["hold_id"]
    changes = hold_changes(event_type, data)
    holds = facts["holds"]
    holds[hold_id] = {**holds[hold_id], **changes} if hold_id in holds else changes
    if event_type not in HOLD_SETS:  # an override: no date moves, and no correction reaches the hold through it
        return False
    facts["hold_versions"][str(version)] = hold_id
    return True


def _reviewer(facts: dict[str, Any], _event_type: str, data: dict[str, Any], _version: int) -> bool:
    facts["reviewers"].append(data["name"])
    return False


def _corrected(facts: dict[str, Any], _event_type: str, data: dict[str, Any], _version: int) -> bool:
    """What domain.corrections.correction_target decides, applied to the JSON (the aggregate applies it too)."""
    corrects, version = data["corrects_type"], data["corrects_version"]
    first, latest = facts.get("versions", {}).get(corrects, (None, None))
    subject = facts["hold_versions"].get(str(version))
    targets = correction_targets(
        corrects, data["field"], first=version == first, latest=version == latest, hold=subject in facts["holds"]
    )
    moved = False
    for part, name in targets:
        if part == "review":
            facts[name] = data["value"]
        elif part == "hold":
            facts["holds"][subject][name] = data["value"]
        elif part == "list":
            fact, _, index = name.partition(".")
            entries = facts.get(fact) or {}
            if str(version) not in entries:
                continue
            entry = list(entries[str(version)])
            entry[int(index)] = data["value"]
            facts[fact] = {**entries, str(version): entry}
        elif name.partition(".")[0] in facts:  # a copy: the notification's decoded data is shared with others
            head, *path = name.split(".")
            facts[head] = with_path(facts[head], path, data["value"])
        else:  # stored without child details
            continue
        moved = True
    return moved


_HANDLERS: dict[str, Handler] = {
    **dict.fromkeys(REVIEW_EVENTS, _review),
    **dict.fromkeys(HOLD_EVENTS, _hold),
    "ReviewerCommissioned": _reviewer,
    "Corrected": _corrected,
}

REVIEW_TOPIC = "domain.review:CaseReview."
_BY_TOPIC = {REVIEW_TOPIC + name: (name, handler) for name, handler in _HANDLERS.items()}
_NOTIFIED = REVIEW_TOPIC + "Notified"
_COUNTED = {REVIEW_TOPIC + event_type: event_type for event_type in COUNTED_TYPES}


def _note_version(facts: dict[str, Any], event_type: str, version: int) -> None:
    """Keep the first and latest version of each event type a correction may need to be."""
    seen = facts.setdefault("versions", {}).setdefault(event_type, [version, version])
    seen[1] = version


def create_facts_table(cursor: Cursor, table: str) -> None:
    """A projection's own copy of each review's facts, apart from its narrow rows so scans stay cheap."""
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {table} (review_id TEXT PRIMARY KEY, facts TEXT NOT NULL)")


def save_facts(cursor: Cursor, table: str, rows: Sequence[tuple[str, str]]) -> None:
    """Upsert (review_id, facts JSON) rows."""
    cursor.executemany(
        f"INSERT INTO {table} (review_id, facts) VALUES (%s, %s) "
        "ON CONFLICT (review_id) DO UPDATE SET facts = excluded.facts",
        rows,
    )


def load_facts(cursor: Cursor, table: str, review_ids: Iterable[str]) -> dict[str, ReviewFacts]:
    """The stored facts of the given reviews from `table` (columns review_id, facts)."""
    found: dict[str, ReviewFacts] = {}
    for chunk in chunks(sorted(set(review_ids)), 500):
        cursor.execute(
            f"SELECT review_id, facts FROM {table} WHERE review_id IN ({placeholders(len(chunk))})",
            chunk,
        )
        found.update((review_id, ReviewFacts.from_json(text)) for review_id, text in cursor.fetchall())
    return found


def fold(
    events: Sequence[LogEvent], stored: Callable[[Iterable[str]], dict[str, ReviewFacts]]
) -> tuple[dict[str, ReviewFacts], dict[str, LogEvent], set[str]]:
    """Apply a batch's CaseReview events: facts by review, each review's last event, and reviews whose dates moved.

    `stored` loads the facts of reviews opened before this batch. Ids stay UUIDs inside the loop (text
    only once per review): this loop runs for every event of a rebuild."""
    reviews = [event for event in events if event.topic.startswith(REVIEW_TOPIC)]
    opened_here = {event.originator_id for event in reviews if event.topic == _NOTIFIED}
    earlier = {event.originator_id for event in reviews} - opened_here
    facts = {UUID(review_id): found for review_id, found in stored(map(str, earlier)).items()}
    last: dict[UUID, LogEvent] = {}
    moved: set[UUID] = set()
    for event in reviews:
        review_id = event.originator_id
        last[review_id] = event
        found = _BY_TOPIC.get(event.topic)
        if found is None:
            continue
        event_type, handler = found
        current = facts.get(review_id)
        if current is None:
            current = facts[review_id] = ReviewFacts()
        if handler(current.data, event_type, event.data, event.version):
            moved.add(review_id)
        counted = _COUNTED.get(event.topic)
        if counted is not None:
            _note_version(current.data, counted, event.version)
    return (
        {str(review_id): facts[review_id] for review_id in last},
        {str(review_id): event for review_id, event in last.items()},
        {str(review_id) for review_id in moved},
    )


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    """Slices of at most `size` items (keeps IN lists and parameter counts bounded)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)
