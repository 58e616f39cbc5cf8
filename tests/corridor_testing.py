"""Constants and fakes shared by the tests (imported by name; conftest.py holds fixtures)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, NamedTuple

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


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


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


@contextmanager
def corridor_serving(
    arguments: Sequence[str], log: Path, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`corridor ARGUMENTS serve --port 0` (the system picks a free port, so no other
    process can take it first), yielding its base URL once uvicorn's log says it is
    listening: a wait on the server's own word, as long as a loaded machine needs, never
    a fixed time. The server's output goes to ``log``; it is stopped at the end."""
    corridor = str(Path(sys.executable).with_name("corridor"))
    command = [corridor, *arguments, "serve", "--host", "127.0.0.1", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True, env=env)  # fmt: skip
    assert process.stdout is not None
    # Only against a server that hangs for good: it is killed, and the wait below ends.
    guard = threading.Timer(HUNG_SERVER_S, os.killpg, (process.pid, signal.SIGKILL))
    guard.start()
    with log.open("wb") as out:
        copier = threading.Thread(target=_copy_lines, args=(process.stdout, out), daemon=True)
        try:
            base = _listening_at(process.stdout, out)
            guard.cancel()
            assert base is not None, f"corridor serve exited:\n{log.read_text(errors='replace')}"
            copier.start()
            yield base
        finally:
            guard.cancel()
            _stop(process)
            if copier.is_alive():
                copier.join()
            process.stdout.close()


HUNG_SERVER_S = 600
LISTENING = re.compile(rb"Uvicorn running on (http://[0-9.:]+)")


def _listening_at(output: IO[bytes], out: IO[bytes]) -> str | None:
    """The URL the server says it listens at; ``None`` if it exits first."""
    for line in output:  # as the server writes them; ends when it exits
        out.write(line)
        out.flush()
        found = LISTENING.search(line)
        if found:
            return found.group(1).decode()
    return None


def _stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _copy_lines(output: IO[bytes], out: IO[bytes]) -> None:
    for line in output:
        out.write(line)
