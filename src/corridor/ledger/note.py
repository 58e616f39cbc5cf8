"""C2SP signed-note: Ed25519 keys, verifier keys, signing and strict opening of notes.

A signed note is a text ending in a newline, a blank line, then one or more signature
lines ``— <key name> <base64(4-byte key ID || signature)>``. Key strings follow
golang.org/x/mod/sumdb/note:

* verifier key: ``<name>+<8 hex digits key ID>+<base64(type || public key)>``
* signer key:   ``PRIVATE+KEY+<name>+<8 hex digits key ID>+<base64(type || seed)>``

where key ID = SHA-256(name || 0x0A || type || public key)[:4]. Parsers are strict:
base64 must be canonical (padded, no stray bits) and hex lowercase, as we write them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
MAX_SIGNATURES = 100
"""Notes with more signature lines are rejected (the spec asks for at least 16)."""

SIGNATURE_PREFIX = "— "


class NoteError(ValueError):
    """Base of every signed-note error."""


class KeyFormatError(NoteError):
    """A verifier or signer key string is off spec or its key ID does not match."""


class MalformedNoteError(NoteError):
    """The bytes are not a well-formed signed note."""


class UnverifiedNoteError(NoteError):
    """No signature from a known key is on the note."""


class InvalidSignatureError(NoteError):
    """A signature from a known key (same name and key ID) does not verify."""


class Signer(Protocol):
    """Something that signs note texts under a key name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, text: bytes) -> bytes:
        """The signature bytes that follow the key ID in a signature line."""
        ...


class Verifier(Protocol):
    """Something that checks signatures of one key over note texts."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, signature: bytes) -> bool: ...


# --- Names, key IDs, base64 ---------------------------------------------------------


_NOT_IN_KEY_NAME = re.compile(r"[\s\x00-\x1f\x7f+]")
"""Unicode space (``\\s`` is ``str.isspace``), C0 controls, DEL and '+'."""


def is_valid_key_name(name: str) -> bool:
    """Non-empty, no Unicode space, no '+', no control character."""
    return bool(name) and _NOT_IN_KEY_NAME.search(name) is None


def key_id(name: str, key_type: int, public_key: bytes) -> int:
    """SHA-256(name || 0x0A || type || public key)[:4] as a big-endian uint32."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([key_type]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def b64encode(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64decode_strict(text: str) -> bytes:
    """Standard padded base64 in its one canonical spelling, else ValueError."""
    try:
        data = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ValueError(f"not base64: {text!r}") from exc
    if b64encode(data) != text:
        raise ValueError(f"not canonical base64: {text!r}")
    return data


def _parse_key_id(text: str) -> int:
    if len(text) != 8 or any(c not in "0123456789abcdef" for c in text):
        raise KeyFormatError(f"key ID must be 8 lowercase hex digits, got {text!r}")
    return int(text, 16)


# --- Verifier keys ------------------------------------------------------------------


@dataclass(frozen=True)
class VerifierKey:
    """A parsed verifier key: name, signature type and public key bytes."""

    name: str
    key_type: int
    public_key: bytes

    @property
    def key_id(self) -> int:
        return key_id(self.name, self.key_type, self.public_key)

    def __str__(self) -> str:
        material = b64encode(bytes([self.key_type]) + self.public_key)
        return f"{self.name}+{self.key_id:08x}+{material}"


def parse_vkey(vkey: str) -> VerifierKey:
    """Parse ``<name>+<hex key ID>+<base64(type || public key)>`` strictly."""
    parts = vkey.split("+", 2)
    if len(parts) != 3 or not is_valid_key_name(parts[0]):
        raise KeyFormatError(f"malformed verifier key {vkey!r}")
    name, hex_id, material_b64 = parts
    try:
        material = b64decode_strict(material_b64)
    except ValueError as exc:
        raise KeyFormatError(f"malformed verifier key material in {vkey!r}") from exc
    if len(material) < 2:
        raise KeyFormatError(f"verifier key {vkey!r} has no key material")
    parsed = VerifierKey(name, material[0], material[1:])
    if _parse_key_id(hex_id) != parsed.key_id:
        raise KeyFormatError(f"key ID in {vkey!r} does not match its name and key")
    return parsed


@dataclass(frozen=True)
class Ed25519Verifier:
    """Verifies C2SP signed-note Ed25519 signatures (type 0x01) over the note text."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        if not is_valid_key_name(self.name) or len(self.public_key) != 32:
            raise KeyFormatError("an Ed25519 verifier needs a valid name and a 32-byte key")

    @property
    def key_id(self) -> int:
        return key_id(self.name, ALG_ED25519, self.public_key)

    @property
    def vkey(self) -> str:
        return str(VerifierKey(self.name, ALG_ED25519, self.public_key))

    def verify(self, text: bytes, signature: bytes) -> bool:
        return ed25519_verify(self.public_key, signature, text)


def ed25519_verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    if len(signature) != 64:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def ed25519_verifier(vkey: str) -> Ed25519Verifier:
    """The verifier for a type 0x01 verifier key string."""
    parsed = parse_vkey(vkey)
    if parsed.key_type != ALG_ED25519:
        raise KeyFormatError(f"{vkey!r} is not an Ed25519 (type 0x01) key")
    return Ed25519Verifier(parsed.name, parsed.public_key)


# --- Signer keys --------------------------------------------------------------------


def public_key_bytes(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def format_signer_key(name: str, key_type: int, seed: bytes) -> str:
    """``PRIVATE+KEY+<name>+<hex key ID>+<base64(type || seed)>``."""
    public = public_key_bytes(Ed25519PrivateKey.from_private_bytes(seed))
    material = b64encode(bytes([key_type]) + seed)
    return f"PRIVATE+KEY+{name}+{key_id(name, key_type, public):08x}+{material}"


def parse_signer_key(skey: str) -> tuple[str, int, bytes]:
    """Parse a signer key string strictly into (name, key type, 32-byte seed)."""
    parts = skey.split("+", 4)
    if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"] or not is_valid_key_name(parts[2]):
        raise KeyFormatError("malformed signer key")
    try:
        material = b64decode_strict(parts[4])
    except ValueError as exc:
        raise KeyFormatError("malformed signer key material") from exc
    if len(material) != 33:
        raise KeyFormatError("a signer key holds a type byte and a 32-byte seed")
    name, key_type, seed = parts[2], material[0], material[1:]
    public = public_key_bytes(Ed25519PrivateKey.from_private_bytes(seed))
    if _parse_key_id(parts[3]) != key_id(name, key_type, public):
        raise KeyFormatError("key ID in signer key does not match its name and key")
    return name, key_type, seed


class Ed25519Signer:
    """Signs note texts with Ed25519 (type 0x01): the log's checkpoint signer."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        if not is_valid_key_name(name):
            raise KeyFormatError(f"invalid key name {name!r}")
        self._name = name
        self._private_key = private_key
        self.public_key = public_key_bytes(private_key)

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_signer_key(cls, skey: str) -> Ed25519Signer:
        name, key_type, seed = parse_signer_key(skey)
        if key_type != ALG_ED25519:
            raise KeyFormatError("not an Ed25519 (type 0x01) signer key")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def name(self) -> str:
        return self._name

    @property
    def key_id(self) -> int:
        return key_id(self._name, ALG_ED25519, self.public_key)

    def signer_key(self) -> str:
        seed = self._private_key.private_bytes_raw()
        return format_signer_key(self._name, ALG_ED25519, seed)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self._name, self.public_key)

    def sign(self, text: bytes) -> bytes:
        return self._private_key.sign(text)


# --- Notes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Signature:
    """One signature line: key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        value = b64encode(struct.pack(">I", self.key_id) + self.signature)
        return f"{SIGNATURE_PREFIX}{self.name} {value}\n"


@dataclass(frozen=True)
class Note:
    """An opened note: its text, the verified signatures and the others, in order."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]


_NOT_IN_TEXT = re.compile("[\x00-\x09\x0b-\x1f\ud800-\udfff]")
"""Control characters but newline, and surrogates (which UTF-8 cannot carry)."""


def _check_text(text: str) -> None:
    if _NOT_IN_TEXT.search(text) is not None:
        raise MalformedNoteError("a note is UTF-8 text without control characters but newline")


def split_note(msg: bytes) -> tuple[str, list[Signature]]:
    """Split a signed note into its text and its signature lines; nothing verified."""
    try:
        decoded = msg.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedNoteError("a note must be valid UTF-8") from exc
    _check_text(decoded)
    split = decoded.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("no blank line before the signatures")
    text, sig_block = decoded[: split + 1], decoded[split + 2 :]
    if not sig_block.endswith("\n"):
        raise MalformedNoteError("a note must end with a signature line and a newline")
    lines = sig_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"more than {MAX_SIGNATURES} signature lines")
    return text, [parse_signature_line(line) for line in lines]


def parse_signature_line(line: str) -> Signature:
    """Parse ``— <name> <base64>`` (without its newline)."""
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNoteError(f"not a signature line: {line!r}")
    name, _, value = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not is_valid_key_name(name):
        raise MalformedNoteError(f"invalid key name in signature line {line!r}")
    try:
        raw = b64decode_strict(value)
    except ValueError as exc:
        raise MalformedNoteError(f"bad base64 in signature line {line!r}") from exc
    if len(raw) < 5:
        raise MalformedNoteError("a signature holds a 4-byte key ID and at least one byte")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def open_note(msg: bytes, verifiers: Iterable[Verifier]) -> Note:
    """Parse ``msg`` and verify it: at least one known key must have signed it.

    Signatures from unknown (name, key ID) pairs are kept as unverified; a known key's
    signature that fails rejects the whole note; repeated lines count once.
    """
    text, signatures = split_note(msg)
    known = _index_verifiers(verifiers)
    verified: dict[tuple[str, int], Signature] = {}
    unverified: dict[Signature, None] = {}
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            unverified[sig] = None
        elif (sig.name, sig.key_id) not in verified:
            if not verifier.verify(text.encode(), sig.signature):
                raise InvalidSignatureError(f"signature by {sig.name} does not verify")
            verified[(sig.name, sig.key_id)] = sig
    if not verified:
        raise UnverifiedNoteError("no signature from a known key")
    return Note(text, tuple(verified.values()), tuple(unverified))


def _index_verifiers(verifiers: Iterable[Verifier]) -> dict[tuple[str, int], Verifier]:
    known: dict[tuple[str, int], Verifier] = {}
    for v in verifiers:
        if (v.name, v.key_id) in known:
            raise ValueError(f"two verifiers share the name {v.name} and key ID")
        known[(v.name, v.key_id)] = v
    return known


def sign_note(text: str, signers: Sequence[Signer], existing: Sequence[Signature] = ()) -> bytes:
    """The signed note: text, blank line, existing signatures then one per signer."""
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end in a newline")
    _check_text(text)
    if not signers and not existing:
        raise ValueError("a signed note needs at least one signature")
    new = [Signature(s.name, s.key_id, s.sign(text.encode())) for s in signers]
    if any(not is_valid_key_name(sig.name) for sig in new):
        raise KeyFormatError("invalid signer name")
    lines = "".join(sig.line() for sig in [*existing, *new])
    return (text + "\n" + lines).encode()
