"""Search across reviews: findings, recommendations, terms-of-reference scope and board responses.

Full text by each database's own engine, words stemmed in English: PostgreSQL a `tsvector` column
(`to_tsvector('english', body)`, generated and stored) with a GIN index, asked with `plainto_tsquery`,
ranked by `ts_rank_cd`, highlighted by `ts_headline`; SQLite an FTS5 table with the porter tokenizer,
ranked by `bm25`, highlighted by `snippet`. Both take every word of the query (AND), so both backends
answer the same question.

Nothing indexed holds a child's details: a notification (the child, the incident's description), legal
holds, the equality considerations of the terms of reference and every free-text note are left out. A
document carries its own themes (findings, recommendations) or its review's (terms of reference, board
response). Filters by period select by the review's notification date.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson

from projections.base import LogEvent
from projections.storage import Cursor, SqliteCursor

# Private-use characters mark a match in a snippet; stripped from every indexed text, so text cannot forge one.
START, STOP = "\ue000", "\ue001"
_REVIEW = "domain.review:CaseReview."
# Review-level documents take their review's themes (stored NULL); the others carry their own.
REVIEW_LEVEL = ("terms_of_reference", "board_response")
KINDS = ("finding", "recommendation", *REVIEW_LEVEL)
# Corrections that change an indexed document: the corrected event type and its indexed fields.
_INDEXED_FIELDS = {
    "FindingRecorded": {"text", "themes"},
    "RecommendationMade": {"text", "themes"},
    "ReportAccepted": {"board_response"},
    "TermsOfReferenceAgreed": {"methodology", "scope_from", "scope_to"},
}
MAX_RESULTS = 200


class SearchProjection:
    """One row per searchable document, one per review (board, regime, notification date, themes)."""

    name = "search"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        """Reviews, documents and the full-text index of each backend."""
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS search_reviews (review_id TEXT PRIMARY KEY, board_id TEXT NOT NULL, "
            "case_ref TEXT NOT NULL, regime TEXT NOT NULL, notified_on TEXT NOT NULL, themes TEXT NOT NULL)"
        )
        cursor.execute("CREATE INDEX IF NOT EXISTS search_reviews_board ON search_reviews (board_id, notified_on)")
        columns = (
            "doc_id TEXT {key}, review_id TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL, body TEXT NOT NULL, "
            "themes TEXT, source_version INTEGER NOT NULL, source TEXT NOT NULL"
        )
        if postgres:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS search_docs ("
                + columns.format(key="PRIMARY KEY")
                + ", tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', body)) STORED)"
            )
            cursor.execute("CREATE INDEX IF NOT EXISTS search_docs_tsv ON search_docs USING GIN (tsv)")
        else:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS search_docs (id INTEGER PRIMARY KEY, "
                + columns.format(key="NOT NULL UNIQUE")
                + ")"
            )
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(body, tokenize = 'porter unicode61')"
            )
        cursor.execute("CREATE INDEX IF NOT EXISTS search_docs_review ON search_docs (review_id, source_version)")

    def drop_tables(self, cursor: Cursor) -> None:
        for table in ("search_fts", "search_docs", "search_reviews"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        """Index what each review event adds or corrects (one statement or two per event: few are searchable)."""
        for event in events:
            if event.topic.startswith(_REVIEW):
                _apply(cursor, event)


def _apply(cursor: Cursor, event: LogEvent) -> None:
    data, kind, review_id = event.data, event.type_name, str(event.originator_id)
    if kind == "Notified":
        cursor.execute(
            "INSERT INTO search_reviews (review_id, board_id, case_ref, regime, notified_on, themes) "
            "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (review_id) DO NOTHING",
            (review_id, data["board_id"], data["case_ref"], data["regime"], data["notified_on"], "|"),
        )
    elif kind == "ThemesTagged":
        cursor.execute(
            "UPDATE search_reviews SET themes = %s WHERE review_id = %s", (_themes_text(data["themes"]), review_id)
        )
    elif kind in ("FindingRecorded", "RecommendationMade"):
        doc_kind = "finding" if kind == "FindingRecorded" else "recommendation"
        source = {"text": data["text"], "themes": data.get("themes", [])}
        _upsert(cursor, review_id, doc_kind, data["ref"], event.version, source)
    elif kind == "TermsOfReferenceAgreed":
        source = {key: data[key] for key in _INDEXED_FIELDS[kind]}
        _upsert(cursor, review_id, "terms_of_reference", "", event.version, source)
    elif kind == "ReportAccepted" and data["board_response"].strip():
        _upsert(cursor, review_id, "board_response", "", event.version, {"board_response": data["board_response"]})
    elif kind == "Corrected":
        _correct(cursor, review_id, data)


def _correct(cursor: Cursor, review_id: str, data: dict[str, Any]) -> None:
    """Carry a correction into the document (or the review's notification date) it changes."""
    corrected, field, value = data["corrects_type"], data["field"], data["value"]
    if corrected == "Notified" and field == "notified_on":
        cursor.execute("UPDATE search_reviews SET notified_on = %s WHERE review_id = %s", (value, review_id))
        return
    if field not in _INDEXED_FIELDS.get(corrected, ()):
        return
    cursor.execute(
        "SELECT kind, ref, source FROM search_docs WHERE review_id = %s AND source_version = %s",
        (review_id, data["corrects_version"]),
    )
    found = cursor.fetchone()
    if found is not None:  # a later terms of reference or acceptance replaced the corrected one: nothing shows it
        doc_kind, ref, source = found
        _upsert(cursor, review_id, doc_kind, ref, data["corrects_version"], {**orjson.loads(source), field: value})


def _upsert(cursor: Cursor, review_id: str, kind: str, ref: str, version: int, source: dict[str, Any]) -> None:
    doc_id = f"{review_id}/{kind}/{ref}"
    body = _clean(_body(kind, source))
    themes = None if kind in REVIEW_LEVEL else _themes_text(source.get("themes", []))
    # Sorted keys: the same source is the same text in every process (a set's order is not).
    params = (
        doc_id,
        review_id,
        kind,
        ref,
        body,
        themes,
        version,
        orjson.dumps(source, option=orjson.OPT_SORT_KEYS).decode(),
    )
    cursor.execute(
        "INSERT INTO search_docs (doc_id, review_id, kind, ref, body, themes, source_version, source) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (doc_id) DO UPDATE SET body = excluded.body, "
        "themes = excluded.themes, source_version = excluded.source_version, source = excluded.source",
        params,
    )
    if isinstance(cursor, SqliteCursor):
        cursor.execute("SELECT id FROM search_docs WHERE doc_id = %s", (doc_id,))
        (rowid,) = cursor.fetchone()
        cursor.execute("DELETE FROM search_fts WHERE rowid = %s", (rowid,))
        cursor.execute("INSERT INTO search_fts (rowid, body) VALUES (%s, %s)", (rowid, body))


def _body(kind: str, source: dict[str, Any]) -> str:
    if kind == "terms_of_reference":
        return f"{source['methodology']} (scope {source['scope_from']} to {source['scope_to']})"
    if kind == "board_response":
        return str(source["board_response"])
    return str(source["text"])


def _clean(text: str) -> str:
    return text.replace(START, "").replace(STOP, "")


def _themes_text(codes: Sequence[str]) -> str:
    """Themes as `|a|b|`, so one LIKE '%|code|%' filters on either backend."""
    return "|" + "".join(f"{code}|" for code in codes)


# ---- queries ------------------------------------------------------------------------------------


def words(query: str) -> list[str]:
    """The query's words (letters and digits); every one must match, stemmed."""
    found: list[str] = []
    token = ""
    for char in query + " ":
        if char.isalnum():
            token += char
        elif token:
            found.append(token.lower())
            token = ""
    return found


def search(
    cursor: Cursor,
    *,
    query: str = "",
    board_id: str | None = None,
    theme: str | None = None,
    regime: str | None = None,
    from_on: date | None = None,
    to_on: date | None = None,
    kind: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """One page of ranked matches (best first) with highlighted snippets, and `total`, the number of matches
    on every page; without words, the filtered documents newest first. A page holds at most MAX_RESULTS."""
    clauses, params = _filters(board_id=board_id, theme=theme, regime=regime, from_on=from_on, to_on=to_on, kind=kind)
    terms = words(query)
    page = [max(1, min(limit, MAX_RESULTS)), max(0, offset)]
    select = (
        "d.review_id, r.board_id, r.case_ref, r.regime, r.notified_on, d.kind, d.ref, "
        "COALESCE(d.themes, r.themes) AS themes, d.body"
    )
    join = "JOIN search_reviews r ON r.review_id = d.review_id"
    where = "".join(f" AND {clause}" for clause in clauses)
    # Each query answers the page's rows, each with the total of matches (a window over the one scan that ranks;
    # FTS5 allows no window beside bm25, so SQLite counts apart when the page is not the whole answer).
    if not terms:
        matched, match_params = f"FROM search_docs d {join} WHERE 1 = 1{where}", params
        ranked = (
            f"SELECT {select}, 0, NULL, COUNT(*) OVER () {matched} "
            "ORDER BY r.notified_on DESC, d.doc_id LIMIT %s OFFSET %s"
        )
        ranked_params = [*match_params, *page]
    elif isinstance(cursor, SqliteCursor):
        matched = (
            f"FROM search_fts JOIN search_docs d ON d.id = search_fts.rowid {join} WHERE search_fts MATCH %s{where}"
        )
        match_params = [" ".join(f'"{term}"' for term in terms), *params]
        ranked = (
            f"SELECT {select}, -bm25(search_fts), snippet(search_fts, 0, %s, %s, ' … ', 24), NULL "
            f"{matched} ORDER BY bm25(search_fts), d.doc_id LIMIT %s OFFSET %s"
        )
        ranked_params = [START, STOP, *match_params, *page]
    else:
        headline = (
            f'StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
        )
        matched = f"FROM search_docs d {join}, plainto_tsquery('english', %s) q(query) WHERE d.tsv @@ q.query{where}"
        match_params = [" ".join(terms), *params]
        # The page is ranked first and highlighted after: ts_headline (costly) runs for its rows only.
        ranked = (
            "SELECT review_id, board_id, case_ref, regime, notified_on, kind, ref, themes, body, rank, "
            "ts_headline('english', body, query, %s), total FROM ("
            f"SELECT {select}, d.doc_id, ts_rank_cd(d.tsv, q.query) AS rank, COUNT(*) OVER () AS total, "
            f"q.query AS query {matched} ORDER BY rank DESC, d.doc_id LIMIT %s OFFSET %s) page "
            "ORDER BY rank DESC, doc_id"
        )
        ranked_params = [headline, *match_params, *page]
    cursor.execute(ranked, ranked_params)
    rows = cursor.fetchall()
    results = [_result(row[:-1]) for row in rows]
    if rows and rows[0][-1] is not None:
        total = int(rows[0][-1])
    elif page[1] == 0 and len(rows) < page[0]:
        total = len(rows)  # the first page holds every match
    else:  # a page past the end, or SQLite's full-text matches: count them apart
        cursor.execute(f"SELECT COUNT(*) {matched}", match_params)
        total = int(cursor.fetchone()[0])
    return {"total": total, "limit": page[0], "offset": page[1], "results": results}


def _filters(
    *,
    board_id: str | None,
    theme: str | None,
    regime: str | None,
    from_on: date | None,
    to_on: date | None,
    kind: str | None,
) -> tuple[list[str], list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (
        ("r.board_id = %s", board_id),
        ("r.regime = %s", regime),
        ("d.kind = %s", kind),
        ("r.notified_on >= %s", from_on and from_on.isoformat()),
        ("r.notified_on <= %s", to_on and to_on.isoformat()),
        ("COALESCE(d.themes, r.themes) LIKE %s", theme and f"%|{theme}|%"),
    ):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    return clauses, params


def _result(row: Sequence[Any]) -> dict[str, Any]:
    review_id, board_id, case_ref, regime, notified_on, kind, ref, themes, body, rank, snippet = row
    text = snippet if snippet is not None else (body if len(body) <= 240 else body[:240].rsplit(" ", 1)[0] + " …")
    return {
        "review_id": review_id,
        "board_id": board_id,
        "case_ref": case_ref,
        "regime": regime,
        "notified_on": notified_on,
        "kind": kind,
        "ref": ref or None,
        "snippet": highlighted(text),
        "themes": [code for code in themes.split("|") if code],
        "rank": round(float(rank), 6),
    }


def highlighted(snippet: str) -> str:
    """The snippet as safe HTML: its text escaped, each match in <mark>."""
    return html.escape(snippet, quote=False).replace(START, "<mark>").replace(STOP, "</mark>")


def review_themes(cursor: Cursor, *, board_id: str | None = None) -> dict[str, list[str]]:
    """Each review's themes (review id to codes), for reports."""
    where, params = (" WHERE board_id = %s", [board_id]) if board_id else ("", [])
    cursor.execute(f"SELECT review_id, themes FROM search_reviews{where}", params)
    return {review_id: [code for code in themes.split("|") if code] for review_id, themes in cursor.fetchall()}


def theme_counts(cursor: Cursor, *, board_id: str | None, from_on: date, to_on: date) -> list[dict[str, Any]]:
    """Per theme: reviews (notified in the period) tagged with it, and findings and recommendations carrying it."""
    cursor.execute(
        "SELECT r.review_id, r.themes, d.kind, d.themes FROM search_reviews r "
        "LEFT JOIN search_docs d ON d.review_id = r.review_id AND d.themes IS NOT NULL "
        "WHERE r.notified_on >= %s AND r.notified_on <= %s" + (" AND r.board_id = %s" if board_id else ""),
        [from_on.isoformat(), to_on.isoformat(), *([board_id] if board_id else [])],
    )
    counts: dict[str, dict[str, Any]] = {}
    seen: set[tuple[str, str]] = set()
    for review_id, r_themes, doc_kind, d_themes in cursor.fetchall():
        for code in filter(None, r_themes.split("|")):
            if (review_id, code) not in seen:
                seen.add((review_id, code))
                counts.setdefault(code, {"reviews": 0, "finding": 0, "recommendation": 0})["reviews"] += 1
        for code in filter(None, (d_themes or "").split("|")):
            counts.setdefault(code, {"reviews": 0, "finding": 0, "recommendation": 0})[doc_kind] += 1
    return [
        {"theme": code, "reviews": c["reviews"], "findings": c["finding"], "recommendations": c["recommendation"]}
        for code, c in sorted(counts.items(), key=lambda item: (-item[1]["reviews"], item[0]))
    ]
