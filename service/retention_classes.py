"""The retention schedule from the TOML file SCR_RETENTION_CLASSES names (README "Retention").

    default = "safeguarding_review"      # optional: the class of a review with none recorded

    [classes.safeguarding_review]
    label = "Safeguarding review: child protection record"
    years_after_closure = 35

Each table `[classes.<code>]` is one class. Without `default`, a review with no class recorded is kept
under `safeguarding_review` when the file defines it, else under the file's first class. Without the
file, domain.retention.DEFAULT_CLASSES apply. A bad file stops the service from starting, naming what
is wrong: a schedule is never half-read.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from domain.errors import InvalidValue
from domain.retention import DEFAULT_CLASS_CODE, RetentionClass, RetentionSchedule


def load_retention_schedule(path: Path) -> RetentionSchedule:
    """The schedule a TOML file defines; ValueError naming the file and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _schedule(data)
    except (OSError, tomllib.TOMLDecodeError, InvalidValue, KeyError, TypeError, ValueError) as error:
        detail = error.detail if isinstance(error, InvalidValue) else str(error)
        raise ValueError(f"SCR_RETENTION_CLASSES {path}: {detail}") from None


def _schedule(data: dict[str, Any]) -> RetentionSchedule:
    tables = data.get("classes")
    if not isinstance(tables, dict) or not tables:
        raise InvalidValue("define at least one [classes.<code>] table with label and years_after_closure")
    classes = tuple(_retention_class(code, table) for code, table in tables.items())
    codes = [found.code for found in classes]
    default = data.get("default", DEFAULT_CLASS_CODE if DEFAULT_CLASS_CODE in codes else codes[0])
    return RetentionSchedule(classes=classes, default_code=str(default))


def _retention_class(code: str, table: Any) -> RetentionClass:
    if not isinstance(table, dict) or set(table) != {"label", "years_after_closure"}:
        raise InvalidValue(f"[classes.{code}] takes exactly label and years_after_closure")
    years = table["years_after_closure"]
    if not isinstance(years, int) or isinstance(years, bool):
        raise InvalidValue(f"[classes.{code}] years_after_closure must be a whole number of years")
    return RetentionClass(code=code, label=str(table["label"]), years_after_closure=years)
