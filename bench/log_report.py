"""What the log benchmarks share: the machine line, a Markdown table, and writing one
section of docs/benchmarks.md between ``<!-- bench:NAME -->`` markers, keeping the
others' sections as they are."""

from __future__ import annotations

import datetime
import os
import platform
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from corridor.paths import project_root

BENCHMARKS = project_root() / "docs" / "benchmarks.md"
TITLE = "# Benchmarks\n"


def machine() -> str:
    """Date, Python and CPUs: figures are only comparable within one run on one box."""
    today = datetime.date.today().isoformat()
    cpus = os.cpu_count() or 1
    return f"{today}, Python {platform.python_version()}, {cpus} CPUs, {platform.machine()}"


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings of ``action``, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A Markdown table; ``align`` gives one of l/r per column (default: all left)."""
    marks = [":--" if a == "l" else "--:" for a in (align or "l" * len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, text: str, path: Path = BENCHMARKS) -> None:
    """Put ``text`` between this benchmark's markers, replacing what was there."""
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n{text.strip()}\n{end}\n"
    current = path.read_text(encoding="utf-8") if path.exists() else TITLE
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(current):
        updated = pattern.sub(lambda _: block, current, count=1)
    else:
        updated = current.rstrip("\n") + "\n\n" + block
    path.write_text(updated, encoding="utf-8")
