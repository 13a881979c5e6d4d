"""DfE serious incident notification statistics: counts by reporting year, quarter, nature and characteristic.

DfE's conventions (DOMAIN.md section 9):
- A *reporting year* runs April to March and counts a notification by its notification date
  (`notified_on`), never the incident's date. Quarters: Q1 April-June, Q2 July-September, Q3
  October-December, Q4 January-March.
- One child per notification: the *statistics child* (`statistics_child`, the first listed by default).
- Two measures, named apart: `notifications_dfe` (every notification received) and
  `notifications_panel` (the Panel's count: notifications with abuse or neglect known or suspected, the ones
  with a rapid review, domain.rules.rapid_review_applies; a looked-after child's death without suspected abuse
  or neglect is notified but not the Panel's to review).
- National and local authority counts are unrounded; regional counts are rounded to the nearest 10
  (halves up). `c` marks a suppressed figure: a local-authority count of a child characteristic below
  SUPPRESS_BELOW (a total or a count by nature is never suppressed), and, by secondary suppression
  (projections/suppression.py), as many other figures as keep each suppressed one from being worked out
  from the totals: across a breakdown's categories (against the authority's total), across the quarters
  (against the year) and, in the national reading, across local authorities (against England). Each
  measure is protected on its own. `x` marks a figure not available:
  a characteristic first collected in the second wave (child in need plan, known to agencies, placement
  type) where no notification in the cell recorded it.
- The local authority of a count is the notifying board's local authority; its codes and region come
  from projections/data/local_authorities.csv, England's 153 local authorities as DfE publishes them (source
  in projections/data/README.md; an authority not listed keeps its name, with codes and region `x`).

Only aggregate counts leave this module: no child's details are answered, to anyone.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

import orjson

from domain.rules import rapid_review_applies
from projections import suppression
from projections.base import LogEvent
from projections.storage import Cursor

_REVIEW = "domain.review:CaseReview."
_BOARD_REGISTERED = "domain.board:Board.Registered"
SUPPRESS_BELOW = 6  # DfE children's social care statistics suppress counts of 1 to 5
COUNTRY = ("E92000001", "England")
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
TOTAL = "Total"
CSV_COLUMNS = (
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "quarter",
    "breakdown_topic",
    "breakdown",
    "notifications_dfe",
    "notifications_panel",
)
MEASURES = {
    "notifications_dfe": "Serious incident notifications received (DfE count)",
    "notifications_panel": (
        "Notifications for the Child Safeguarding Practice Review Panel: the DfE count of those with abuse or "
        "neglect known or suspected (a looked-after child's death without it is notified but not the Panel's)"
    ),
}
# The notification fields kept (never the incident's description): enough to count, and to correct.
_KEPT = ("notified_on", "child", "other_children", "statistics_child", "incident")
_INCIDENT_KEPT = ("nature", "abuse_or_neglect", "la_of_incident", "la_of_residence")


def _yes_no(value: Any) -> str:
    return "Unknown" if value is None else ("Yes" if value else "No")


def _age(value: Any) -> str:
    if value is None:
        return "Unknown"
    age = int(value)
    return next(label for label, top in AGE_BANDS if top is None or age <= top)


AGE_BANDS: tuple[tuple[str, int | None], ...] = (
    ("Under 1", 0),
    ("1 to 5", 5),
    ("6 to 10", 10),
    ("11 to 15", 15),
    ("16 and over", None),
)
ETHNIC_GROUPS = ("White", "Mixed", "Asian or Asian British", "Black or Black British", "Other ethnic group")


def _ethnicity(value: Any) -> str:
    """Free text grouped into DfE's major ethnic groups; the text itself never leaves this module."""
    if value is None or not str(value).strip():
        return "Unknown"
    text = str(value).strip().lower()
    for prefix, group in (
        ("white", "White"),
        ("mixed", "Mixed"),
        ("asian", "Asian or Asian British"),
        ("indian", "Asian or Asian British"),
        ("pakistani", "Asian or Asian British"),
        ("bangladeshi", "Asian or Asian British"),
        ("black", "Black or Black British"),
        ("caribbean", "Black or Black British"),
        ("african", "Black or Black British"),
        ("chinese", "Other ethnic group"),
        ("arab", "Other ethnic group"),
        ("other", "Other ethnic group"),
        ("any other", "Other ethnic group"),
    ):
        if text.startswith(prefix):
            return group
    return "Unclassified"


NATURES = {"death": "Death", "serious_harm": "Serious harm", "looked_after_death": "Death of a looked-after child"}
PLACEMENTS = {
    "living_at_home": "Living at home",
    "foster_care": "Foster care",
    "childrens_home": "Children's home",
    "secure_setting": "Secure setting",
    "placed_for_adoption": "Placed for adoption",
    "other": "Other",
    "unknown": "Unknown",
}
SEXES = {"female": "Female", "male": "Male", "other": "Other", "unknown": "Unknown"}


# Each published breakdown: its topic, the categories in DfE's order, how a notification is classified,
# and whether the field arrived in the second wave (so older notifications cannot say: `x` when none do).
BREAKDOWNS: tuple[tuple[str, tuple[str, ...], Callable[[dict[str, Any], dict[str, Any]], str], str | None], ...] = (
    ("Nature of incident", tuple(NATURES.values()), lambda c, i: NATURES[i["nature"]], None),
    ("Age", (*(label for label, _ in AGE_BANDS), "Unknown"), lambda c, i: _age(c.get("age_years")), None),
    ("Sex", tuple(dict.fromkeys(SEXES.values())), lambda c, i: SEXES[c.get("sex") or "unknown"], None),
    ("Ethnicity", (*ETHNIC_GROUPS, "Unclassified", "Unknown"), lambda c, i: _ethnicity(c.get("ethnicity")), None),
    ("Disability", ("Yes", "No", "Unknown"), lambda c, i: _yes_no(c.get("disability")), None),
    ("Looked after", ("Yes", "No", "Unknown"), lambda c, i: _yes_no(c.get("looked_after")), None),
    (
        "Child protection plan",
        ("Yes", "No", "Unknown"),
        lambda c, i: _yes_no(c.get("child_protection_plan")),
        None,
    ),
    (
        "Child in need plan",
        ("Yes", "No", "Unknown"),
        lambda c, i: _yes_no(c.get("child_in_need_plan")),
        "child_in_need_plan",
    ),
    (
        "Known to agencies",
        ("Yes", "No", "Unknown"),
        lambda c, i: _yes_no(c.get("known_to_agencies")),
        "known_to_agencies",
    ),
    (
        "Placement type",
        tuple(PLACEMENTS.values()),
        lambda c, i: PLACEMENTS[c.get("placement_type") or "unknown"],
        "placement_type",
    ),
)
TOPICS = (TOTAL, *(topic for topic, _, _, _ in BREAKDOWNS))


class StatisticsProjection:
    """One row per notification (the fields DfE counts, corrections applied) and each board's local authority."""

    name = "statistics"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """Notifications by date; boards."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS statistics_notifications (review_id TEXT PRIMARY KEY, board_id TEXT NOT NULL, "
            "notified_on TEXT NOT NULL, fields TEXT NOT NULL)"
        )
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS statistics_notified ON statistics_notifications (notified_on, board_id)"
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS statistics_boards (board_id TEXT PRIMARY KEY, local_authority TEXT NOT NULL)"
        )

    def drop_tables(self, cursor: Cursor) -> None:
        cursor.execute("DROP TABLE IF EXISTS statistics_notifications")
        cursor.execute("DROP TABLE IF EXISTS statistics_boards")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Keep each notification's counted fields; carry corrections of them."""
        for event in events:
            if event.topic == _BOARD_REGISTERED:
                cursor.execute(
                    "INSERT INTO statistics_boards (board_id, local_authority) VALUES (%s, %s) "
                    "ON CONFLICT (board_id) DO NOTHING",
                    (event.data["board_id"], event.data["local_authority"]),
                )
            elif event.topic == _REVIEW + "Notified":
                kept = {key: event.data[key] for key in _KEPT if key in event.data}
                kept["incident"] = {k: v for k, v in event.data["incident"].items() if k in _INCIDENT_KEPT}
                cursor.execute(
                    "INSERT INTO statistics_notifications (review_id, board_id, notified_on, fields) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (review_id) DO NOTHING",
                    (str(event.originator_id), event.data["board_id"], event.data["notified_on"], _dumps(kept)),
                )
            elif event.topic == _REVIEW + "Corrected" and event.data["corrects_type"] == "Notified":
                _correct(cursor, str(event.originator_id), event.data["field"], event.data["value"])


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _correct(cursor: Cursor, review_id: str, field: str, value: Any) -> None:
    path = field.split(".")
    if path[0] not in _KEPT or (path[0] == "incident" and path[-1] not in _INCIDENT_KEPT):
        return
    cursor.execute("SELECT fields FROM statistics_notifications WHERE review_id = %s", (review_id,))
    found = cursor.fetchone()
    if found is None:
        return
    fields = orjson.loads(found[0])
    into: Any = fields
    for part in path[:-1]:
        into = into[int(part)] if isinstance(into, list) else into.setdefault(part, {})
    if isinstance(into, list):
        into[int(path[-1])] = value
    else:
        into[path[-1]] = value
    cursor.execute(
        "UPDATE statistics_notifications SET fields = %s, notified_on = %s WHERE review_id = %s",
        (_dumps(fields), fields["notified_on"], review_id),
    )


# ---- local authorities --------------------------------------------------------------------------


@cache
def local_authorities() -> dict[str, dict[str, str]]:
    """Normalised name to the authority's DfE codes and region."""
    text = resources.files("projections").joinpath("data/local_authorities.csv").read_text(encoding="utf-8")
    return {_key(row["la_name"]): row for row in csv.DictReader(io.StringIO(text))}


_NOISE = re.compile(
    r"\b(council|county|city|of|metropolitan|borough|district|royal|london|the|safeguarding|children|board)\b"
)


def _normalised(name: str) -> str:
    text = _NOISE.sub(" ", name.lower().replace("&", " and "))
    return " ".join(re.sub(r"[^a-z ]", " ", text).split())


def _key(name: str) -> str:
    """The name without the words councils add; a name that is nothing but such words (City of London) is kept
    whole, so that no other name left empty by the stripping can match it."""
    return _normalised(name) or " ".join(name.lower().split())


def authority(name: str) -> dict[str, str]:
    """DfE's codes and region of a local authority named as a board registered it; `x` where not listed."""
    found = local_authorities().get(_key(name))
    if found is not None:
        return dict(found)
    return {"la_name": name, "old_la_code": "x", "new_la_code": "x", "region_code": "x", "region_name": "x"}


# ---- queries ------------------------------------------------------------------------------------


def reporting_year_bounds(reporting_year: str) -> tuple[date, date]:
    """'2024-25' -> 1 April 2024 to 31 March 2025; refuses a year whose halves do not follow."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", reporting_year)
    if match is None or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(f"a reporting year is written like 2024-25, not {reporting_year}")
    start = int(match.group(1))
    return date(start, 4, 1), date(start + 1, 3, 31)


def reporting_year_of(day: date) -> str:
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def quarter_of(day: date) -> str:
    return QUARTERS[((day.month - 4) % 12) // 3]


def round_regional(count: int) -> int:
    """To the nearest 10, halves up (DfE: regional figures)."""
    return (count + 5) // 10 * 10


def notification_statistics(
    cursor: Cursor, reporting_year: str, *, board_id: str | None = None, topics: Iterable[str] | None = None
) -> dict[str, Any]:
    """Rows in DfE's open-data layout for the year: national, regional and local authority levels (a board's
    own reading: its local authority only), each quarter and the year, by each breakdown asked for."""
    first, last = reporting_year_bounds(reporting_year)
    wanted = [topic for topic in TOPICS if topics is None or topic in set(topics) | {TOTAL}]
    cursor.execute("SELECT board_id, local_authority FROM statistics_boards")
    boards = {board: authority(la) for board, la in cursor.fetchall()}
    cursor.execute(
        "SELECT board_id, notified_on, fields FROM statistics_notifications WHERE notified_on >= %s "
        "AND notified_on <= %s" + (" AND board_id = %s" if board_id else "") + " ORDER BY notified_on, review_id",
        [first.isoformat(), last.isoformat(), *([board_id] if board_id else [])],
    )
    notifications = [_counted(board, on, orjson.loads(fields)) for board, on, fields in cursor.fetchall()]
    time_period = f"{first.year}{(first.year + 1) % 100:02d}"
    rows: list[dict[str, Any]] = []
    geographies = _geographies(notifications, boards, national=board_id is None)
    for geography, members in geographies:
        for quarter in ("Total", *QUARTERS):
            cell = [n for n in members if quarter == "Total" or n["quarter"] == quarter]
            rows.extend(_cell_rows(time_period, geography, quarter, cell, wanted))
    _publish(rows, national=board_id is None)
    return {
        "reporting_year": reporting_year,
        "time_period": time_period,
        "period": {"from": first.isoformat(), "to": last.isoformat(), "period_applies_to": "notified_on"},
        "measures": MEASURES,
        "notifications_dfe": len(notifications),
        "notifications_panel": sum(1 for n in notifications if n["panel"]),
        "conventions": {
            "national": "unrounded",
            "local_authority": f"unrounded; a child characteristic count of 1 to {SUPPRESS_BELOW - 1} is c, and "
            "others are c as well where the totals would give a c away (secondary suppression)",
            "regional": "rounded to the nearest 10",
            "c": "suppressed",
            "x": "not available",
            "statistics_child": "one child per notification: the statistics child (the first listed by default)",
        },
        "rows": rows,
    }


def _counted(board_id: str, notified_on: str, fields: dict[str, Any]) -> dict[str, Any]:
    children = [fields["child"], *fields.get("other_children", [])]
    index = int(fields.get("statistics_child", 0) or 0)
    child = children[index] if 0 <= index < len(children) else children[0]
    incident = fields["incident"]
    day = date.fromisoformat(notified_on)
    counted = {
        "board_id": board_id,
        "quarter": quarter_of(day),
        "panel": rapid_review_applies(incident["abuse_or_neglect"]),
    }
    for topic, _, classify, new_field in BREAKDOWNS:
        counted[topic] = classify(child, incident)
        counted[f"{topic}:recorded"] = new_field is None or child.get(new_field) is not None
    return counted


def _geographies(
    notifications: list[dict[str, Any]], boards: dict[str, dict[str, str]], *, national: bool
) -> list[tuple[dict[str, str], list[dict[str, Any]]]]:
    """(the geography's columns, its notifications): England, each region, each local authority with any."""
    unknown = {"la_name": "x", "old_la_code": "x", "new_la_code": "x", "region_code": "x", "region_name": "x"}
    blank = {"region_code": "", "region_name": "", "old_la_code": "", "new_la_code": "", "la_name": ""}
    by_la: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for n in notifications:
        la = boards.get(n["board_id"], unknown)
        key = (la["region_code"], la["region_name"], la["old_la_code"], la["new_la_code"], la["la_name"])
        by_la.setdefault(key, []).append(n)
    found: list[tuple[dict[str, str], list[dict[str, Any]]]] = []
    if national:
        found.append(({"geographic_level": "National", **blank}, notifications))
        regions: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for la_key, la_members in by_la.items():
            regions.setdefault((la_key[0], la_key[1]), []).extend(la_members)
        for (code, name), members in sorted(regions.items(), key=lambda item: item[0][0]):
            region = {**blank, "region_code": code, "region_name": name}
            found.append(({"geographic_level": "Regional", **region}, members))
    for la_key, la_members in sorted(by_la.items()):
        names = ("region_code", "region_name", "old_la_code", "new_la_code", "la_name")
        found.append(({"geographic_level": "Local authority", **dict(zip(names, la_key, strict=True))}, la_members))
    return found


def _cell_rows(
    time_period: str, geography: dict[str, str], quarter: str, cell: list[dict[str, Any]], topics: list[str]
) -> list[dict[str, Any]]:
    level = geography["geographic_level"]
    base = {
        "time_period": time_period,
        "time_identifier": "Reporting year",
        "geographic_level": level,
        "country_code": COUNTRY[0],
        "country_name": COUNTRY[1],
        **{key: value for key, value in geography.items() if key != "geographic_level"},
        "quarter": quarter,
    }
    rows = []
    for topic in topics:
        if topic == TOTAL:
            categories: tuple[str, ...] = (TOTAL,)
        else:
            categories = next(c for t, c, _, _ in BREAKDOWNS if t == topic)
        # an empty cell counts 0 of everything; `x` only where notifications exist and none recorded the field
        available = topic == TOTAL or not cell or any(n[f"{topic}:recorded"] for n in cell)
        for category in categories:
            members = [n for n in cell if topic == TOTAL or n[topic] == category]
            rows.append(
                {
                    **base,
                    "breakdown_topic": topic,
                    "breakdown": category,
                    "notifications_dfe": len(members) if available else "x",
                    "notifications_panel": sum(1 for n in members if n["panel"]) if available else "x",
                }
            )
    return rows


_UNSUPPRESSED = (TOTAL, "Nature of incident")


def _publish(rows: list[dict[str, Any]], *, national: bool) -> None:
    """The true counts as DfE publishes them, in place: regional rounded; a local authority's characteristic
    counts of 1 to 5 `c` and, by secondary suppression, the figures that would give a `c` away."""
    protected = [
        i
        for i, row in enumerate(rows)
        if row["geographic_level"] == "Local authority" and row["breakdown_topic"] not in _UNSUPPRESSED
    ]
    lines = _lines(rows, protected, national=national)
    for measure in MEASURES:
        counts = {i: rows[i][measure] for i in protected if rows[i][measure] != "x"}
        primary = {i for i, count in counts.items() if 0 < count < SUPPRESS_BELOW}
        unavailable = {i for i in protected if rows[i][measure] == "x"}
        for i in primary | suppression.secondary(lines, counts, primary, unavailable):
            rows[i][measure] = "c"
        for row in rows:
            if row["geographic_level"] == "Regional" and row[measure] != "x":
                row[measure] = round_regional(row[measure])


def _lines(rows: list[dict[str, Any]], protected: list[int], *, national: bool) -> list[list[int]]:
    """Sets of a local authority's suppressible cells that add up to a published total: a breakdown's categories
    (the authority's total), a category's quarters and year (Q1 + ... + Q4 = year) and, nationally, every
    authority's same cell (England's)."""
    lines: dict[tuple[Any, ...], list[int]] = {}
    for i in protected:
        row = rows[i]
        la = (row["region_code"], row["old_la_code"], row["new_la_code"], row["la_name"])
        topic, category, quarter = row["breakdown_topic"], row["breakdown"], row["quarter"]
        lines.setdefault(("categories", *la, topic, quarter), []).append(i)
        lines.setdefault(("quarters", *la, topic, category), []).append(i)
        if national:
            lines.setdefault(("authorities", topic, category, quarter), []).append(i)
    return list(lines.values())


def as_csv(statistics: dict[str, Any]) -> str:
    """The rows in DfE's open-data CSV layout (CSV_COLUMNS, in that order)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(statistics["rows"])
    return out.getvalue()
