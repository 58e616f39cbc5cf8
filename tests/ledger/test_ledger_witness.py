"""The tlog-witness logic: every answer of add-checkpoint, split views and rollbacks."""

from __future__ import annotations

import base64

import pytest

from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.cosignature import CosignatureSigner, cosignature_timestamp
from corridor.ledger.merkle import EMPTY_ROOT, MemoryTree
from corridor.ledger.note import Ed25519Signer, open_note, sign_note
from corridor.ledger.witness import (
    SIZE_CONTENT_TYPE,
    AddCheckpointRequest,
    BadRequestError,
    InconsistentProofError,
    MemoryWitnessStorage,
    NoValidSignatureError,
    OldSizeConflictError,
    SplitViewError,
    UnknownLogError,
    Witness,
    WitnessError,
    error_response,
    format_add_checkpoint,
    http_status,
    parse_add_checkpoint,
)

ORIGIN = "log.corridor.example/tripp"
NOW = 1_750_000_000
LOG = Ed25519Signer.generate(ORIGIN)
TREE = MemoryTree([f"event {i}".encode() for i in range(40)])
FORK = MemoryTree([f"event {i}".encode() for i in range(10)] + [b"forged"] * 30)


def _signed(size: int, tree: MemoryTree = TREE, signer: Ed25519Signer = LOG) -> bytes:
    return sign_note(Checkpoint(ORIGIN, size, tree.root(size)).text(), [signer])


def _body(old: int, size: int, tree: MemoryTree = TREE, signer: Ed25519Signer = LOG) -> bytes:
    proof = tuple(tree.consistency_proof(old, size)) if old else ()
    return format_add_checkpoint(AddCheckpointRequest(old, proof, _signed(size, tree, signer)))


class Setup:
    def __init__(self) -> None:
        self.cosigner = CosignatureSigner.generate("witness.example/w1", lambda: NOW)
        self.storage = MemoryWitnessStorage()
        self.witness = Witness(self.cosigner, {ORIGIN: [LOG.verifier().vkey]}, self.storage)

    def latest_size(self) -> int:
        latest = self.storage.latest(ORIGIN)
        return latest.size if latest else 0


@pytest.fixture
def setup() -> Setup:
    return Setup()


def _answer(setup: Setup, body: bytes) -> int:
    try:
        setup.witness.add_checkpoint(body)
    except WitnessError as exc:
        return http_status(exc)
    return 200


def test_cosigns_a_growing_log(setup: Setup) -> None:
    for old, size in [(0, 5), (5, 10), (10, 10), (10, 33), (33, 40)]:
        lines = setup.witness.add_checkpoint(_body(old, size))
        assert lines.startswith("— witness.example/w1 ".encode()) and lines.endswith(b"\n")
        note = open_note(_signed(size) + lines, [setup.cosigner.verifier()])
        assert cosignature_timestamp(note.verified[0].signature) == NOW
        assert setup.latest_size() == size


def test_split_view_at_the_same_size_is_422(setup: Setup) -> None:
    setup.witness.add_checkpoint(_body(0, 20))
    with pytest.raises(SplitViewError) as caught:
        setup.witness.add_checkpoint(_body(20, 20, FORK))
    assert http_status(caught.value) == 422
    assert caught.value.cosigned_root == TREE.root(20)
    assert setup.storage.latest(ORIGIN) == Checkpoint(ORIGIN, 20, TREE.root(20))


def test_a_fork_with_a_proof_from_the_other_tree_is_422(setup: Setup) -> None:
    setup.witness.add_checkpoint(_body(0, 20))
    forked_proof = tuple(FORK.consistency_proof(20, 30))
    body = format_add_checkpoint(AddCheckpointRequest(20, forked_proof, _signed(30, FORK)))
    with pytest.raises(InconsistentProofError):
        setup.witness.add_checkpoint(body)
    assert setup.latest_size() == 20


def test_a_corrupted_proof_is_422(setup: Setup) -> None:
    setup.witness.add_checkpoint(_body(0, 7))
    proof = list(TREE.consistency_proof(7, 21))
    proof[-1] = bytes([proof[-1][0] ^ 0x80]) + proof[-1][1:]
    body = format_add_checkpoint(AddCheckpointRequest(7, tuple(proof), _signed(21)))
    assert _answer(setup, body) == 422
    short = format_add_checkpoint(AddCheckpointRequest(7, tuple(proof[:-1]), _signed(21)))
    assert _answer(setup, short) == 422


def test_rollback_is_refused(setup: Setup) -> None:
    setup.witness.add_checkpoint(_body(0, 30))
    assert _answer(setup, _body(30, 30)) == 200
    with pytest.raises(BadRequestError):  # old size above the checkpoint size
        setup.witness.add_checkpoint(b"old 30\n\n" + _signed(20))
    with pytest.raises(OldSizeConflictError) as caught:  # a stale old size
        setup.witness.add_checkpoint(_body(10, 20))
    assert caught.value.latest_size == 30
    response = error_response(caught.value)
    assert (response.status, response.content_type, response.body) == (
        409,
        SIZE_CONTENT_TYPE,
        b"30\n",
    )
    assert setup.latest_size() == 30


def test_a_log_never_cosigned_has_latest_size_zero(setup: Setup) -> None:
    with pytest.raises(OldSizeConflictError) as caught:
        setup.witness.add_checkpoint(_body(5, 10))
    assert caught.value.latest_size == 0


def test_unknown_origin_is_404(setup: Setup) -> None:
    other = Ed25519Signer.generate("other.example/log")
    text = Checkpoint("other.example/log", 5, TREE.root(5)).text()
    body = format_add_checkpoint(AddCheckpointRequest(0, (), sign_note(text, [other])))
    assert _answer(setup, body) == 404
    with pytest.raises(UnknownLogError):
        setup.witness.add_checkpoint(body)


def test_signatures_not_from_the_log_key_are_403(setup: Setup) -> None:
    impostor = Ed25519Signer.generate(ORIGIN)
    assert _answer(setup, _body(0, 5, signer=impostor)) == 403
    forged = _signed(5).replace(b"\n5\n", b"\n6\n")  # the log's signature over other text
    assert _answer(setup, b"old 0\n\n" + forged) == 403
    text = Checkpoint(ORIGIN, 5, TREE.root(5)).text()
    cosigned_only = sign_note(text, [CosignatureSigner.generate("w.example", lambda: NOW)])
    with pytest.raises(NoValidSignatureError):
        setup.witness.add_checkpoint(b"old 0\n\n" + cosigned_only)
    assert setup.storage.latest(ORIGIN) is None


def test_other_signatures_on_the_checkpoint_are_ignored(setup: Setup) -> None:
    text = Checkpoint(ORIGIN, 5, TREE.root(5)).text()
    others = [Ed25519Signer.generate(f"x{i}.example") for i in range(20)]
    signed = sign_note(text, [*others, LOG])
    assert _answer(setup, b"old 0\n\n" + signed) == 200


def test_the_empty_tree(setup: Setup) -> None:
    empty = sign_note(Checkpoint(ORIGIN, 0, EMPTY_ROOT).text(), [LOG])
    assert _answer(setup, b"old 0\n\n" + empty) == 200
    bogus = sign_note(Checkpoint(ORIGIN, 0, TREE.root(1)).text(), [LOG])
    assert _answer(setup, b"old 0\n\n" + bogus) == 422
    assert _answer(setup, _body(0, 3)) == 200


def test_key_rotation_accepts_either_key() -> None:
    new_key = Ed25519Signer.generate(ORIGIN)
    cosigner = CosignatureSigner.generate("w.example", lambda: NOW)
    keys = {ORIGIN: [LOG.verifier().vkey, new_key.verifier().vkey]}
    witness = Witness(cosigner, keys, MemoryWitnessStorage())
    witness.add_checkpoint(_body(0, 4))
    witness.add_checkpoint(_body(4, 9, signer=new_key))
    with pytest.raises(TypeError, match="list of verifier keys"):
        Witness(cosigner, {ORIGIN: LOG.verifier().vkey}, MemoryWitnessStorage())


class RacingStorage(MemoryWitnessStorage):
    """Lets another request commit between our read and our compare-and-swap."""

    def __init__(self, interloper: Checkpoint) -> None:
        super().__init__()
        self.interloper: Checkpoint | None = interloper

    def compare_and_swap(self, origin: str, expected: Checkpoint | None, new: Checkpoint) -> bool:
        if self.interloper is not None:
            assert super().compare_and_swap(origin, expected, self.interloper)
            self.interloper = None
        return super().compare_and_swap(origin, expected, new)


def test_a_racing_request_cannot_roll_the_witness_back() -> None:
    storage = RacingStorage(Checkpoint(ORIGIN, 30, TREE.root(30)))
    witness = Witness(
        CosignatureSigner.generate("w.example", lambda: NOW),
        {ORIGIN: [LOG.verifier().vkey]},
        storage,
    )
    with pytest.raises(OldSizeConflictError) as caught:
        witness.add_checkpoint(_body(0, 10))
    assert caught.value.latest_size == 30
    assert storage.latest(ORIGIN) == Checkpoint(ORIGIN, 30, TREE.root(30))


HASH = base64.b64encode(bytes(32)).decode()
SIGNED_5 = _signed(5).decode()


@pytest.mark.parametrize(
    "body",
    [
        "old 0\n" + SIGNED_5,  # no empty line
        "old 0\n\n\n" + SIGNED_5,
        "old  0\n\n" + SIGNED_5,
        "old 00\n\n" + SIGNED_5,
        "old -1\n\n" + SIGNED_5,
        "old +1\n\n" + SIGNED_5,
        "Old 0\n\n" + SIGNED_5,
        "old\n\n" + SIGNED_5,
        "\n" + SIGNED_5,
        f"old 0\n{HASH}\n\n" + SIGNED_5,  # a proof from size 0 must be empty
        f"old 3\n{HASH[:-1]}\n\n" + SIGNED_5,
        f"old 3\n{base64.b64encode(bytes(31)).decode()}\n\n" + SIGNED_5,
        "old 3\n" + f"{HASH}\n" * 64 + "\n" + SIGNED_5,
        "old 3\r\n\r\n" + SIGNED_5,
        "old ３\n\n" + SIGNED_5,
        "old 0\n\n" + SIGNED_5.replace("\n5\n", "\n05\n"),
        "old 0\n\n" + SIGNED_5.replace("\n— ", "\n-- "),
        "old 0\n\n" + SIGNED_5 + "\n",
        "old 0\n\n" + SIGNED_5[:-1],
        "",
    ],
)
def test_malformed_bodies_are_400(setup: Setup, body: str) -> None:
    with pytest.raises(BadRequestError):
        setup.witness.add_checkpoint(body.encode())
    assert setup.storage.latest(ORIGIN) is None


def test_sixty_three_proof_lines_parse() -> None:
    body = "old 3\n" + f"{HASH}\n" * 63 + "\n" + SIGNED_5
    assert len(parse_add_checkpoint(body.encode()).proof) == 63


def test_every_error_has_exactly_one_status() -> None:
    errors = [
        BadRequestError("x"),
        NoValidSignatureError("x"),
        UnknownLogError("x"),
        OldSizeConflictError(7),
        InconsistentProofError("x"),
        SplitViewError(1, bytes(32), bytes(32)),
    ]
    assert [http_status(e) for e in errors] == [400, 403, 404, 409, 422, 422]
    assert {type(e) for e in errors} == set(_all_subclasses(WitnessError))
    with pytest.raises(TypeError):
        http_status(WitnessError("unmapped"))


def _all_subclasses(cls: type) -> list[type]:
    return [sub for child in cls.__subclasses__() for sub in [child, *_all_subclasses(child)]]
