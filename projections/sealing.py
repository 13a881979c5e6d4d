"""Personal fields sealed on the way to the store, opened on the way back, so the domain never sees a cipher.

On storing a review's event, its personal fields (domain/personal_data.py) are taken out of the state
and sealed together with the review's data key (AES-256-GCM; the review's id, the event's version and
topic as associated data, so a sealed box moved to another event does not open):

    {"timestamp": ..., "actor": ..., "incident": {"nature": ...}, ...,
     "sealed": {"fields": ["child", "incident.description"], "lengths": {}, "nonce": "...", "box": "..."}}

The audit tree hashes these stored bytes (projections/audit/leaves.py), so verification never needs a
key. On reading, the box is opened with the key; without it (disposed, no master key, an offline
export) each field reads as a placeholder saying why. Events stored before sealing existed have no
`sealed` entry and read as they were stored (plaintext).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import orjson
from cryptography.exceptions import InvalidTag

from domain.personal_data import Withheld, get_path, personal_paths, placeholder, pop_path, set_path
from projections.base import LogEvent
from projections.data_keys import DataKey, DataKeys, ReviewKey
from projections.review_facts import REVIEW_TOPIC
from projections.storage import OrjsonTranscoder, PydanticMapper

SEALED = "sealed"
_SEALED_MARK = b'"sealed":{"fields"'


class SealingMapper(PydanticMapper):
    """The Pydantic mapper, sealing each review event's personal fields with the review's data key.

    Without `keys` (an offline export's reader) nothing is sealed and sealed fields read as placeholders."""

    def __init__(self, keys: DataKeys | None = None) -> None:
        super().__init__(transcoder=OrjsonTranscoder())
        self.keys = keys

    def sealed(self, state: dict[str, Any], topic: str, originator_id: Any, version: int) -> dict[str, Any]:
        if self.keys is None or not topic.startswith(REVIEW_TOPIC):
            return state
        paths = personal_paths(_type_name(topic), state)
        if not paths:
            return state
        return seal(state, paths, topic, originator_id, version, self.keys.for_sealing(originator_id, new=version == 1))

    def opened(self, state: dict[str, Any], topic: str, originator_id: Any, version: int) -> dict[str, Any]:
        if SEALED not in state:
            if self.keys is None or not topic.startswith(REVIEW_TOPIC) or not personal_paths(_type_name(topic), state):
                return state
            return withhold_if_disposed(state, topic, self.keys.for_opening([originator_id])[originator_id])
        key: DataKey = Withheld.OFFLINE
        if self.keys is not None:
            key = self.keys.for_opening([originator_id])[originator_id]
        return open_sealed(state, topic, originator_id, version, key)


def seal(
    state: dict[str, Any], paths: list[str], topic: str, originator_id: UUID, version: int, key: ReviewKey
) -> dict[str, Any]:
    """The state with the fields at `paths` taken out and sealed into its `sealed` entry."""
    secret = {path: pop_path(state, path) for path in paths}
    plaintext = orjson.dumps(secret)
    associated = _associated(topic, originator_id, version)
    nonce = key.nonce(associated, plaintext)
    state[SEALED] = {
        "fields": paths,
        "lengths": {path: len(value) for path, value in secret.items() if isinstance(value, list)},
        "nonce": base64.b64encode(nonce).decode(),
        "box": base64.b64encode(key.cipher.encrypt(nonce, plaintext, associated)).decode(),
    }
    return state


def open_sealed(state: dict[str, Any], topic: str, originator_id: UUID, version: int, key: DataKey) -> dict[str, Any]:
    """The state with its sealed fields put back: opened with the key, or placeholders saying why not."""
    sealed = state.pop(SEALED)
    if isinstance(key, ReviewKey):
        try:
            plaintext = key.cipher.decrypt(
                base64.b64decode(sealed["nonce"]),
                base64.b64decode(sealed["box"]),
                _associated(topic, originator_id, version),
            )
        except InvalidTag:
            key = Withheld.WRONG_MASTER_KEY
        else:
            for path, value in orjson.loads(plaintext).items():
                set_path(state, path, value)
            return state
    event_type = _type_name(topic)
    for path in sealed["fields"]:
        set_path(state, path, placeholder(event_type, path, state, key, sealed["lengths"].get(path)))
    return state


def withhold_if_disposed(state: dict[str, Any], topic: str, key: DataKey) -> dict[str, Any]:
    """An event stored before sealing existed (plaintext) of a disposed review: its personal fields read as
    disposed too. Its bytes stay in the log (immutable and hashed), but nothing serves or copies them again."""
    if key is not Withheld.DISPOSED:
        return state
    event_type = _type_name(topic)
    for path in personal_paths(event_type, state):
        value = get_path(state, path)
        length = len(value) if isinstance(value, list) else None
        set_path(state, path, placeholder(event_type, path, state, Withheld.DISPOSED, length))
    return state


def open_log_events(events: Sequence[LogEvent], keys: DataKeys | None) -> None:
    """Open the sealed fields of a batch read from the log, in place (each event's `data`), one key look-up
    per review; a review disposed of in this batch is forgotten first, so nothing of it is opened from memory.
    Without `keys`, sealed fields read as placeholders."""
    reviews = [event for event in events if event.topic.startswith(REVIEW_TOPIC)]
    if keys is not None:
        for event in reviews:
            if event.topic == REVIEW_TOPIC + "Disposed":
                keys.forget(event.originator_id)
    found: dict[UUID, DataKey] = {}
    if keys is not None and reviews:
        found = keys.for_opening({event.originator_id for event in reviews})
    for event in reviews:
        key = found.get(event.originator_id, Withheld.OFFLINE)
        if _SEALED_MARK in event.state:
            opened = open_sealed(orjson.loads(event.state), event.topic, event.originator_id, event.version, key)
        elif key is Withheld.DISPOSED:
            opened = withhold_if_disposed(orjson.loads(event.state), event.topic, key)
        else:
            continue
        object.__setattr__(event, "_data", opened)


def _associated(topic: str, originator_id: UUID, version: int) -> bytes:
    return f"{originator_id}/{version}/{topic}".encode()


def _type_name(topic: str) -> str:
    return topic.rsplit(".", 1)[-1]
