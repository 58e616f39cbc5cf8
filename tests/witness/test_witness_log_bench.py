"""The log benchmarks run (tiny sizes, no timing asserted), check what they measure,
and write only their own section of docs/benchmarks.md; `python -m bench` finds them."""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from corridor.ledger.merkle import MemoryTree
from corridor.paths import project_root


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], ModuleType]:
    monkeypatch.syspath_prepend(str(project_root()))

    def load(name: str) -> ModuleType:
        return importlib.import_module(f"bench.{name}")

    return load


Bench = Callable[[str], ModuleType]


def test_write_section_replaces_only_its_own(bench: Bench, tmp_path: Path) -> None:
    report = bench("log_report")
    path = tmp_path / "benchmarks.md"
    other = "<!-- bench:simulation -->\nsimulation figures\n<!-- /bench:simulation -->\n"
    path.write_text("# Benchmarks\n\n" + other, encoding="utf-8")
    report.write_section("log-durable", "first", path)
    report.write_section("log-durable", "second", path)
    report.write_section("log-pymerkle", "pymerkle", path)
    text = path.read_text(encoding="utf-8")
    assert other in text and "first" not in text
    assert text.count("<!-- bench:log-durable -->") == 1
    assert re.search(r"bench:log-durable -->\nsecond\n<!-- /bench:log-durable", text)
    assert text.index("second") < text.index("pymerkle\n")


def test_python_m_bench_finds_the_modules_with_a_main(bench: Bench) -> None:
    found = bench("__main__").benchmarks()
    assert {"log_durable", "log_integration", "log_pymerkle"} <= set(found)
    assert "log_report" not in found and "__main__" not in found
    assert "soak" not in found  # minutes long: only `make soak` runs it


def test_the_hashing_limit_computes_the_root_integration_commits(bench: Bench) -> None:
    integration = bench("log_integration")
    data = integration.entries(1000)
    assert integration.hashing_limit(data) == MemoryTree(data).root()
    text, _met = integration.run(600, runs=1)
    assert "| `ledger.log.integrate`, batches of 4,096 |" in text


def test_the_pymerkle_comparison_checks_equal_roots(bench: Bench) -> None:
    pytest.importorskip("pymerkle")
    text = bench("log_pymerkle").run(700, 40, runs=1)
    assert "| inclusion proof |" in text and "Roots checked equal" in text


@pytest.mark.slow
def test_the_durable_benchmark_runs_every_path(bench: Bench) -> None:
    text, _met = bench("log_durable").run(3, 600, 200)
    for path in ("services path", "executemany", "one transaction", "plain sqlite3"):
        assert path in text
    assert "Every log passes `verify_log`" in text
