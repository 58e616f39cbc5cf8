"""`corridor witness` as its operator runs it: init, add-log, serve in a real uvicorn
process on 127.0.0.1, stopped and started again (every wait bounded in time)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.cosignature import cosignature_verifier
from corridor.ledger.merkle import MemoryTree
from corridor.ledger.note import Ed25519Signer, open_note, sign_note
from corridor.ledger.witness import AddCheckpointRequest, format_add_checkpoint
from corridor_testing import CliRunner, free_port

pytestmark = pytest.mark.slow

CORRIDOR = str(Path(sys.executable).with_name("corridor"))
ORIGIN = "log.test/process"
LOG = Ed25519Signer.generate(ORIGIN)
TREE = MemoryTree([f"entry {i}".encode() for i in range(30)])
START_TIMEOUT = 30.0


def body(old: int, size: int) -> bytes:
    note = sign_note(Checkpoint(ORIGIN, size, TREE.root(size)).text(), [LOG])
    request = AddCheckpointRequest(old, tuple(TREE.consistency_proof(old, size)), note)
    return format_add_checkpoint(request)


@contextmanager
def witness_process(state: Path, key: Path) -> Iterator[str]:
    port = free_port()
    args = ["witness", "serve", "--state", str(state), "--key", str(key), "--port", str(port)]
    process = subprocess.Popen(
        [CORRIDOR, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        if process.stdout is not None:
            process.stdout.close()


def _wait_until_up(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the witness exited: {output}")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the witness did not start in time")


def test_a_witness_process_cosigns_and_remembers_across_a_restart(
    tmp_path: Path, corridor_cli: CliRunner
) -> None:
    key, state = tmp_path / "w.key", tmp_path / "w.sqlite"
    created = corridor_cli("witness", "init", "--name", "witness.test/process", "--key", str(key))
    assert created.code == 0, created.err
    vkey = created.out.strip()
    assert corridor_cli("witness", "key", "--key", str(key)).out.strip() == vkey
    assert os.stat(key).st_mode & 0o077 == 0
    follow = ["witness", "add-log", "--state", str(state), "--origin", ORIGIN]
    assert corridor_cli(*follow, "--vkey", LOG.verifier().vkey).code == 0

    with witness_process(state, key) as url:
        assert httpx.get(url, timeout=5).text == f"tlog-witness {vkey}\n"
        answer = httpx.post(f"{url}/add-checkpoint", content=body(0, 12), timeout=10)
        assert answer.status_code == 200
        signed = sign_note(Checkpoint(ORIGIN, 12, TREE.root(12)).text(), [LOG])
        note = open_note(signed + answer.content, [cosignature_verifier(vkey)])
        assert len(note.verified) == 1

    with witness_process(state, key) as url:  # a new process on the same state file
        again = httpx.post(f"{url}/add-checkpoint", content=body(0, 20), timeout=10)
        assert again.status_code == 409 and again.text == "12\n"
        assert httpx.post(f"{url}/add-checkpoint", content=body(12, 20)).status_code == 200


def test_the_witness_commands_refuse_what_they_cannot_use(
    tmp_path: Path, corridor_cli: CliRunner
) -> None:
    key = tmp_path / "w.key"
    assert corridor_cli("witness", "init", "--name", "witness.test/a", "--key", str(key)).code == 0
    again = corridor_cli("witness", "init", "--name", "witness.test/b", "--key", str(key))
    assert again.code == 2 and "never overwritten" in again.err
    other = str(tmp_path / "x.key")
    bad_name = corridor_cli("witness", "init", "--name", "has space", "--key", other)
    assert bad_name.code == 2 and "invalid witness name" in bad_name.err
    state = str(tmp_path / "w.sqlite")
    follow = ["witness", "add-log", "--state", state, "--origin", ORIGIN]
    wrong_key = corridor_cli(*follow, "--vkey", "nonsense")
    assert wrong_key.code == 2 and "--vkey" in wrong_key.err
    cosigner_key = corridor_cli("witness", "key", "--key", str(key)).out.strip()
    assert corridor_cli(*follow, "--vkey", cosigner_key).code == 2  # not a log's key
    assert corridor_cli(*follow, "--vkey", LOG.verifier().vkey).out.startswith("following")
    assert corridor_cli(*follow, "--vkey", LOG.verifier().vkey).out.startswith("already")
    missing = tmp_path / "none.sqlite"
    absent = corridor_cli("witness", "serve", "--state", str(missing), "--key", str(key))
    assert absent.code == 2 and "no witness state" in absent.err and not missing.exists()
    assert corridor_cli("witness", "serve", "--state", state, "--key", state).code == 2
    assert corridor_cli("witness", "key", "--key", state).code == 2
    key.write_text("garbage\n")
    assert (
        corridor_cli(
            "witness",
            "add-log",
            "--state",
            str(key),
            "--origin",
            ORIGIN,
            "--vkey",
            LOG.verifier().vkey,
        ).code
        == 2
    )  # not a state file
