"""The simulation benchmark rewrites only its own section of docs/benchmarks.md."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from corridor.paths import project_root


def _bench(monkeypatch: pytest.MonkeyPatch, name: str) -> ModuleType:
    monkeypatch.syspath_prepend(str(project_root()))
    return importlib.import_module(f"bench.{name}")


def test_the_section_is_added_then_replaced_and_the_rest_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench, report = _bench(monkeypatch, "simulation_year"), _bench(monkeypatch, "log_report")
    begin, end = "<!-- bench:simulation -->", "<!-- /bench:simulation -->"
    path = tmp_path / "benchmarks.md"
    other = "<!-- bench:ledger -->\nledger figures\n<!-- /bench:ledger -->\n"
    path.write_text("# Benchmarks\n\n" + other, encoding="utf-8")
    first = bench.section([("600 trucks/day", 12.0, 11.0, 220_000)], load=0.5)
    report.write_section(bench.SECTION, first, path)
    assert path.read_text(encoding="utf-8") == f"# Benchmarks\n\n{other}\n{begin}\n{first}\n{end}\n"
    second = bench.section([("600 trucks/day", 40.0, 39.0, 220_000)], load=3.0)
    report.write_section(bench.SECTION, second, path)
    text = path.read_text(encoding="utf-8")
    assert text == f"# Benchmarks\n\n{other}\n{begin}\n{second}\n{end}\n"
    assert "| 40.0 | 39.0 | 5,500 | **no** |" in text and text.count(begin) == 1
