"""The simulation benchmark rewrites only its own section of docs/benchmarks.md."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from corridor.paths import project_root


def _bench() -> ModuleType:
    path = project_root() / "bench" / "simulation_year.py"
    spec = importlib.util.spec_from_file_location("bench_simulation_year", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_section_is_added_then_replaced_and_the_rest_kept(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "benchmarks.md"
    other = "<!-- bench:ledger -->\nledger figures\n<!-- /bench:ledger -->\n"
    path.write_text("# Benchmarks\n\n" + other, encoding="utf-8")
    first = bench.section([("600 trucks/day", 12.0, 11.0, 220_000)], load=0.5)
    bench.write_section(path, first)
    assert path.read_text(encoding="utf-8") == f"# Benchmarks\n\n{other}\n{first}\n"
    second = bench.section([("600 trucks/day", 40.0, 39.0, 220_000)], load=3.0)
    bench.write_section(path, second)
    text = path.read_text(encoding="utf-8")
    assert text == f"# Benchmarks\n\n{other}\n{second}\n"
    assert "| 40.0 | 39.0 | 5,500 | **no** |" in text and text.count(bench.BEGIN) == 1
