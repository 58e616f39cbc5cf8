"""Fixtures of the witness tests (helpers are in witness_testing.py)."""

from __future__ import annotations

import pytest

from corridor_testing import CliRunner, cli_runner


@pytest.fixture
def corridor_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """Run `corridor ARGS...` in this process; returns exit code, stdout and stderr."""
    return cli_runner(monkeypatch, capsys)
