"""Identifiers people type: case references and board ids, normalised so a look-alike cannot pass as new.

A case reference ties a notification to its review (`review_id_for` hashes it), so two spellings that
look the same must be one reference or be refused: "DSCP-A1" with a Cyrillic A (U+0410) would otherwise
open a second review of a case already notified. The rule: NFKC first (full-width letters become ASCII
ones, a non-breaking space a space), then printable ASCII only, so no other script and no invisible
or look-alike character is left. Board ids are lower-case ASCII words (the registration's pattern).

Only commands run this rule: stored events keep what they recorded, so old histories still load."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import AfterValidator

from domain.errors import InvalidValue

BOARD_ID_PATTERN = r"^[a-z][a-z0-9_-]{1,39}$"
CASE_REF_MAX_LENGTH = 100
_BOARD_ID = re.compile(BOARD_ID_PATTERN)
# Printable ASCII, not starting or ending with a space, no run of spaces.
_CASE_REF = re.compile(r"^[\x21-\x7e]+(?: [\x21-\x7e]+)*$")


def normalise_case_ref(text: str, *, field: str = "case_ref") -> str:
    """A case reference in its one written form (NFKC, printable ASCII), or InvalidValue."""
    normal = " ".join(unicodedata.normalize("NFKC", text).split())
    if not normal or len(normal) > CASE_REF_MAX_LENGTH:
        raise InvalidValue(f"a case reference has 1 to {CASE_REF_MAX_LENGTH} characters", field=field)
    if not _CASE_REF.match(normal):
        raise InvalidValue(
            "a case reference uses letters A-Z, digits, spaces and ASCII punctuation only "
            "(a letter from another script can look the same and is refused)",
            field=field,
        )
    return normal


def normalise_board_id(text: str, *, field: str = "board_id") -> str:
    """A board id in its one written form (NFKC, lower-case ASCII word of 2-40 characters), or InvalidValue."""
    normal = unicodedata.normalize("NFKC", text).strip()
    if not _BOARD_ID.match(normal):
        raise InvalidValue(
            "a board id is 2-40 lower-case letters a-z, digits, '-' or '_', starting with a letter", field=field
        )
    return normal


def is_board_id(text: str) -> bool:
    """Whether the text is already a board id in its one written form (what a token's claim must be)."""
    return bool(_BOARD_ID.match(text))


def _case_ref_field(text: str) -> str:
    try:
        return normalise_case_ref(text)
    except InvalidValue as error:
        raise ValueError(error.detail) from None


def _board_id_field(text: str) -> str:
    try:
        return normalise_board_id(text)
    except InvalidValue as error:
        raise ValueError(error.detail) from None


# For request bodies: the same rule, refused as a validation error naming the field.
CaseRef = Annotated[str, AfterValidator(_case_ref_field)]
BoardId = Annotated[str, AfterValidator(_board_id_field)]
