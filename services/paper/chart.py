"""The drive at a glance as one PNG: bars per village, entries sent per day against the
deadline, and where people stop in the form. matplotlib with the distribution's Noto CJK font,
so the Chinese labels render; no personal data is drawn."""

from __future__ import annotations

from datetime import timedelta
from itertools import accumulate
from pathlib import Path

from matplotlib import rc_context
from matplotlib.dates import AutoDateLocator, DateFormatter
from matplotlib.figure import Figure  # drawn on its own canvas: no pyplot, no screen
from matplotlib.ticker import MaxNLocator

from dialogs.texts import t
from services.progress import Progress

CJK_FONTS = ["Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Zen Hei", "Droid Sans Fallback"]
COLOURS = {"confirmed": "#2e7d32", "waiting": "#f9a825", "returned": "#c62828",
           "drafts": "#90a4ae", "stopped": "#d7ccc8"}


def render(progress: Progress, out: Path) -> Path:
    """Write the chart to `out` (PNG) and return it."""
    with rc_context({"font.family": "sans-serif", "font.sans-serif": CJK_FONTS,
                     "axes.unicode_minus": False}):
        _figure(progress).savefig(out, format="png", dpi=110)
    return out


def _figure(progress: Progress) -> Figure:
    rows = max(len(progress.villages), 1)
    steps = [s for s in progress.funnel if s.reached]
    height = 3.2 + 0.32 * rows + 3.2 + 0.26 * max(len(steps), 1)
    figure = Figure(figsize=(11, height), layout="constrained")
    ratios = [0.6 + 0.32 * rows, 3, 0.26 * max(len(steps), 4)]
    grid = figure.add_gridspec(3, 1, height_ratios=ratios)
    figure.suptitle(t("progress.title", place=progress.place, today=progress.today.isoformat()),
                    fontsize=14)
    _villages(figure.add_subplot(grid[0]), progress)
    _per_day(figure.add_subplot(grid[1]), progress)
    _funnel(figure.add_subplot(grid[2]), steps)
    return figure


def _villages(ax, progress: Progress) -> None:
    names = [v.name for v in progress.villages]
    left = [0] * len(names)
    for key, colour in COLOURS.items():
        values = [getattr(v, key) for v in progress.villages]
        ax.barh(names, values, left=left, color=colour, label=t(f"progress.bar.{key}"))
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, v in enumerate(progress.villages):
        ax.text(left[y] + 0.2, y, t("progress.bar.sent", n=v.submitted), va="center", fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max([*left, 1]) * 1.25)  # room for the labels and the legend
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(t("progress.villages"))
    ax.legend(loc="lower right", fontsize=9)
    ax.set_xlabel(t("progress.people"))


def _per_day(ax, progress: Progress) -> None:
    days = list(progress.sent_per_day)
    if days:
        ax.bar(days, list(progress.sent_per_day.values()), color="#90caf9",
               label=t("progress.sent_daily"))
        total = list(accumulate(progress.sent_per_day.values()))
        ax.plot(days, total, drawstyle="steps-post", marker="o", color="#1565c0",
                label=t("progress.sent_total"))
    if progress.deadline is not None:
        ax.axvline(progress.deadline, color="#c62828", linestyle="--",
                   label=t("progress.deadline", due=progress.deadline.isoformat()))
    ax.axvline(progress.today, color="#616161", linestyle=":", label=t("progress.today"))
    start = min([*days, progress.today]) - timedelta(days=1)
    end = max([*days, progress.today, progress.deadline or progress.today]) + timedelta(days=2)
    ax.set_xlim(start, end)
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_locator(AutoDateLocator(maxticks=10))
    ax.xaxis.set_major_formatter(DateFormatter("%m月%d日"))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(t("progress.over_time"))
    ax.set_ylabel(t("progress.people"))
    ax.legend(loc="upper left", fontsize=9)


def _funnel(ax, steps) -> None:
    labels = [s.label for s in steps]
    ax.barh(labels, [s.reached for s in steps], color="#bbdefb", label=t("progress.reached"))
    ax.barh(labels, [s.left for s in steps], color="#ef6c00", label=t("progress.left"))
    ax.barh(labels, [s.stopped for s in steps], left=[s.left for s in steps], color="#8d6e63",
            label=t("progress.stopped"))
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=8)
    ax.set_title(t("progress.funnel"))
    ax.legend(loc="lower right", fontsize=9)
    ax.set_xlabel(t("progress.people"))
