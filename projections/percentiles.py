"""Median and 90th percentile of day counts, the way PostgreSQL's percentile_cont computes them."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(ordered: Sequence[int], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks of sorted values; None when there are none."""
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    below = int(rank)
    above = min(below + 1, len(ordered) - 1)
    return round(ordered[below] + (ordered[above] - ordered[below]) * (rank - below), 1)


def summary(values: Sequence[int]) -> dict[str, float | int | None]:
    """How many values, their median and their 90th percentile."""
    ordered = sorted(values)
    return {"count": len(ordered), "median": percentile(ordered, 0.5), "p90": percentile(ordered, 0.9)}
