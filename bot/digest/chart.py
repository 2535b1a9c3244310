"""The digest's chart: sessions by hour of the day, as a PNG.

matplotlib is imported inside the function: it takes a good part of a second to import,
and the bot must start fast. It draws on a `Figure` with the Agg canvas and never touches
pyplot, so no global backend or figure registry is involved: it may run in a worker thread
(`asyncio.to_thread`) while the event loop serves Slack.
"""

from __future__ import annotations

import io

from bot.digest.summary import DaySummary
from bot.digest.wording import day_title

WIDTH_INCHES, HEIGHT_INCHES, DPI = 8.0, 3.0, 100
BAR_COLOUR = "#4a6fa5"


def hourly_chart_png(summary: DaySummary) -> bytes:
    """A bar per hour slot of `summary.hours`, titled with the day and zone."""
    if summary.empty:
        raise ValueError(f"no sessions on {summary.day}: an empty day has no chart")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    labels = [label for label, _ in summary.hours]
    counts = [count for _, count in summary.hours]
    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # attaches itself: the figure draws with Agg, not a GUI
    axes = figure.add_subplot()
    positions = list(range(len(counts)))
    axes.bar(positions, counts, color=BAR_COLOUR, width=0.8)
    axes.set_xticks(positions, labels, fontsize=8)
    axes.set_xlim(-0.6, len(counts) - 0.4)
    axes.set_xlabel(f"Hour started ({summary.zone})")
    axes.set_ylabel("Sessions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_title(f"Room sessions by hour · {day_title(summary.day)} ({summary.zone})")
    buffer = io.BytesIO()
    # No "Software" entry (PNG carries no date either): the same figures give the same bytes.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
