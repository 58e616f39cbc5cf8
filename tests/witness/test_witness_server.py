"""The witness over HTTP (httpx against the ASGI app): every tlog-witness answer, split
views and rollbacks refused, state kept across a restart, racing adds."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from witness_testing import RunningWitness, asgi_post, make_witness, serving, witness_app

from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.cosignature import cosignature_timestamp
from corridor.ledger.merkle import MemoryTree
from corridor.ledger.note import Ed25519Signer, open_note, sign_note
from corridor.ledger.witness import (
    AddCheckpointRequest,
    OldSizeConflictError,
    Witness,
    format_add_checkpoint,
)
from corridor.witness.server import MAX_BODY
from corridor.witness.storage import SqliteWitnessStorage

ORIGIN = "log.test/example"
LOG = Ed25519Signer.generate(ORIGIN)
TREE = MemoryTree([f"entry {i}".encode() for i in range(64)])
FORK = MemoryTree([f"other entry {i}".encode() for i in range(64)])


def signed(size: int, tree: MemoryTree = TREE, signer: Ed25519Signer = LOG) -> bytes:
    return sign_note(Checkpoint(signer.name, size, tree.root(size)).text(), [signer])


def body(
    old: int,
    size: int,
    *,
    tree: MemoryTree = TREE,
    proof: list[bytes] | None = None,
    note: bytes | None = None,
) -> bytes:
    proof = tree.consistency_proof(old, size) if proof is None else proof
    note = signed(size, tree) if note is None else note
    return format_add_checkpoint(AddCheckpointRequest(old, tuple(proof), note))


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[RunningWitness]:
    running = make_witness(tmp_path, "w1", "AM", {ORIGIN: [LOG.verifier().vkey]})
    yield running
    running.storage.close()


def post(witness: RunningWitness, data: bytes) -> httpx.Response:
    return asgi_post(witness_app(witness), "/add-checkpoint", data)


def latest_size(witness: RunningWitness) -> int:
    latest = witness.storage.latest(ORIGIN)
    return 0 if latest is None else latest.size


def test_cosigns_a_growing_log_with_a_cosignature_that_verifies(witness: RunningWitness) -> None:
    for old, size in [(0, 10), (10, 37), (37, 37), (37, 64)]:
        response = post(witness, body(old, size))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/plain; charset=utf-8"
        note = open_note(signed(size) + response.content, [witness.signer.verifier()])
        assert [s.name for s in note.verified] == [witness.signer.name]
        assert cosignature_timestamp(note.verified[0].signature) > 0
        assert latest_size(witness) == size


def test_unknown_origin_is_404(witness: RunningWitness) -> None:
    other = Ed25519Signer.generate("other.test/log")
    response = post(witness, body(0, 5, note=signed(5, signer=other)))
    assert response.status_code == 404 and "unknown log" in response.text


def test_a_checkpoint_not_signed_by_the_log_key_is_403(witness: RunningWitness) -> None:
    impostor = Ed25519Signer.generate(ORIGIN)  # same name, another key
    response = post(witness, body(0, 5, note=signed(5, signer=impostor)))
    assert response.status_code == 403
    assert latest_size(witness) == 0


def test_an_old_size_above_the_checkpoint_size_is_400(witness: RunningWitness) -> None:
    response = post(witness, body(0, 5, proof=[], note=signed(5)).replace(b"old 0", b"old 9"))
    assert response.status_code == 400 and "old size" in response.text


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"old 0\n",
        b"old 0\n\nnot a checkpoint\n",
        b"old 01\n\n" + signed(3),
        b"new 0\n\n" + signed(3),
        b"old 0\nnot-base64!\n\n" + signed(3),
        b"old 0\n\n" + signed(3).replace(b"\n\n", b"\n\xff\n\n"),
        b"old -1\n\n" + signed(3),
    ],
    ids=["empty", "no-checkpoint", "garbage", "leading-zero", "not-old", "bad-hash", "utf8", "neg"],
)
def test_malformed_bodies_are_400(witness: RunningWitness, data: bytes) -> None:
    assert post(witness, data).status_code == 400
    assert latest_size(witness) == 0


def test_a_body_too_large_is_refused_unread(witness: RunningWitness) -> None:
    response = post(witness, b"old 0\n" + b"A" * (MAX_BODY + 1))
    assert response.status_code == 413


def test_a_wrong_old_size_is_409_with_the_latest_size(witness: RunningWitness) -> None:
    assert post(witness, body(0, 10)).status_code == 200
    response = post(witness, body(5, 20))
    assert response.status_code == 409
    assert response.headers["content-type"] == "text/x.tlog.size"
    assert response.content == b"10\n"
    assert post(witness, body(0, 20)).content == b"10\n"


def test_a_proof_that_does_not_verify_is_422(witness: RunningWitness) -> None:
    assert post(witness, body(0, 10)).status_code == 200
    proof = TREE.consistency_proof(10, 20)
    proof[0] = bytes([proof[0][0] ^ 1]) + proof[0][1:]
    assert post(witness, body(10, 20, proof=proof)).status_code == 422
    assert post(witness, body(10, 20, proof=[])).status_code == 422
    assert latest_size(witness) == 10


def test_a_split_view_is_refused(witness: RunningWitness) -> None:
    """Same size, another root, signed by the log's own key: never cosigned."""
    assert post(witness, body(0, 20)).status_code == 200
    response = post(witness, body(20, 20, tree=FORK))
    assert response.status_code == 422 and "two roots" in response.text
    # Nor can the fork be grown past it: its proof is from another tree.
    assert post(witness, body(20, 30, tree=FORK)).status_code == 422
    assert witness.storage.latest(ORIGIN) == Checkpoint(ORIGIN, 20, TREE.root(20))


def test_a_rollback_is_refused(witness: RunningWitness) -> None:
    assert post(witness, body(0, 30)).status_code == 200
    assert post(witness, body(30, 12, proof=[])).status_code == 400  # old > size
    rolled_back = post(witness, body(12, 12))
    assert rolled_back.status_code == 409 and rolled_back.content == b"30\n"
    assert post(witness, body(0, 12)).status_code == 409
    assert latest_size(witness) == 30


def test_the_state_survives_a_restart(tmp_path: Path, witness: RunningWitness) -> None:
    assert post(witness, body(0, 25)).status_code == 200
    witness.storage.close()
    witness.storage = SqliteWitnessStorage(tmp_path / "w1.sqlite")
    assert witness.storage.known_logs() == {ORIGIN: [LOG.verifier().vkey]}
    assert post(witness, body(0, 40)).content == b"25\n"  # it did not forget size 25
    assert post(witness, body(25, 25, tree=FORK)).status_code == 422  # nor its root
    assert post(witness, body(25, 40)).status_code == 200
    assert latest_size(witness) == 40


def test_racing_adds_over_http_cosign_exactly_one(witness: RunningWitness) -> None:
    """Twelve requests from the same old size at once: one wins, the rest get 409."""
    assert post(witness, body(0, 10)).status_code == 200
    sizes = range(11, 23)
    with serving(witness_app(witness)) as url:
        statuses = _race(
            lambda size: httpx.post(f"{url}/add-checkpoint", content=body(10, size)), sizes
        )
    assert sorted(statuses.values()).count(200) == 1
    assert sorted(statuses.values()).count(409) == len(sizes) - 1
    winner = next(size for size, status in statuses.items() if status == 200)
    assert latest_size(witness) == winner


def test_two_witness_processes_on_one_state_file_never_both_swap(
    tmp_path: Path, witness: RunningWitness
) -> None:
    """Separate connections to one file race on the compare-and-swap itself."""
    assert post(witness, body(0, 10)).status_code == 200
    stores = [SqliteWitnessStorage(tmp_path / "w1.sqlite") for _ in range(8)]
    witnesses = [Witness(witness.signer, {ORIGIN: [LOG.verifier().vkey]}, s) for s in stores]
    expected = Checkpoint(ORIGIN, 10, TREE.root(10))
    outcomes = _race(
        lambda i: stores[i].compare_and_swap(
            ORIGIN, expected, Checkpoint(ORIGIN, 11 + i, TREE.root(11 + i))
        ),
        range(8),
    )
    assert list(outcomes.values()).count(True) == 1
    winner = next(i for i, won in outcomes.items() if won)
    assert latest_size(witness) == 11 + winner
    stale = witnesses[(winner + 1) % 8]
    with pytest.raises(OldSizeConflictError):
        stale.add_checkpoint(body(10, 30))
    for store in stores:
        store.close()


def _race(action: Callable[[int], object], keys: range) -> dict[int, object]:
    barrier = threading.Barrier(len(keys))
    results: dict[int, object] = {}

    def run(key: int) -> None:
        barrier.wait()
        response = action(key)
        results[key] = response.status_code if isinstance(response, httpx.Response) else response

    threads = [threading.Thread(target=run, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == len(keys)
    return results
