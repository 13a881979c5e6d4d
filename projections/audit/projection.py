"""The audit log: a Merkle tree over the global log, kept as events are appended, with signed checkpoints."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from projections.audit import store, tree
from projections.audit.checkpoints import SigningKeyMissing, checkpoint_dir, load_signing_key
from projections.base import LogEvent
from projections.settings import StoreSettings
from projections.storage import Cursor

log = logging.getLogger(__name__)


class AuditLogProjection:
    """Adds each event's leaf and the subtrees it completes; signs a checkpoint every N events or T seconds."""

    name = "audit_log"
    schema_version = 1  # raise with any change to its tables or their meaning: stores rebuild it on start

    def __init__(self, settings: StoreSettings) -> None:
        self.settings = settings
        self._warned = False

    def create_tables(self, cursor: Cursor, *, postgres: bool) -> None:
        store.create_tables(cursor, postgres=postgres)

    def drop_tables(self, cursor: Cursor) -> None:
        # Checkpoints survive a rebuild: the rebuilt tree must match what was signed.
        store.drop_tree(cursor)

    def apply_batch(self, cursor: Cursor, events: Sequence[LogEvent]) -> None:
        if events:
            self.checkpoint_if_due(cursor, tree.append(cursor, events).size)

    def on_idle(self, cursor: Cursor) -> None:
        """A quiet log still gets its checkpoint once T seconds have passed since the last."""
        self.checkpoint_if_due(cursor)

    def checkpoint_if_due(self, cursor: Cursor, size: int | None = None) -> None:
        """Sign a checkpoint if N events or T seconds have passed since the last one (and there is news)."""
        size = store.tree_size(cursor) if size is None else size
        settings = self.settings
        every_events, every_seconds = settings.checkpoint_every_events, settings.checkpoint_every_seconds
        if not tree.checkpoint_due(cursor, size, every_events=every_events, every_seconds=every_seconds):
            return
        try:
            key = load_signing_key(self.settings)
        except SigningKeyMissing as error:
            if not self._warned:  # the tree is still kept; checkpoints wait for a key
                log.warning("no automatic checkpoints: %s", error)
                self._warned = True
            return
        tree.checkpoint_now(cursor, key, checkpoint_dir(self.settings))
