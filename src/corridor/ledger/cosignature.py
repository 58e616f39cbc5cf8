"""C2SP tlog-cosignature, Ed25519 ``cosignature/v1`` (signature type 0x04).

A cosigner signs ``cosignature/v1\\ntime <t>\\n`` followed by the whole checkpoint text;
the signature line value is base64(key ID || 8-byte big-endian t || 64-byte signature),
the key ID computed with type 0x04. Cosigners are note ``Signer``/``Verifier`` objects,
so a cosigned checkpoint opens with ``note.open_note`` like any other note.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corridor.ledger.note import (
    ALG_COSIGNATURE_V1,
    KeyFormatError,
    Signature,
    VerifierKey,
    ed25519_verify,
    format_signer_key,
    is_valid_key_name,
    key_id,
    parse_signer_key,
    parse_vkey,
    public_key_bytes,
)

MAX_TIMESTAMP = (1 << 63) - 1

Clock = Callable[[], int]
"""Returns the current time as POSIX seconds."""


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """The bytes a cosigner signs for ``checkpoint_text`` at ``timestamp``."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError("cosignature timestamp out of range")
    return f"cosignature/v1\ntime {timestamp}\n".encode() + checkpoint_text.encode()


def cosignature_timestamp(signature: bytes) -> int:
    """The timestamp inside the signature bytes of a cosignature line."""
    if len(signature) != 72:
        raise ValueError("a cosignature/v1 signature is 8 + 64 bytes")
    (timestamp,) = struct.unpack(">Q", signature[:8])
    return int(timestamp)


@dataclass(frozen=True)
class CosignatureVerifier:
    """Checks cosignature/v1 signatures of one cosigner (a witness)."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name) or len(self.public_key) != 32:
            raise KeyFormatError("a cosigner needs a valid name and a 32-byte Ed25519 key")

    @property
    def key_id(self) -> int:
        return key_id(self.name, ALG_COSIGNATURE_V1, self.public_key)

    @property
    def vkey(self) -> str:
        return str(VerifierKey(self.name, ALG_COSIGNATURE_V1, self.public_key))

    def verify(self, text: bytes, signature: bytes) -> bool:
        if len(signature) != 72:
            return False
        timestamp = cosignature_timestamp(signature)
        if timestamp > MAX_TIMESTAMP:
            return False
        message = cosigned_message(text.decode(), timestamp)
        return ed25519_verify(self.public_key, signature[8:], message)


def cosignature_verifier(vkey: str) -> CosignatureVerifier:
    """The verifier for a type 0x04 verifier key string."""
    parsed = parse_vkey(vkey)
    if parsed.key_type != ALG_COSIGNATURE_V1:
        raise KeyFormatError(f"{vkey!r} is not a cosignature/v1 (type 0x04) key")
    return CosignatureVerifier(parsed.name, parsed.public_key)


class CosignatureSigner:
    """Produces cosignature/v1 signatures, timestamped by ``clock``."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey, clock: Clock) -> None:
        if not is_valid_key_name(name):
            raise KeyFormatError(f"invalid cosigner name {name!r}")
        self._name = name
        self._private_key = private_key
        self._clock = clock
        self.public_key = public_key_bytes(private_key)

    @classmethod
    def generate(cls, name: str, clock: Clock) -> CosignatureSigner:
        return cls(name, Ed25519PrivateKey.generate(), clock)

    @classmethod
    def from_signer_key(cls, skey: str, clock: Clock) -> CosignatureSigner:
        name, key_type, seed = parse_signer_key(skey)
        if key_type != ALG_COSIGNATURE_V1:
            raise KeyFormatError("not a cosignature/v1 (type 0x04) signer key")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed), clock)

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> int:
        return key_id(self._name, ALG_COSIGNATURE_V1, self.public_key)

    def signer_key(self) -> str:
        seed = self._private_key.private_bytes_raw()
        return format_signer_key(self._name, ALG_COSIGNATURE_V1, seed)

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self._name, self.public_key)

    def sign(self, text: bytes) -> bytes:
        timestamp = self._clock()
        message = cosigned_message(text.decode(), timestamp)
        return struct.pack(">Q", timestamp) + self._private_key.sign(message)

    def cosign(self, checkpoint_text: str) -> Signature:
        """The signature line (as a ``Signature``) over a checkpoint text."""
        return Signature(self._name, self.key_id, self.sign(checkpoint_text.encode()))
