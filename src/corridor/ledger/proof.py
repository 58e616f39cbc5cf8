"""C2SP tlog-proof: an offline receipt that an entry is in the log.

    c2sp.org/tlog-proof@v1
    [extra <base64>]          optional, opaque, never trusted
    index <leaf index>
    <base64 hash>             inclusion proof, leaf's sibling first (0 to 63 lines)
                              (empty line)
    <signed checkpoint>       verbatim, with the log's signature and any cosignatures

Verification needs only the entry bytes, the log's verifier key and, optionally, a
witness policy: ``WitnessPolicy`` (at least ``quorum`` of the listed cosigners must have
cosigned) or a ``policy.CosignerGroup`` tree ("both states and one monitor").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import Protocol, TypeVar

from corridor.ledger.checkpoint import (
    Checkpoint,
    CheckpointError,
    parse_checkpoint,
    parse_decimal,
    parse_hash,
)
from corridor.ledger.cosignature import cosignature_verifier
from corridor.ledger.merkle import HashReader, ProofError, inclusion_proof, leaf_hash
from corridor.ledger.merkle import verify_inclusion as verify_merkle_inclusion
from corridor.ledger.note import (
    NoteError,
    Verifier,
    b64decode_strict,
    b64encode,
    ed25519_verifier,
    open_note,
    split_note,
)

T = TypeVar("T")

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES = 63


class ReceiptError(ValueError):
    """Base of receipt errors."""


class MalformedReceiptError(ReceiptError):
    """The bytes are not a c2sp.org/tlog-proof@v1 receipt."""


class ReceiptVerificationError(ReceiptError):
    """The receipt is well formed but does not prove the entry under the given keys."""


@dataclass(frozen=True)
class Receipt:
    """An inclusion proof of entry ``index`` in the signed ``checkpoint`` note."""

    index: int
    proof: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None


@dataclass(frozen=True)
class WitnessPolicy:
    """At least ``quorum`` of the cosigners ``vkeys`` (type 0x04) must have cosigned."""

    vkeys: tuple[str, ...]
    quorum: int

    def __post_init__(self) -> None:
        if not 0 <= self.quorum <= len(self.vkeys):
            raise ValueError("the quorum must be between 0 and the number of witnesses")

    def satisfied_by(self, cosigned: Set[str]) -> bool:
        return len(cosigned & set(self.vkeys)) >= self.quorum

    def shortfall(self, cosigned: Set[str]) -> str:
        return f"{len(cosigned & set(self.vkeys))} of {self.quorum} required cosignatures"


class CosignaturePolicy(Protocol):
    """What a receipt's cosignatures must satisfy (``WitnessPolicy``, ``CosignerGroup``)."""

    @property
    def vkeys(self) -> tuple[str, ...]: ...

    def satisfied_by(self, cosigned: Set[str]) -> bool:
        """Whether cosignatures by these vkeys (all verified) meet the policy."""
        ...

    def shortfall(self, cosigned: Set[str]) -> str:
        """Why cosignatures by ``cosigned`` do not meet the policy, in a few words."""
        ...


def build_receipt(
    index: int, signed_checkpoint: bytes, read: HashReader, extra: bytes | None = None
) -> Receipt:
    """A receipt for entry ``index``, its proof read from the log's stored hashes."""
    text, _ = split_note(signed_checkpoint)
    size = parse_checkpoint(text).size
    return Receipt(index, tuple(inclusion_proof(index, size, read)), signed_checkpoint, extra)


def format_receipt(receipt: Receipt) -> bytes:
    """The receipt's text form (a ``.tlog-proof`` file)."""
    if len(receipt.proof) > MAX_PROOF_HASHES or receipt.extra == b"":
        raise ValueError("at most 63 proof hashes; omit extra rather than leave it empty")
    lines = [HEADER]
    if receipt.extra is not None:
        lines.append(f"extra {b64encode(receipt.extra)}")
    lines.append(f"index {receipt.index}")
    lines += [b64encode(h) for h in receipt.proof]
    return ("\n".join(lines) + "\n\n").encode() + receipt.checkpoint


def parse_receipt(data: bytes) -> Receipt:
    """Parse a receipt strictly (the checkpoint's signatures are checked by verify)."""
    head, sep, note = data.partition(b"\n\n")
    if not sep:
        raise MalformedReceiptError("no empty line before the checkpoint")
    try:
        lines = head.decode("ascii").split("\n")
        parse_checkpoint(split_note(note)[0])
    except (UnicodeDecodeError, NoteError, CheckpointError) as exc:
        raise MalformedReceiptError(str(exc)) from exc
    if lines[0] != HEADER:
        raise MalformedReceiptError(f"the first line must be {HEADER}")
    extra, rest = _parse_extra(lines[1:])
    if not rest or not rest[0].startswith("index "):
        raise MalformedReceiptError("missing index line")
    index = _parse_field(parse_decimal, rest[0].removeprefix("index "))
    proof = tuple(_parse_field(parse_hash, line) for line in rest[1:])
    if len(proof) > MAX_PROOF_HASHES:
        raise MalformedReceiptError("more than 63 proof hashes")
    return Receipt(index, proof, note, extra)


def _parse_extra(lines: Sequence[str]) -> tuple[bytes | None, Sequence[str]]:
    if not lines or not lines[0].startswith("extra "):
        return None, lines
    extra = _parse_field(b64decode_strict, lines[0].removeprefix("extra "))
    if not extra:
        raise MalformedReceiptError("an extra line must carry data")
    return extra, lines[1:]


def _parse_field(parse: Callable[[str], T], text: str) -> T:
    try:
        return parse(text)
    except ValueError as exc:
        raise MalformedReceiptError(str(exc)) from exc


def verify_receipt(
    receipt: Receipt,
    entry: bytes,
    log_vkey: str,
    *,
    origin: str | None = None,
    policy: CosignaturePolicy | None = None,
) -> Checkpoint:
    """Check that ``entry`` is at ``receipt.index`` in a checkpoint the log signed,
    cosigned by enough witnesses; returns the checkpoint or raises ReceiptError.

    ``origin`` defaults to the log key's name (the spec says they SHOULD match).
    """
    log = ed25519_verifier(log_vkey)
    witnesses = {v: cosignature_verifier(v) for v in policy.vkeys} if policy else {}
    verified = _verified_signers(receipt.checkpoint, [log, *witnesses.values()])
    if (log.name, log.key_id) not in verified:
        raise ReceiptVerificationError("the checkpoint is not signed by the log")
    cosigned = {v for v, w in witnesses.items() if (w.name, w.key_id) in verified}
    if policy is not None and not policy.satisfied_by(cosigned):
        raise ReceiptVerificationError(policy.shortfall(cosigned))
    text, _ = split_note(receipt.checkpoint)
    checkpoint = parse_checkpoint(text)
    if checkpoint.origin != (log.name if origin is None else origin):
        raise ReceiptVerificationError(f"checkpoint is for another log: {checkpoint.origin}")
    try:
        verify_merkle_inclusion(
            leaf_hash(entry), receipt.index, checkpoint.size, receipt.proof, checkpoint.root
        )
    except ProofError as exc:
        raise ReceiptVerificationError(f"inclusion proof: {exc}") from exc
    return checkpoint


def _verified_signers(signed: bytes, verifiers: Sequence[Verifier]) -> set[tuple[str, int]]:
    try:
        note = open_note(signed, verifiers)
    except NoteError as exc:
        raise ReceiptVerificationError(f"checkpoint signatures: {exc}") from exc
    return {(sig.name, sig.key_id) for sig in note.verified}
