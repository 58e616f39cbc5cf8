"""A witness's cosigner key: a C2SP signed-note private key (type 0x04) in a file."""

from __future__ import annotations

import os
import time
from pathlib import Path

from corridor.ledger.cosignature import Clock, CosignatureSigner
from corridor.ledger.note import NoteError


class WitnessKeyError(Exception):
    """The key file is missing, unreadable, or holds no cosigner key."""


def unix_time() -> int:
    return int(time.time())


def create_key(path: Path, name: str) -> CosignatureSigner:
    """Generate a cosigner key named ``name`` into a new file (mode 0600), never
    overwriting one: a witness that lost its key is a new witness."""
    try:
        signer = CosignatureSigner.generate(name, unix_time)
    except NoteError as error:
        raise WitnessKeyError(f"invalid witness name {name!r}: {error}") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise WitnessKeyError(f"{path} exists: a witness key is never overwritten") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(signer.signer_key() + "\n")
    return signer


def load_key(path: Path, clock: Clock = unix_time) -> CosignatureSigner:
    """The cosigner whose private key is in ``path``; its signatures are timestamped
    by ``clock``."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise WitnessKeyError(f"cannot read the witness key {path}: {error}") from None
    try:
        return CosignatureSigner.from_signer_key(text, clock)
    except NoteError as error:
        raise WitnessKeyError(f"{path} holds no cosigner key: {error}") from None
