"""A review's records management in words on its dashboard page: redactions, family-impact check, retention."""

from __future__ import annotations

from typing import Any

from service.dashboard.tables import humanise, long_date


def records_facts(process: dict[str, Any], retention: dict[str, Any]) -> list[tuple[str, str]]:
    """Redactions, the family-impact check, retention and disposal in words (the dashboard's key facts).
    A redacted item or the family-impact note is absent from the row for a reader who may not see it."""
    found: list[tuple[str, str]] = []
    redactions = [
        f"{entry.get('item') or 'An item'} ({humanise(entry.get('reason'))}"
        + (f"; agreed with {', '.join(entry['agreed_with'])}" if entry.get("agreed_with") else "")
        + f", {long_date(entry.get('decided_on'))})"
        for entry in process.get("redactions") or []
    ]
    if redactions:
        found.append(("Redactions", "; ".join(redactions)))
    check = process.get("family_impact_check")
    if check:
        consulted = "consulted" if check.get("family_consulted") else "not consulted"
        words = f"{long_date(check.get('checked_on'))}, family {consulted}"
        found.append(("Family-impact check", words + (f": {check['note']}" if check.get("note") else "")))
    kept = f"{retention.get('label') or retention['retention_class']}"
    kept += "" if retention["explicit"] else " (the default class)"
    if retention.get("disposal_due_on"):
        kept += f"; due for disposal from {long_date(retention['disposal_due_on'])}"
    found.append(("Retention", kept))
    if retention.get("disposed_on"):
        found.append(("Disposed of", long_date(retention["disposed_on"])))
    holds = [f"{hold['name']} (since {long_date(hold['placed_on'])})" for hold in retention.get("inquiry_holds") or []]
    if holds:
        found.append(("Inquiry holds", "; ".join(holds)))
    return found
