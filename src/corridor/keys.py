"""The log operator's signing key: a C2SP signed-note private key kept in a file."""

from __future__ import annotations

import os
from pathlib import Path

from corridor.domain.errors import PreconditionFailed
from corridor.ledger.note import Ed25519Signer


def load_or_create_signer(path: Path, name: str, *, create: bool) -> Ed25519Signer:
    """The signer stored at ``path``; ``create`` makes a new key there if none exists."""
    if path.exists():
        signer = Ed25519Signer.from_signer_key(path.read_text(encoding="ascii").strip())
        if signer.name != name:
            raise PreconditionFailed(f"the key in {path} signs for {signer.name!r}, not {name!r}")
        return signer
    if not create:
        raise PreconditionFailed(f"no log signing key at {path}: run `corridor init` first")
    signer = Ed25519Signer.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(signer.signer_key() + "\n")
    return signer
