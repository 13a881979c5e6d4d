"""The read models hold a review's personal data only while the process building them holds the master key.

A process that applies the projections (`scr serve` on the embedded store, `scr projections run`)
starting without its master key (the file SCR_MASTER_KEY names is missing or unreadable) rebuilds the
read models that copy personal fields: every sealed field is then read as "unavailable: the master key
is not loaded", and the plaintext copies are dropped from the database. Started again with the key, it
rebuilds them once more and the board sees the details again. Which state the copies are in is kept
in `scr_personal_copies`, so the rebuild happens only when that state changes.
"""

from __future__ import annotations

import logging

from projections.data_keys import DataKeys
from projections.engine import ProjectionEngine

log = logging.getLogger(__name__)

# The read models that copy sealed fields: children, descriptions, hold references, notes, redacted items.
PERSONAL_READ_MODELS = ("case_status", "timeliness", "cost_ledger", "dissemination", "statistics")


def align_with_master_key(engine: ProjectionEngine, keys: DataKeys) -> None:
    """Rebuild the read models that copy personal fields if the master key was loaded then and is not now
    (or the other way round)."""
    withheld_now = "" if keys.master.cipher is not None else keys.master.unavailable
    with engine.db.transaction() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS scr_personal_copies (id INTEGER PRIMARY KEY, withheld TEXT NOT NULL)"
        )
        cursor.execute("SELECT withheld FROM scr_personal_copies WHERE id = 1")
        found = cursor.fetchone()
    withheld_before = found[0] if found is not None else ""
    if bool(withheld_before) == bool(withheld_now):
        return
    names = [projection.name for projection in engine.projections if projection.name in PERSONAL_READ_MODELS]
    if withheld_now:
        log.warning("no master key (%s): rebuilding %s without personal data", withheld_now, ", ".join(names))
    else:
        log.info("the master key is loaded again: rebuilding %s with personal data", ", ".join(names))
    for name in names:
        engine.rebuild(name)
    with engine.db.transaction() as cursor:
        cursor.execute(
            "INSERT INTO scr_personal_copies (id, withheld) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET withheld = excluded.withheld",
            (withheld_now,),
        )
