"""Plots of a run (PNG, matplotlib's Agg backend): the same run draws the same bytes.

Each function draws one figure into ``out`` and returns the file's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from corridor.sim.stats import RunStats

_STYLE: Any = {  # matplotlib types the keys as literals
    "figure.dpi": 100,
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.hashsalt": "corridor",
}


_SHARES = np.logspace(-4, 0, 200)  # the shares of trucks at which the wait is plotted


def draw_all(stats: RunStats, out: Path) -> list[str]:
    """Every plot of one run; the names of the files written."""
    with plt.rc_context(_STYLE):
        return [
            waiting_times(stats, out),
            queue_by_hour(stats, out),
            throughput(stats, out),
            utilisation(stats, out),
            transit_times(stats, out),
        ]


def waiting_times(stats: RunStats, out: Path) -> str:
    """Share of trucks waiting longer than t for a lane, per checkpoint and direction."""
    offices = [o for o in stats.offices() if stats.of_kind("lanes", o)]
    figure, axes = plt.subplots(1, len(offices), figsize=(3 * len(offices), 3), sharey=True)
    for ax, office in zip(np.atleast_1d(axes), offices, strict=True):
        for queue in stats.of_kind("lanes", office):
            if queue.wait_minutes.size:
                waits = np.quantile(queue.wait_minutes, 1 - _SHARES)
                ax.plot(waits / 60, _SHARES, label=f"from {_short(queue.label)}")
        ax.set_title(_office_title(queue.label))
        ax.set_xlabel("wait for a lane (h)")
        ax.set_yscale("log")
        ax.set_ylim(1e-4, 1)
        ax.legend(fontsize=7)
    np.atleast_1d(axes)[0].set_ylabel("share of trucks waiting longer")
    return _save(figure, out, "waiting-times.png")


def queue_by_hour(stats: RunStats, out: Path) -> str:
    """Mean number of trucks queueing for a lane by hour of day."""
    figure, ax = plt.subplots(figsize=(8, 3.5))
    hours = np.arange(24)
    for queue in stats.of_kind("lanes"):
        ax.plot(hours, queue.queue_by_hour, marker=".", label=queue.label)
    ax.set_xticks(hours[::2])
    ax.set_xlabel("hour of day (local time)")
    ax.set_ylabel("trucks queueing (mean)")
    ax.legend(fontsize=6, ncol=2)
    return _save(figure, out, "queue-by-hour.png")


def throughput(stats: RunStats, out: Path) -> str:
    """Trucks served per day at each checkpoint (7-day mean), with the closures."""
    figure, ax = plt.subplots(figsize=(8, 3.5))
    for office in stats.offices():
        lanes = stats.of_kind("lanes", office)
        if lanes:
            daily = np.sum([q.served_by_day for q in lanes], axis=0)
            ax.plot(np.arange(daily.size), _rolling(daily, 7), label=_office_title(lanes[0].label))
    for _office, start, hours in stats.closures:
        ax.axvspan(start, start + hours / 24, color="red", alpha=0.25, lw=0)
    ax.set_xlabel("day of the run (closures shaded)")
    ax.set_ylabel("trucks served per day")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7)
    return _save(figure, out, "throughput.png")


def utilisation(stats: RunStats, out: Path) -> str:
    """Busy share of every resource: lanes and tracks per direction, desks and bays."""
    queues = sorted(stats.queues, key=lambda q: (q.kind, q.label))
    figure, ax = plt.subplots(figsize=(7, 0.22 * len(queues) + 1))
    ax.barh([q.label for q in queues], [q.utilisation for q in queues], color="tab:blue")
    ax.set_xlim(0, 1)
    ax.set_xlabel("utilisation")
    ax.invert_yaxis()
    ax.tick_params(axis="y", labelsize=7)
    return _save(figure, out, "utilisation.png")


def transit_times(stats: RunStats, out: Path) -> str:
    """Hours from departure to destination, per flow (box: quartiles; whiskers: p5-p95)."""
    flows = [flow for flow in stats.flows if flow.completed]
    figure, ax = plt.subplots(figsize=(7, 0.35 * len(flows) + 1))
    summaries = [flow.transit_hours for flow in flows]
    ax.barh(
        [f"{flow.label} ({flow.mode})" for flow in flows],
        [s.p95 - s.p50 for s in summaries],
        left=[s.p50 for s in summaries],
        color="tab:orange",
        alpha=0.6,
        label="median to p95",
    )
    ax.plot([s.mean for s in summaries], range(len(flows)), "k|", markersize=10, label="mean")
    ax.set_xlabel("hours from departure to destination")
    ax.invert_yaxis()
    ax.legend(fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    return _save(figure, out, "transit-times.png")


def what_if(names: Sequence[str], runs: Sequence[RunStats], out: Path) -> str:
    """Mean and p95 wait for a lane at each checkpoint, per scenario."""
    with plt.rc_context(_STYLE):
        offices = [o for o in runs[0].offices() if runs[0].of_kind("lanes", o)]
        figure, ax = plt.subplots(figsize=(8, 3.5))
        width = 0.8 / len(runs)
        for index, (name, run) in enumerate(zip(names, runs, strict=True)):
            x = np.arange(len(offices)) + index * width
            pooled = [run.pooled_waits(office, "lanes") for office in offices]
            ax.bar(x, [w.mean / 60 for w in pooled], width, label=name)
            ax.plot(x, [w.p95 / 60 for w in pooled], "k_", markersize=8)
        ax.set_xticks(np.arange(len(offices)) + 0.4 - width / 2)
        ax.set_xticklabels([_office_title(runs[0].of_kind("lanes", o)[0].label) for o in offices])
        ax.set_ylabel("wait for a lane (h): bar mean, dash p95")
        ax.set_yscale("symlog", linthresh=1)
        ax.legend(fontsize=7)
        return _save(figure, out, "what-if.png")


def _rolling(values: np.ndarray, days: int) -> np.ndarray:
    if values.size < days:
        return values.astype(float)
    kernel = np.ones(days)
    counts = np.convolve(np.ones(values.size), kernel, mode="same")  # fewer days at the ends
    return np.convolve(values, kernel, mode="same") / counts


def _office_title(label: str) -> str:
    return label.split(" lanes")[0]


def _short(label: str) -> str:
    return label.rsplit(" from ", 1)[-1]


def _save(figure: Figure, out: Path, name: str) -> str:
    figure.tight_layout()
    figure.savefig(out / name, metadata={"Software": None})
    plt.close(figure)
    return name
