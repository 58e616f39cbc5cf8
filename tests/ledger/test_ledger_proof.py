"""C2SP tlog-proof receipts: format, strict parsing, offline verification."""

from __future__ import annotations

import base64

import pytest

from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.cosignature import CosignatureSigner
from corridor.ledger.merkle import MemoryTree
from corridor.ledger.note import Ed25519Signer, sign_note
from corridor.ledger.proof import (
    HEADER,
    MalformedReceiptError,
    Receipt,
    ReceiptVerificationError,
    WitnessPolicy,
    build_receipt,
    format_receipt,
    parse_receipt,
    verify_receipt,
)

ORIGIN = "log.corridor.example/tripp"
LOG = Ed25519Signer.generate(ORIGIN)
WITNESSES = [CosignatureSigner.generate(f"w{i}.example", lambda: 1_700_000_000) for i in range(3)]
POLICY = WitnessPolicy(tuple(w.verifier().vkey for w in WITNESSES), 2)
ENTRIES = [f"event {i}".encode() for i in range(21)]
TREE = MemoryTree(ENTRIES)


def _signed(cosigners: list[CosignatureSigner], signer: Ed25519Signer = LOG) -> bytes:
    text = Checkpoint(ORIGIN, TREE.size, TREE.root()).text()
    return sign_note(text, [signer, *cosigners])


SIGNED = _signed(WITNESSES[:2])
RECEIPT = build_receipt(13, SIGNED, TREE.read_hashes, extra=b"movement 26AM0001")


def test_format_and_parse_round_trip() -> None:
    data = format_receipt(RECEIPT)
    assert data.startswith(
        f"{HEADER}\nextra {base64.b64encode(b'movement 26AM0001').decode()}\n".encode()
    )
    assert b"\nindex 13\n" in data
    assert data.endswith(b"\n\n" + SIGNED)
    assert parse_receipt(data) == RECEIPT
    plain = Receipt(0, (), SIGNED)
    assert parse_receipt(format_receipt(plain)) == plain
    assert format_receipt(plain).startswith(f"{HEADER}\nindex 0\n\n".encode())


def test_verify_with_a_witness_quorum() -> None:
    receipt = parse_receipt(format_receipt(RECEIPT))
    checkpoint = verify_receipt(receipt, ENTRIES[13], LOG.verifier().vkey, policy=POLICY)
    assert checkpoint.size == 21
    verify_receipt(receipt, ENTRIES[13], LOG.verifier().vkey)  # no witness policy


def test_too_few_cosignatures_fail_the_policy() -> None:
    receipt = build_receipt(13, _signed(WITNESSES[:1]), TREE.read_hashes)
    with pytest.raises(ReceiptVerificationError, match="1 of 2"):
        verify_receipt(receipt, ENTRIES[13], LOG.verifier().vkey, policy=POLICY)
    strict = WitnessPolicy(POLICY.vkeys, 3)
    with pytest.raises(ReceiptVerificationError):
        verify_receipt(RECEIPT, ENTRIES[13], LOG.verifier().vkey, policy=strict)


@pytest.mark.parametrize(
    "change",
    ["entry", "index", "proof", "log key", "origin", "unsigned by log"],
)
def test_verification_failures(change: str) -> None:
    receipt, entry, vkey, origin = RECEIPT, ENTRIES[13], LOG.verifier().vkey, None
    if change == "entry":
        entry = ENTRIES[12]
    elif change == "index":
        receipt = Receipt(12, RECEIPT.proof, RECEIPT.checkpoint)
    elif change == "proof":
        flipped = bytes([RECEIPT.proof[0][0] ^ 1]) + RECEIPT.proof[0][1:]
        receipt = Receipt(13, (flipped, *RECEIPT.proof[1:]), RECEIPT.checkpoint)
    elif change == "log key":
        vkey = Ed25519Signer.generate(ORIGIN).verifier().vkey
    elif change == "origin":
        origin = "another.example/log"
    else:
        text = Checkpoint(ORIGIN, TREE.size, TREE.root()).text()
        receipt = Receipt(13, RECEIPT.proof, sign_note(text, WITNESSES))
    with pytest.raises(ReceiptVerificationError):
        verify_receipt(receipt, entry, vkey, origin=origin, policy=POLICY)


def test_the_quorum_must_be_possible() -> None:
    with pytest.raises(ValueError, match="quorum"):
        WitnessPolicy(("a",), 2)


GOOD = format_receipt(RECEIPT).decode()
HASH = base64.b64encode(bytes(32)).decode()


@pytest.mark.parametrize(
    "text",
    [
        GOOD.replace(HEADER, "c2sp.org/tlog-proof@v2"),
        GOOD.replace(HEADER + "\n", ""),
        GOOD.replace("index 13", "index 013"),
        GOOD.replace("index 13", "index -13"),
        GOOD.replace("index 13", "index  13"),
        GOOD.replace("index 13", "Index 13"),
        GOOD.replace("index 13\n", ""),
        GOOD.replace("extra ", "extra  "),
        GOOD.replace("extra ", "extra"),
        GOOD.replace("extra bW92", "extra !!92"),
        GOOD.replace("\nindex 13\n", f"\nindex 13\n{HASH[:-2]}\n"),
        GOOD.replace("\nindex 13\n", f"\nindex 13\n{base64.b64encode(bytes(33)).decode()}\n"),
        GOOD.replace("\nindex 13\n", "\nindex 13\n" + f"{HASH}\n" * 64),
        GOOD.replace("\n\n", "\n", 1),
        GOOD.replace(ORIGIN + "\n21\n", ORIGIN + "\n021\n"),
        GOOD.replace("\n— ", "\n- "),
        GOOD.replace("\n", "\r\n"),
        f"{HEADER}\nextra \nindex 0\n\n" + SIGNED.decode(),
        f"{HEADER}\nindex 0\nextra bW92\n\n" + SIGNED.decode(),
        f"{HEADER}\nindex 0\n\n",
        "",
    ],
)
def test_malformed_receipts_are_rejected(text: str) -> None:
    with pytest.raises(MalformedReceiptError):
        parse_receipt(text.encode())


def test_non_ascii_header_is_rejected() -> None:
    with pytest.raises(MalformedReceiptError):
        parse_receipt(GOOD.replace("index 13", "index 1３").encode())


def test_formatting_refuses_what_it_could_not_parse() -> None:
    with pytest.raises(ValueError, match="63"):
        format_receipt(Receipt(0, (bytes(32),) * 64, SIGNED))
    with pytest.raises(ValueError, match="extra"):
        format_receipt(Receipt(0, (), SIGNED, extra=b""))
