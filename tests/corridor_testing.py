"""Constants and fakes shared by the tests (imported by name; conftest.py holds fixtures)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from corridor.paths import project_root

ROOT = project_root()
EXAMPLE = ROOT / "examples" / "road-horadiz-nakhchivan.json"
SARP = Path(__file__).parent / "data" / "corridors" / "sarp.toml"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


class CliResult(NamedTuple):
    """What one `corridor` command did: its exit status, stdout and stderr."""

    code: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]


def cli_runner(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], **environment: str
) -> CliRunner:
    """Run `corridor ARGS...` in this process, as the shell would, and return its
    ``CliResult``; ``environment``: variables set for the test (``COLUMNS=200`` unless
    given, so that tables do not wrap)."""
    for name, value in ({"COLUMNS": "200"} | environment).items():
        monkeypatch.setenv(name, value)

    def run(*args: str) -> CliResult:
        from corridor.cli import main  # the CLI's imports only for tests that run it

        monkeypatch.setattr(sys, "argv", ["corridor", *args])
        code = 0
        try:
            main()
        except SystemExit as done:
            code = int(done.code or 0)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def wait_until_serving(
    base: str, process: subprocess.Popen[bytes] | None = None, seconds: float = 60
) -> None:
    """Return once ``GET {base}/health`` answers 200 (a server the test started is up);
    fail if ``process`` exits first, or after ``seconds`` (generous: a loaded machine
    starts servers slowly, and this bounds a failure, not a speed)."""
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process is None or process.poll() is None, "corridor serve exited"
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"corridor serve did not answer within {seconds:.0f} s")


def mutation(path: str, value: Any) -> Callable[[Any], None]:
    """A change to a parsed document (TOML, JSON): set the value at the dotted ``path``
    (list indexes as numbers), or delete it when ``value`` is ``KeyError``."""

    def mutate(data: Any) -> None:
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is KeyError:
            del node[last]
        else:
            node[last] = value

    return mutate
