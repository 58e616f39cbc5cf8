"""C2SP tlog-cosignature, cosignature/v1 (Ed25519, type 0x04)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corridor.ledger.cosignature import (
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_timestamp,
    cosignature_verifier,
    cosigned_message,
)
from corridor.ledger.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    Ed25519Signer,
    InvalidSignatureError,
    KeyFormatError,
    Signature,
    UnverifiedNoteError,
    ed25519_verifier,
    key_id,
    open_note,
    parse_vkey,
    sign_note,
    split_note,
)

CHECKPOINT = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
NOW = 1679315147


def _fixed(t: int) -> CosignatureSigner:
    return CosignatureSigner.generate("witness.example.com/w1", lambda: t)


def test_signed_message_as_in_the_spec() -> None:
    assert cosigned_message(CHECKPOINT, NOW) == (
        b"cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        b"CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    )
    with pytest.raises(ValueError, match="out of range"):
        cosigned_message(CHECKPOINT, 2**63)


def test_spec_example_signature_layout() -> None:
    """The spec's example cosignature line: key ID, then the timestamp it signed."""
    value = (
        "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
        "mbIUBkBIfZ+qnA=="
    )
    raw = base64.b64decode(value)
    assert len(raw) == 4 + 8 + 64
    assert cosignature_timestamp(raw[4:]) == NOW


def test_cosign_and_verify() -> None:
    witness = _fixed(NOW)
    sig = witness.cosign(CHECKPOINT)
    assert sig.key_id == key_id(witness.name, ALG_COSIGNATURE_V1, witness.public_key)
    assert sig.key_id != key_id(witness.name, ALG_ED25519, witness.public_key)
    assert cosignature_timestamp(sig.signature) == NOW
    value = base64.b64decode(sig.line().split(" ")[-1])
    assert value[:4] == sig.key_id.to_bytes(4, "big")
    assert value[4:12] == NOW.to_bytes(8, "big")
    verifier = cosignature_verifier(witness.verifier().vkey)
    assert verifier.verify(CHECKPOINT.encode(), sig.signature)
    assert not verifier.verify(CHECKPOINT.replace("20852163", "20852164").encode(), sig.signature)
    later = (NOW + 1).to_bytes(8, "big") + sig.signature[8:]
    assert not verifier.verify(CHECKPOINT.encode(), later)
    assert not verifier.verify(CHECKPOINT.encode(), sig.signature[:-1])


def test_a_cosigned_checkpoint_opens_as_a_note() -> None:
    log = Ed25519Signer.generate("example.com/behind-the-sofa")
    witness = _fixed(NOW)
    signed = sign_note(CHECKPOINT, [log, witness])
    note = open_note(signed, [log.verifier(), witness.verifier()])
    assert len(note.verified) == 2
    assert open_note(signed, [witness.verifier()]).unverified[0].name == log.name
    with pytest.raises(UnverifiedNoteError):  # cosigner keys never check plain signatures
        open_note(sign_note(CHECKPOINT, [log]), [CosignatureVerifier(log.name, log.public_key)])


def test_a_plain_ed25519_signature_is_no_cosignature() -> None:
    """Same name and key, but a type 0x01 signature under the 0x04 key ID: rejected."""
    key = Ed25519PrivateKey.generate()
    witness = CosignatureSigner("witness.example.com/w1", key, lambda: NOW)
    plain = Ed25519Signer(witness.name, key)
    _, sigs = split_note(sign_note(CHECKPOINT, [plain]))
    forged = Signature(witness.name, witness.key_id, NOW.to_bytes(8, "big") + sigs[0].signature)
    note = sign_note(CHECKPOINT, [], existing=[forged])
    with pytest.raises(InvalidSignatureError):
        open_note(note, [witness.verifier()])


def test_vkeys_carry_the_type() -> None:
    witness = _fixed(NOW)
    vkey = witness.verifier().vkey
    assert parse_vkey(vkey).key_type == ALG_COSIGNATURE_V1
    with pytest.raises(KeyFormatError):
        ed25519_verifier(vkey)
    with pytest.raises(KeyFormatError):
        cosignature_verifier(Ed25519Signer.generate("log.example").verifier().vkey)
    again = CosignatureSigner.from_signer_key(witness.signer_key(), lambda: NOW)
    assert again.verifier() == witness.verifier()
    with pytest.raises(KeyFormatError):
        CosignatureSigner.from_signer_key(Ed25519Signer.generate("x").signer_key(), lambda: NOW)
