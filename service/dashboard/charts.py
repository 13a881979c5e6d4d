"""Charts as inline SVG, drawn on the server by pygal: no script, no network, values printed on the bars."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

import pygal
from markupsafe import Markup
from pygal.style import Style

# GOV.UK colours; every bar also carries its value and every series a legend, so colour is never the only cue.
GREEN, RED, BLUE, PURPLE, ORANGE, GREY = "#00703c", "#d4351c", "#1d70b8", "#4c2c92", "#f47738", "#505a5f"
FONT = "Arial, Helvetica, sans-serif"

# Day ranges of the published Ofsted figures (within 6 months, 6-12 months, 1-2 years, over 2 years).
DURATION_BINS: tuple[tuple[str, int, int | None], ...] = (
    ("Up to 6 months", 0, 182),
    ("6 to 12 months", 183, 365),
    ("1 to 2 years", 366, 730),
    ("Over 2 years", 731, None),
)


def _style(colors: Sequence[str]) -> Style:
    return Style(
        font_family=FONT,
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#0b0c0c",
        foreground_strong="#0b0c0c",
        foreground_subtle="#b1b4b6",
        colors=tuple(colors),
        label_font_size=14,
        major_label_font_size=14,
        legend_font_size=14,
        value_font_size=14,
        title_font_size=16,
        tooltip_font_size=14,
    )


def _options(title: str, colors: Sequence[str], height: int, width: int = 760) -> dict[str, object]:
    return {
        "title": title,
        "style": _style(colors),
        "js": [],  # pygal would otherwise load its tooltip script from the network
        "disable_xml_declaration": True,
        "width": width,
        "truncate_legend": -1,
        "truncate_label": -1,
        "height": height,
        "print_values": True,
        "print_zeroes": False,
        "legend_at_bottom": True,
        "show_y_guides": True,
        "margin": 16,
        "margin_bottom": 40,  # room for the legend below the axis labels
        "no_data_text": "None yet",
        "value_formatter": lambda value: f"{value:g}",
    }


def _inline(chart: pygal.graph.graph.Graph, description: str) -> Markup:
    """The chart's SVG, without pygal's configuration script, labelled for assistive technology."""
    tree = chart.render_tree()
    for parent in tree.iter():
        for child in [c for c in parent if isinstance(c.tag, str) and c.tag.endswith("script")]:
            parent.remove(child)
    tree.set("role", "img")
    tree.set("aria-label", description)
    return Markup(ET.tostring(tree, encoding="unicode"))  # noqa: S704 (pygal escapes every label it writes)


def whole_ticks(largest: int) -> list[int]:
    """Axis ticks for counts: whole numbers, at most about ten of them."""
    step = max(1, -(-largest // 10))
    return list(range(0, largest + step, step)) if largest else [0, 1]


def rule_counts_chart(title: str, rules: Sequence[tuple[str, int, int]]) -> Markup:
    """Per rule, within deadline and late, as stacked horizontal bars."""
    chart = pygal.HorizontalStackedBar(
        **_options(title, (GREEN, RED), 120 + 44 * max(len(rules), 1)), legend_at_bottom_columns=2
    )
    chart.x_labels = [label for label, _, _ in rules]
    chart.y_labels = whole_ticks(max([within + late for _, within, late in rules] or [0]))
    chart.add("Within deadline", [within for _, within, _ in rules])
    chart.add("Late", [late for _, _, late in rules])
    described = "; ".join(f"{label}: {within} within deadline, {late} late" for label, within, late in rules)
    return _inline(chart, f"{title}. {described or 'No deadlines yet.'}")


def binned(days: Sequence[int]) -> list[int]:
    """How many durations fall in each of DURATION_BINS."""
    return [sum(1 for d in days if low <= d and (high is None or d <= high)) for _, low, high in DURATION_BINS]


def duration_chart(title: str, series: Sequence[tuple[str, Sequence[int]]]) -> Markup:
    """How many reviews took how long, one stacked series per board (or one for all)."""
    colors = (BLUE, PURPLE, ORANGE, GREEN, GREY, RED)
    chart = pygal.StackedBar(
        **_options(title, colors, 400, width=560), legend_at_bottom_columns=min(max(len(series), 1), 4)
    )
    chart.x_labels = [label for label, _, _ in DURATION_BINS]
    counts = [binned(days) for _, days in series]
    chart.y_labels = whole_ticks(max([sum(column) for column in zip(*counts, strict=True)] or [0]))
    for (name, _), values in zip(series, counts, strict=True):
        chart.add(name, values)
    if not series:
        # pygal's stacked bar with axis labels and no series at all has nothing to stack and raises
        # AttributeError (_adapt); an empty series draws its "None yet" instead.
        chart.add("No reviews", [])
    described = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{count} {label.lower()}" for (label, _, _), count in zip(DURATION_BINS, binned(days), strict=True)
        )
        for name, days in series
    )
    return _inline(chart, f"{title}. {described or 'No reviews yet.'}")


def funding_chart(title: str, contributions: dict[str, int], spend: dict[str, int]) -> Markup:
    """Contributions by agency against committed, invoiced and paid spend, in pounds."""
    options = _options(title, (GREEN, BLUE, PURPLE, ORANGE, GREY, RED), 300)
    options["value_formatter"] = lambda value: f"£{value:,.0f}" if value else ""  # an empty bar says nothing
    chart = pygal.HorizontalStackedBar(**options, legend_at_bottom_columns=4)
    chart.x_labels = ["Paid", "Invoiced", "Committed", "Contributions"]
    for agency, pence in sorted(contributions.items()):
        chart.add(f"Contribution: {agency}", [None, None, None, pence / 100])
    chart.add("Spend", [spend["paid_pence"] / 100, spend["invoiced_pence"] / 100, spend["committed_pence"] / 100, None])
    described = ", ".join(
        f"{agency} contributed £{pence / 100:,.2f}" for agency, pence in sorted(contributions.items())
    )
    spent = ", ".join(f"{key.removesuffix('_pence')} £{value / 100:,.2f}" for key, value in spend.items())
    return _inline(chart, f"{title}. {described or 'No contributions'}; spend: {spent}.")
