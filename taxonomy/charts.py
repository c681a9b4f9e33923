"""Server-side SVG charts (no scripts, no inline styles: colours are classes styled in
tinget.css). Each chart has a title and description for assistive technology; pages show a
data table beside every chart."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape


@dataclass
class Bar:
    label: str
    value: float
    note: str = ""


def bar_chart(
    bars: list[Bar], *, title: str, description: str, chart_id: str, width: int = 640
) -> str:
    """A horizontal bar chart; labels above their bars so long labels fit on phones."""
    bar_height, gap, label_height = 18, 10, 18
    row = bar_height + label_height + gap
    height = max(row * len(bars) + 10, 40)
    top = max((b.value for b in bars), default=0) or 1
    plot = width - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = i * row + 4
        length = 0 if bar.value <= 0 else max(2.0, plot * bar.value / top)
        parts.append(
            f'<text class="chart-label" x="0" y="{y + 13}">{escape(bar.label)}</text>'
            f'<rect class="chart-bar chart-bar-{i % 6}" x="0" y="{y + label_height}" '
            f'width="{length:.1f}" height="{bar_height}" rx="2"/>'
            f'<text class="chart-value" x="{length + 6:.1f}" y="{y + label_height + 14}">'
            f"{escape(bar.note or _number(bar.value))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    periods: list[str],
    series: dict[str, list[float]],
    *,
    title: str,
    description: str,
    chart_id: str,
    width: int = 640,
    height: int = 260,
) -> str:
    """Lines over periods, one per series, with a legend below and period labels on the x axis."""
    left, right, top_pad, bottom = 36, 12, 12, 40
    legend_row = 20
    total_height = height + legend_row * len(series)
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    top = max((v for values in series.values() for v in values), default=0) or 1
    steps = max(len(periods) - 1, 1)

    def x(i: int) -> float:
        return left + plot_w * (i / steps if len(periods) > 1 else 0.5)

    def y(v: float) -> float:
        return top_pad + plot_h * (1 - v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {total_height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line class="chart-axis" x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}"/>',
        f'<line class="chart-axis" x1="{left}" y1="{top_pad}" x2="{left}" y2="{top_pad + plot_h}"/>',
        f'<text class="chart-value" x="{left - 6}" y="{top_pad + 10}" text-anchor="end">{_number(top)}</text>',
        f'<text class="chart-value" x="{left - 6}" y="{top_pad + plot_h}" text-anchor="end">0</text>',
    ]
    every = max(1, len(periods) // 6)
    for i, period in enumerate(periods):
        if i % every == 0 or i == len(periods) - 1:
            parts.append(
                f'<text class="chart-value" x="{x(i):.1f}" y="{top_pad + plot_h + 18}" '
                f'text-anchor="middle">{escape(period)}</text>'
            )
    for k, (name, values) in enumerate(series.items()):
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<polyline class="chart-line chart-line-{k % 6}" points="{points}"/>')
        for i, v in enumerate(values):
            parts.append(
                f'<circle class="chart-dot chart-dot-{k % 6}" cx="{x(i):.1f}" cy="{y(v):.1f}" r="3"/>'
            )
        ly = height + legend_row * k + 4
        parts.append(
            f'<rect class="chart-bar chart-bar-{k % 6}" x="{left}" y="{ly}" width="14" height="10"/>'
            f'<text class="chart-label" x="{left + 20}" y="{ly + 10}">{escape(name)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
