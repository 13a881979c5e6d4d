"""The controlled vocabulary of learning themes, shipped as data (domain/themes.toml), and its one rule."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from domain.errors import InvalidValue

MAX_THEMES = 20  # a review, finding or recommendation tagged with more says nothing a search can use


@dataclass(frozen=True)
class Theme:
    """One theme: a stable code (stored in events) and its label."""

    code: str
    label: str
    retired: bool = False


@cache
def vocabulary() -> tuple[Theme, ...]:
    """Every theme in the order of the data file (read once: it ships with the code)."""
    data = tomllib.loads(resources.files("domain").joinpath("themes.toml").read_text(encoding="utf-8"))
    return tuple(
        Theme(code=code, label=str(entry["label"]), retired=bool(entry.get("retired", False)))
        for code, entry in data["themes"].items()
    )


def labels() -> dict[str, str]:
    """Code to label, retired codes included (old records still name them)."""
    return {theme.code: theme.label for theme in vocabulary()}


def require_themes(codes: Iterable[str], *, field: str = "themes") -> tuple[str, ...]:
    """The codes in the order given without repeats; an unknown or retired code is refused by name."""
    current = {theme.code for theme in vocabulary() if not theme.retired}
    chosen = tuple(dict.fromkeys(codes))
    unknown = [code for code in chosen if code not in current]
    if unknown:
        raise InvalidValue(f"unknown theme {', '.join(unknown)}: use the codes of GET /themes", field=field)
    if len(chosen) > MAX_THEMES:
        raise InvalidValue(f"at most {MAX_THEMES} themes", field=field)
    return chosen
