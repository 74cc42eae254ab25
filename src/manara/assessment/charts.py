"""Charts of an assessment drawn on the server as SVG (matplotlib, Agg, no network) and the choropleth map.

The SVG is deterministic: fixed ids (``svg.hashsalt``), no date in the metadata, and text drawn as glyph paths
(``svg.fonttype: path``) after matplotlib's own shaping (libraqm since 3.11: Arabic is joined and laid out right to
left, which SVG renderers that place glyphs one by one do not do). The data of every chart is also in the table
beside it, and the image's alternative text names it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from html import escape
from typing import Any

_LOCK = threading.Lock()  # pyplot's state is process-wide
_READY: list[Any] = []

CURRENT = "#1f4e79"
PREVIOUS = "#9db4cc"
FONT = ["DejaVu Sans"]  # Debian's fonts-dejavu-core: Latin, Cyrillic and Arabic in one face


def _pyplot() -> Any:
    if not _READY:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        matplotlib.rcParams.update(
            {
                "svg.hashsalt": "manara-assessment",
                "svg.fonttype": "path",
                "font.family": "sans-serif",
                "font.sans-serif": FONT,
                "font.size": 9,
                "axes.spines.top": False,
                "axes.spines.right": False,
            }
        )
        _READY.append(plt)
    return _READY[0]


def _svg(fig: Any) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    text = buf.getvalue()
    start = text.find("<svg")
    return text[start:] if start >= 0 else text


def bar_compare(
    labels: Sequence[str],
    current: Sequence[float],
    previous: Sequence[float],
    *,
    legend: tuple[str, str],
    xlabel: str,
    rtl: bool = False,
) -> str:
    """Horizontal bars: this period beside the previous one, one row per label (largest first)."""
    plt = _pyplot()
    with _LOCK:
        rows = max(len(labels), 1)
        fig, ax = plt.subplots(figsize=(6.4, 0.9 + 0.32 * rows))
        try:
            ys = list(range(len(labels)))[::-1]
            height = 0.38
            ax.barh([y + height / 2 for y in ys], current, height, color=CURRENT, label=legend[0])
            ax.barh([y - height / 2 for y in ys], previous, height, color=PREVIOUS, label=legend[1])
            ax.set_yticks(ys)
            ax.set_yticklabels(list(labels))
            ax.set_xlabel(xlabel)
            ax.xaxis.get_major_locator().set_params(integer=True)
            if rtl:
                ax.invert_xaxis()
                ax.yaxis.tick_right()
            ax.legend(
                loc="upper center", bbox_to_anchor=(0.5, -0.18 - 0.9 / (0.9 + 0.32 * rows)), ncol=2, frameon=False
            )
            return _svg(fig)
        finally:
            plt.close(fig)


def bars(labels: Sequence[str], values: Sequence[float], *, xlabel: str, rtl: bool = False) -> str:
    """Horizontal bars of one series."""
    plt = _pyplot()
    with _LOCK:
        rows = max(len(labels), 1)
        fig, ax = plt.subplots(figsize=(6.4, 0.8 + 0.28 * rows))
        try:
            ys = list(range(len(labels)))[::-1]
            ax.barh(ys, values, 0.6, color=CURRENT)
            ax.set_yticks(ys)
            ax.set_yticklabels(list(labels))
            ax.set_xlabel(xlabel)
            ax.xaxis.get_major_locator().set_params(integer=True)
            if rtl:
                ax.invert_xaxis()
                ax.yaxis.tick_right()
            return _svg(fig)
        finally:
            plt.close(fig)


def choropleth(
    values: dict[str, float],
    shapes: Sequence[tuple[str | None, str]],
    outline: str,
    *,
    width: float,
    height: float,
    title: str,
    legend: tuple[str, str],
) -> str:
    """A world map whose countries are shaded by ``values`` (ISO alpha-2 → number), in five classes.

    ``shapes`` are (code, SVG path) pairs of the offline world map (``manara.worldmap``); the legend says what
    the darkest and lightest classes mean, and every shaded country has a ``<title>`` with its value.
    """
    top = max(values.values(), default=0) or 1
    palette = ("#e8eef5", "#c3d3e6", "#8fadd0", "#5a84b5", "#1f4e79")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<path d="{outline}" fill="#f7f9fb" stroke="#b8c4d0" stroke-width="0.6"/>',
    ]
    for code, path in shapes:
        value = values.get(code or "", 0)
        if value > 0:
            shade = palette[min(4, int(4 * value / top + 0.999))]
            parts.append(
                f'<path d="{path}" fill="{shade}" stroke="#ffffff" stroke-width="0.3">'
                f"<title>{escape(code or '')}: {value:g}</title></path>"
            )
        else:
            parts.append(f'<path d="{path}" fill="#ffffff" stroke="#c9d2dc" stroke-width="0.3"/>')
    y = height - 16
    for i, colour in enumerate(palette):
        parts.append(f'<rect x="{10 + i * 22}" y="{y}" width="22" height="10" fill="{colour}" stroke="#8896a5"/>')
    parts.append(f'<text x="10" y="{y - 4}" font-size="11" font-family="sans-serif">{escape(legend[0])}</text>')
    parts.append(f'<text x="124" y="{y + 9}" font-size="11" font-family="sans-serif">{escape(legend[1])}</text>')
    parts.append("</svg>")
    return "".join(parts)
