"""`corridor simulate` end to end: the report and plots, what-ifs, and bad options."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.sim.report import simulation_section
from corridor_testing import SARP, CliResult, cli_runner

PNG = b"\x89PNG\r\n\x1a\n"


def _simulate(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> CliResult:
    return cli_runner(monkeypatch, capsys, COLUMNS="160")(*args)


def test_a_short_run_writes_the_report_and_its_plots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sim"
    code, printed, err = _simulate(
        monkeypatch,
        capsys,
        "simulate",
        "--days",
        "3",
        "--seed",
        "2",
        "--what-if",
        "--out",
        str(out),
    )
    assert code == 0, err
    assert "Ordubad" in printed and f"report: {out / 'report.md'}" in printed
    report = (out / "report.md").read_text(encoding="utf-8")
    images = sorted(path.name for path in out.glob("*.png"))
    assert len(images) == 6
    for image in images:
        assert f"]({image})" in report
        assert (out / image).read_bytes().startswith(PNG)
    for heading in ("## Checkpoints", "## Flows", "## What if", "## Parameters"):
        assert heading in report
    assert "| +50 % traffic | 900 |" in report and "| 95 % pre-arrival data | 600 |" in report
    assert "trucks_per_day = 600" in report


def test_the_same_seed_writes_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    written = []
    for _ in range(2):
        args = ("simulate", "--days", "1", "--seed", "5", "--out", str(tmp_path))
        assert _simulate(monkeypatch, capsys, *args)[0] == 0
        written.append({path.name: path.read_bytes() for path in tmp_path.iterdir()})
        for path in tmp_path.iterdir():
            path.unlink()
    assert written[0] == written[1] and len(written[0]) == 6


def test_options_change_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--days", "2", "--growth", "0.25", "--lanes", "AZ0ORD01=7", "--pre-arrival", "0.9")
    code, _, err = _simulate(monkeypatch, capsys, "simulate", *args, "--out", str(tmp_path))
    assert code == 0, err
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| Ordubad lanes from Julfa | 7 |" in report
    assert "--growth 0.25" in report


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--lanes", "AZ0HRD01=3"), "error: --lanes: AZ0HRD01 is not one of"),
        (("--lanes", "AZ0ORD01"), "error: --lanes: 'AZ0ORD01' is not OFFICE=N"),
        (("--growth", "-1"), "error: --growth:"),
        (("--pre-arrival", "1.5"), "error: --pre-arrival:"),
        (("--days", "0"), "error: --days:"),
    ],
)
def test_bad_options_print_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: tuple[str, ...],
    message: str,
) -> None:
    code, _, err = _simulate(monkeypatch, capsys, "simulate", *args, "--out", str(tmp_path))
    assert code == 2
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "report.md").exists()


def test_a_corridor_without_simulation_parameters_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ("--corridor", str(SARP), "simulate", "--days", "1", "--out", str(tmp_path))
    code, _, err = _simulate(monkeypatch, capsys, *args)
    assert (code, err) == (2, "error: simulation: corridor SARP has no [simulation] table\n")


def test_the_parameters_section_is_quoted_with_its_comments() -> None:
    text = "a = 1\n\n# about\n[simulation]\nx = 1 # why\n[simulation.b]\ny = 2\n\n# next\n[other]\n"
    assert simulation_section(text) == [
        "# about", "[simulation]", "x = 1 # why", "[simulation.b]", "y = 2"
    ]  # fmt: skip
