"""A monitor: follows the log from outside, as any party can, and raises an alert when
the operator shows a view that cannot be honest.

Each check fetches the signed checkpoint, verifies the log's signature, and compares it
with the last checkpoint this monitor accepted (its state file) and with checkpoints
other parties saw (a witness's cosigned one, a receipt's): a smaller tree is a
**rollback**, the same size with another root is a **split view** — two notes signed by
the log that cannot both be true, which is proof to show anyone — and a larger tree
must come with a consistency proof that verifies.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from corridor.domain.errors import InvalidInput
from corridor.ledger.checkpoint import Checkpoint, parse_checkpoint
from corridor.ledger.merkle import ProofError, verify_consistency
from corridor.ledger.note import NoteError, ed25519_verifier, open_note


class Fetcher(Protocol):
    def get(self, path: str) -> tuple[int, bytes]: ...


class HttpFetcher:
    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def get(self, path: str) -> tuple[int, bytes]:
        try:
            with urllib.request.urlopen(f"{self.base_url}{path}", timeout=self.timeout) as reply:
                return reply.status, reply.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()
        except OSError:  # unreachable: the caller reports it, as an alert
            return 0, b""


@dataclass(frozen=True)
class Finding:
    """``ok`` or an alert: its kind, one line, and the signed notes that prove it."""

    kind: str
    message: str
    evidence: tuple[bytes, ...] = ()

    @property
    def alert(self) -> bool:
        return self.kind != "ok"


def check(fetcher: Fetcher, vkey: str, state: Path, peers: Sequence[bytes] = ()) -> Finding:
    """One round of monitoring; the state file advances only when all is well."""
    status, note = fetcher.get("/log/checkpoint")
    if status != 200:
        answer = f"answered {status}" if status else "could not be reached"
        return Finding("unavailable", f"the log {answer} for its checkpoint")
    try:
        current = _verified(note, vkey)
    except (NoteError, ValueError) as error:
        return Finding("bad-signature", f"the log's checkpoint does not verify: {error}", (note,))
    for seen in (*_previous(state), *peers):
        finding = _compare(fetcher, vkey, seen, note, current)
        if finding is not None:
            return finding
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_bytes(note)
    return Finding("ok", f"{current.origin} at size {current.size}: consistent with all seen")


def _previous(state: Path) -> list[bytes]:
    return [state.read_bytes()] if state.exists() else []


def _compare(
    fetcher: Fetcher, vkey: str, seen: bytes, note: bytes, current: Checkpoint
) -> Finding | None:
    try:
        earlier = _verified(seen, vkey)
    except (NoteError, ValueError):
        raise InvalidInput("a checkpoint given to compare with is not signed by this log") from None
    if earlier.origin != current.origin:
        raise InvalidInput(f"a checkpoint given to compare with is for {earlier.origin}")
    if earlier.size == current.size and earlier.root != current.root:
        return Finding(
            "split-view", f"two roots for size {current.size}, both signed by the log", (seen, note)
        )
    if earlier.size > current.size:
        return Finding(
            "rollback",
            f"the log went back from size {earlier.size} to {current.size}",
            (seen, note),
        )
    if earlier.size < current.size and not _consistent(fetcher, earlier, current):
        return Finding(
            "inconsistent",
            f"no valid consistency proof from {earlier.size} to {current.size}",
            (seen, note),
        )
    return None


def _consistent(fetcher: Fetcher, old: Checkpoint, new: Checkpoint) -> bool:
    status, body = fetcher.get(f"/log/proof/consistency?old={old.size}&new={new.size}")
    if status != 200:
        return False
    try:
        hashes = [base64.b64decode(h, validate=True) for h in json.loads(body)["hashes"]]
        verify_consistency(old.size, new.size, old.root, new.root, hashes)
    except (ProofError, ValueError, KeyError, TypeError):
        return False
    return True


def _verified(note: bytes, vkey: str) -> Checkpoint:
    return parse_checkpoint(open_note(note, [ed25519_verifier(vkey)]).text)
