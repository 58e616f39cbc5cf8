"""ledger.policy: a witness policy as a tree of cosigner groups, and which cosignatures
on a note count (only valid ones, of listed keys); receipts checked against it."""

from __future__ import annotations

import doctest

import pytest

from corridor.ledger import policy as policy_module
from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.cosignature import CosignatureSigner
from corridor.ledger.merkle import MemoryTree
from corridor.ledger.note import Ed25519Signer, KeyFormatError, Signature, sign_note
from corridor.ledger.policy import CosignerGroup, verified_cosigners
from corridor.ledger.proof import ReceiptVerificationError, build_receipt, verify_receipt

LOG = Ed25519Signer.generate("log.test/policy")
WITNESSES = {
    name: CosignatureSigner.generate(f"{name}.witness.test", lambda: 1_790_000_000)
    for name in ("am", "az", "m1", "m2")
}
VKEYS = {name: signer.verifier().vkey for name, signer in WITNESSES.items()}
TREE = MemoryTree([f"entry {i}".encode() for i in range(7)])
TEXT = Checkpoint("log.test/policy", 7, TREE.root()).text()
STATES_AND_A_MONITOR = CosignerGroup(
    "TRIPP",
    3,
    (
        CosignerGroup("AM", 1, (VKEYS["am"],)),
        CosignerGroup("AZ", 1, (VKEYS["az"],)),
        CosignerGroup(
            "monitors",
            1,
            (CosignerGroup("m1", 1, (VKEYS["m1"],)), CosignerGroup("m2", 1, (VKEYS["m2"],))),
        ),
    ),
)


def _cosigned(*names: str, forged: str | None = None) -> bytes:
    note = sign_note(TEXT, [LOG, *(WITNESSES[n] for n in names)])
    if forged is None:
        return note
    signer = WITNESSES[forged]
    bad = Signature(signer.name, signer.key_id, bytes(72))
    return note + bad.line().encode()


def test_only_valid_cosignatures_of_listed_keys_count() -> None:
    keys = tuple(VKEYS.values())
    assert verified_cosigners(_cosigned("am", "m1"), keys) == {VKEYS["am"], VKEYS["m1"]}
    assert verified_cosigners(_cosigned("am", forged="az"), keys) == {VKEYS["am"]}
    assert verified_cosigners(_cosigned("am", "az"), (VKEYS["az"],)) == {VKEYS["az"]}


def test_groups_check_their_quorum_and_keys() -> None:
    with pytest.raises(ValueError, match="quorum"):
        CosignerGroup("g", 2, (VKEYS["am"],))
    with pytest.raises(KeyFormatError):
        CosignerGroup("g", 1, (LOG.verifier().vkey,))  # a log key is not a cosigner key
    nested = CosignerGroup("top", 1, (VKEYS["am"], CosignerGroup("in", 1, (VKEYS["am"],))))
    assert nested.vkeys == (VKEYS["am"],)
    assert CosignerGroup("none", 0, ()).satisfied_by(set())


def test_both_states_and_one_monitor() -> None:
    policy = STATES_AND_A_MONITOR
    assert policy.satisfied_by({VKEYS["am"], VKEYS["az"], VKEYS["m2"]})
    assert policy.unmet({VKEYS["am"], VKEYS["az"]}) == ("monitors",)
    assert policy.unmet({VKEYS["m1"], VKEYS["m2"]}) == ("AM", "AZ")
    assert set(policy.vkeys) == set(VKEYS.values())


def test_a_receipt_is_checked_against_the_group_policy() -> None:
    receipt = build_receipt(3, _cosigned("am", "az", "m1"), TREE.read_hashes)
    vkey = LOG.verifier().vkey
    assert verify_receipt(receipt, b"entry 3", vkey, policy=STATES_AND_A_MONITOR).size == 7
    short = build_receipt(3, _cosigned("am", "m1", "m2", forged="az"), TREE.read_hashes)
    with pytest.raises(ReceiptVerificationError):  # a forged AZ line fails the note
        verify_receipt(short, b"entry 3", vkey, policy=STATES_AND_A_MONITOR)
    missing = build_receipt(3, _cosigned("am", "m1", "m2"), TREE.read_hashes)
    with pytest.raises(ReceiptVerificationError, match="TRIPP not met: no cosignature from AZ"):
        verify_receipt(missing, b"entry 3", vkey, policy=STATES_AND_A_MONITOR)
    verify_receipt(missing, b"entry 3", vkey)  # no policy asked for


def test_the_module_example_runs() -> None:
    result = doctest.testmod(policy_module)
    assert result.attempted > 0 and result.failed == 0
