"""The C2SP tlog-witness logic, with no HTTP in it.

``Witness.add_checkpoint(body)`` takes the body of ``POST <prefix>/add-checkpoint``:

    old <size>\\n               the size of the witness's latest cosigned checkpoint
    <base64 hash>\\n            consistency proof from that size (0 to 63 lines)
    \\n
    <signed checkpoint>

and returns the cosignature line(s), or raises exactly one ``WitnessError`` whose HTTP
status is given by ``http_status`` (the one table the HTTP layer uses). The check of
the old size and the storing of the new checkpoint are one compare-and-swap, so two
racing requests can never roll the witness back; logs are never forgotten.

Spec ambiguity resolved: for a checkpoint of the same size as the latest cosigned one
but a different root (a split view) we answer 422, as corridor's TLOG.md and the
litetlog reference witness do; the C2SP editor's copy of tlog-witness now says 409.
Changing it is one line in ``_STATUS``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from corridor.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    parse_checkpoint,
    parse_decimal,
    parse_hash,
)
from corridor.ledger.merkle import EMPTY_ROOT, ProofError, verify_consistency
from corridor.ledger.note import (
    InvalidSignatureError,
    NoteError,
    Signature,
    Signer,
    UnverifiedNoteError,
    b64encode,
    ed25519_verifier,
    open_note,
    split_note,
)

MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"


# --- Errors and their one mapping to HTTP statuses ----------------------------------


class WitnessError(Exception):
    """Base of the errors add-checkpoint answers with."""


class BadRequestError(WitnessError):
    """400: malformed body or checkpoint, or an old size above the checkpoint size."""


class UnknownLogError(WitnessError):
    """404: the checkpoint's origin is not a log this witness follows."""


class NoValidSignatureError(WitnessError):
    """403: no signature from the log's key verifies (or a known key's fails)."""


class OldSizeConflictError(WitnessError):
    """409: the old size is not the size of the latest checkpoint cosigned."""

    def __init__(self, latest_size: int) -> None:
        super().__init__(f"the latest cosigned checkpoint has size {latest_size}")
        self.latest_size = latest_size


class InconsistentProofError(WitnessError):
    """422: the consistency proof does not verify."""


class SplitViewError(WitnessError):
    """422: same size as the latest cosigned checkpoint but another root."""

    def __init__(self, size: int, cosigned_root: bytes, offered_root: bytes) -> None:
        super().__init__(f"two roots for size {size}")
        self.size, self.cosigned_root, self.offered_root = size, cosigned_root, offered_root


_STATUS: tuple[tuple[type[WitnessError], int], ...] = (
    (BadRequestError, 400),
    (NoValidSignatureError, 403),
    (UnknownLogError, 404),
    (OldSizeConflictError, 409),
    (SplitViewError, 422),
    (InconsistentProofError, 422),
)


def http_status(error: WitnessError) -> int:
    """The HTTP status for a witness error: the only place this mapping lives."""
    for error_type, status in _STATUS:
        if isinstance(error, error_type):
            return status
    raise TypeError(f"no status for {type(error).__name__}")


@dataclass(frozen=True)
class ErrorResponse:
    status: int
    content_type: str
    body: bytes


def error_response(error: WitnessError) -> ErrorResponse:
    """Status, content type and body for an error (409 carries the latest size)."""
    if isinstance(error, OldSizeConflictError):
        return ErrorResponse(409, SIZE_CONTENT_TYPE, f"{error.latest_size}\n".encode())
    return ErrorResponse(http_status(error), "text/plain; charset=utf-8", f"{error}\n".encode())


# --- Request body -------------------------------------------------------------------


@dataclass(frozen=True)
class AddCheckpointRequest:
    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes


def parse_add_checkpoint(body: bytes) -> AddCheckpointRequest:
    """Parse an add-checkpoint body strictly; raises BadRequestError."""
    head, sep, checkpoint = body.partition(b"\n\n")
    if not sep:
        raise BadRequestError("no empty line before the checkpoint")
    try:
        first, *proof_lines = head.decode("ascii").split("\n")
        if not first.startswith("old "):
            raise ValueError("the first line must be 'old <size>'")
        old_size = parse_decimal(first.removeprefix("old "), "old size")
        proof = tuple(parse_hash(line) for line in proof_lines)
    except ValueError as exc:  # includes UnicodeDecodeError
        raise BadRequestError(str(exc)) from exc
    if len(proof) > MAX_PROOF_LINES:
        raise BadRequestError(f"more than {MAX_PROOF_LINES} consistency proof lines")
    if old_size == 0 and proof:
        raise BadRequestError("the proof from size 0 must be empty")
    return AddCheckpointRequest(old_size, proof, checkpoint)


def format_add_checkpoint(request: AddCheckpointRequest) -> bytes:
    """The body a log sends (the client side of ``parse_add_checkpoint``)."""
    lines = [f"old {request.old_size}", *(b64encode(h) for h in request.proof)]
    return ("\n".join(lines) + "\n\n").encode() + request.checkpoint


# --- Storage ------------------------------------------------------------------------


class WitnessStorage(Protocol):
    """Where a witness keeps the latest checkpoint it cosigned for each origin."""

    def latest(self, origin: str) -> Checkpoint | None:
        """The latest cosigned checkpoint for ``origin``, None if never cosigned."""
        ...

    def compare_and_swap(self, origin: str, expected: Checkpoint | None, new: Checkpoint) -> bool:
        """Atomically store ``new`` iff the latest is still ``expected``."""
        ...


class MemoryWitnessStorage:
    """In-memory WitnessStorage; the lock makes compare-and-swap atomic."""

    def __init__(self) -> None:
        self._latest: dict[str, Checkpoint] = {}
        self._lock = threading.Lock()

    def latest(self, origin: str) -> Checkpoint | None:
        with self._lock:
            return self._latest.get(origin)

    def compare_and_swap(self, origin: str, expected: Checkpoint | None, new: Checkpoint) -> bool:
        with self._lock:
            if self._latest.get(origin) != expected:
                return False
            self._latest[origin] = new
            return True


# --- The witness --------------------------------------------------------------------


class Witness:
    """Cosigns checkpoints of known logs that are consistent with what it saw before."""

    def __init__(
        self,
        signer: Signer,
        known_logs: Mapping[str, Sequence[str]],
        storage: WitnessStorage,
    ) -> None:
        """``signer`` is a cosignature/v1 signer; ``known_logs`` maps each origin to
        the log's Ed25519 verifier keys (more than one during a key rotation)."""
        if any(isinstance(keys, str) for keys in known_logs.values()):
            raise TypeError("known_logs maps each origin to a list of verifier keys")
        self._signer = signer
        self._logs = {o: [ed25519_verifier(k) for k in keys] for o, keys in known_logs.items()}
        self._storage = storage

    def add_checkpoint(self, body: bytes) -> bytes:
        """Cosign the checkpoint in an add-checkpoint body; returns signature lines."""
        request = parse_add_checkpoint(body)
        checkpoint, text = self._open(request.checkpoint)
        if request.old_size > checkpoint.size:
            raise BadRequestError("the old size is larger than the checkpoint size")
        latest = self._storage.latest(checkpoint.origin)
        _check_consistency(latest, request, checkpoint)
        if not self._storage.compare_and_swap(checkpoint.origin, latest, checkpoint):
            current = self._storage.latest(checkpoint.origin)
            raise OldSizeConflictError(current.size if current else 0)
        sig = self._signer.sign(text.encode())
        return Signature(self._signer.name, self._signer.key_id, sig).line().encode()

    def _open(self, signed: bytes) -> tuple[Checkpoint, str]:
        """Parse (400), find the log (404), then check its signature (403)."""
        try:
            text, _ = split_note(signed)
            checkpoint = parse_checkpoint(text)
        except (NoteError, CheckpointError) as exc:
            raise BadRequestError(str(exc)) from exc
        verifiers = self._logs.get(checkpoint.origin)
        if verifiers is None:
            raise UnknownLogError(f"unknown log {checkpoint.origin!r}")
        try:
            open_note(signed, verifiers)
        except (UnverifiedNoteError, InvalidSignatureError) as exc:
            raise NoValidSignatureError(str(exc)) from exc
        return checkpoint, text


def _check_consistency(
    latest: Checkpoint | None, request: AddCheckpointRequest, checkpoint: Checkpoint
) -> None:
    latest_size = latest.size if latest else 0
    if request.old_size != latest_size:
        raise OldSizeConflictError(latest_size)
    old_root = latest.root if latest else EMPTY_ROOT
    if latest and latest.size == checkpoint.size and latest.root != checkpoint.root:
        raise SplitViewError(checkpoint.size, latest.root, checkpoint.root)
    try:
        verify_consistency(latest_size, checkpoint.size, old_root, checkpoint.root, request.proof)
    except ProofError as exc:
        raise InconsistentProofError(str(exc)) from exc
