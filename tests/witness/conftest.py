"""Fixtures of the witness tests (helpers are in witness_testing.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from witness_testing import CliResult

from corridor.cli import main


@pytest.fixture
def corridor_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run `corridor ARGS...` in this process; returns exit code, stdout and stderr."""
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> CliResult:
        monkeypatch.setattr(sys, "argv", ["corridor", *args])
        code = 0
        try:
            main()
        except SystemExit as done:
            code = int(done.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
