"""The dashboard's log verification: the whole log checked, against a checkpoint the auditor uploads when given.

Without one the page says plainly that the log was checked only against the checkpoints signed with the key
kept beside the database (a rewrite re-signed with that key would pass), as `GET /audit/verify` does."""

from __future__ import annotations

from typing import Any

import orjson

from domain.errors import InvalidValue
from domain.permissions import require_read
from projections.audit.checkpoints import Checkpoint, MalformedCheckpoint, read_held, trusted_public_key
from projections.audit.verify import verify_log
from service.dashboard.session import Viewer

# A checkpoint file is a few hundred bytes; an auditor's folder of them a few hundred kilobytes at most.
MAX_UPLOAD_BYTES = 1_000_000


def uploaded_checkpoints(content: bytes) -> list[Checkpoint]:
    """The checkpoints in an uploaded file: one checkpoint as `GET /audit/checkpoints/{size}` answered it, a list
    of them, or `POST /audit/verify`'s body (InvalidValue naming the `checkpoint` field otherwise)."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidValue("the checkpoint file is larger than 1 MB; upload one checkpoint file", field="checkpoint")
    try:
        data = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise InvalidValue(
            "the checkpoint file is not JSON: upload a file `scr audit checkpoint` wrote", field="checkpoint"
        ) from None
    items = data.get("checkpoints", [data]) if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise InvalidValue("the checkpoint file holds no checkpoint", field="checkpoint")
    try:
        return read_held(items)
    except MalformedCheckpoint as error:
        raise InvalidValue(f"the checkpoint file: {error}", field="checkpoint") from None


def verification_page(viewer: Viewer, held: list[Checkpoint] | None) -> dict[str, Any]:
    """The form, and with `held` (None: not run yet) the whole log's verification against those checkpoints."""
    require_read(viewer.actor, "audit_verification")
    if held is None:
        return {"report": None}
    report = verify_log(viewer.services.db, trusted_key=trusted_public_key(viewer.services.settings), auditor=held)
    return {"report": report, "held_sizes": [checkpoint.size for checkpoint in held]}
