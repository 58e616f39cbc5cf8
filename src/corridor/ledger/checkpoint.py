"""C2SP tlog-checkpoint: the note text of a signed tree head, parsed strictly.

    <origin>\\n            non-empty; we only *write* origins without spaces or '+'
    <tree size>\\n         ASCII decimal, no leading zeros (0 for the empty tree)
    <root hash>\\n         canonical base64 of exactly 32 bytes
    [extension lines]\\n   optional, each non-empty, kept verbatim; we write none

The spec tells clients not to assume the origin is URL-like, so the parser accepts any
non-empty origin; ``format_checkpoint`` refuses origins the spec says SHOULD NOT be used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from corridor.ledger.merkle import HASH_SIZE
from corridor.ledger.note import (
    Verifier,
    b64decode_strict,
    b64encode,
    is_valid_key_name,
    open_note,
)

MAX_TREE_SIZE = (1 << 63) - 1
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


class CheckpointError(ValueError):
    """The text is not a C2SP tlog-checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: origin, size, root hash and (rarely) opaque extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        return format_checkpoint(self)


def parse_decimal(text: str, what: str = "number") -> int:
    """ASCII decimal without sign, spaces or leading zeros, below 2**63."""
    if _DECIMAL.fullmatch(text) is None or len(text) > 19 or int(text) > MAX_TREE_SIZE:
        raise ValueError(f"{what} must be an ASCII decimal without leading zeros: {text!r}")
    return int(text)


def parse_hash(text: str) -> bytes:
    """A canonical base64 SHA-256 hash."""
    data = b64decode_strict(text)
    if len(data) != HASH_SIZE:
        raise ValueError(f"a hash is {HASH_SIZE} bytes, got {len(data)}")
    return data


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint note text (ending in a newline) or raise CheckpointError."""
    if not text.endswith("\n"):
        raise CheckpointError("checkpoint text must end in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint has an origin, a size and a root hash")
    origin, size_line, root_line, *extensions = lines
    if not origin or any(ord(c) < 0x20 for c in origin):
        raise CheckpointError("the origin line must be non-empty")
    if any(not line for line in extensions):
        raise CheckpointError("extension lines must be non-empty")
    try:
        size = parse_decimal(size_line, "tree size")
        root = parse_hash(root_line)
    except ValueError as exc:
        raise CheckpointError(str(exc)) from exc
    return Checkpoint(origin, size, root, tuple(extensions))


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """The note text for a checkpoint; refuses anything the parser would not read back."""
    if not is_valid_key_name(checkpoint.origin):
        raise CheckpointError(f"origin {checkpoint.origin!r} is empty or has spaces or '+'")
    if not 0 <= checkpoint.size <= MAX_TREE_SIZE or len(checkpoint.root) != HASH_SIZE:
        raise CheckpointError("tree size out of range or root hash not 32 bytes")
    if any(not line or "\n" in line for line in checkpoint.extensions):
        raise CheckpointError("extension lines must be non-empty single lines")
    lines = [checkpoint.origin, str(checkpoint.size), b64encode(checkpoint.root)]
    return "\n".join([*lines, *checkpoint.extensions]) + "\n"


def open_checkpoint(signed: bytes, verifiers: Iterable[Verifier]) -> Checkpoint:
    """Verify a signed checkpoint note with the given keys and parse its text."""
    return parse_checkpoint(open_note(signed, verifiers).text)
