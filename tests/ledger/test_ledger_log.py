"""The sequencer core: integration, crash recovery, immutability, and fsck."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_testing import entries as _entries

from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.log import (
    CheckpointRaceError,
    LogConflictError,
    LogCorruptionError,
    integrate,
    read_entries,
    tile_hash_reader,
    verify_log,
)
from corridor.ledger.logstore import (
    CrashPoint,
    FaultyLogStorage,
    ImmutableRewriteError,
    InjectedCrash,
    MemoryLogStorage,
    StrictLogStorage,
)
from corridor.ledger.merkle import EMPTY_ROOT, MemoryTree
from corridor.ledger.note import Ed25519Signer, sign_note
from corridor.ledger.proof import build_receipt, verify_receipt
from corridor.ledger.tiles import BundleId, TileId

ORIGIN = "log.corridor.example/tripp"
SIGNER = Ed25519Signer.generate(ORIGIN)
VKEY = SIGNER.verifier().vkey


def _log(size: int) -> StrictLogStorage:
    storage = StrictLogStorage()
    integrate(storage, _entries(0, size), SIGNER, ORIGIN, first_index=0)
    return storage


def _check(storage: MemoryLogStorage, expected: list[bytes]) -> None:
    """The whole-log check run after every scenario."""
    report = verify_log(storage, VKEY)
    assert report.checkpoint.size == len(expected)
    assert report.checkpoint.root == MemoryTree(expected).root()
    assert read_entries(storage, len(expected), 0, len(expected)) == expected


def test_batches_grow_a_verifiable_log() -> None:
    storage, logged = StrictLogStorage(), []
    for count in (0, 1, 254, 1, 1, 300, 0, 1000):
        batch = _entries(len(logged), count)
        result = integrate(storage, batch, SIGNER, ORIGIN, first_index=len(logged))
        logged += batch
        assert result.checkpoint == Checkpoint(ORIGIN, len(logged), MemoryTree(logged).root())
        _check(storage, logged)


def test_a_new_log_publishes_the_empty_tree() -> None:
    storage = StrictLogStorage()
    result = integrate(storage, [], SIGNER, ORIGIN, first_index=0)
    assert result.checkpoint.root == EMPTY_ROOT
    assert verify_log(storage, VKEY).checkpoint.size == 0
    assert integrate(storage, [], SIGNER, ORIGIN, first_index=0) == result


def test_receipts_from_the_stored_tiles_verify() -> None:
    storage = _log(600)
    signed = storage.read_checkpoint()
    assert signed is not None
    for index in (0, 255, 256, 599):
        receipt = build_receipt(index, signed, tile_hash_reader(storage, 600))
        verify_receipt(receipt, _entries(index, 1)[0], VKEY)


def test_rerunning_a_committed_batch_changes_nothing() -> None:
    storage = _log(300)
    before = dict(storage.tiles), dict(storage.bundles), storage.checkpoint
    again = integrate(storage, _entries(0, 300), SIGNER, ORIGIN, first_index=0)
    assert again.checkpoint.size == 300
    assert (storage.tiles, storage.bundles, storage.checkpoint) == before
    tail = integrate(storage, _entries(290, 20), SIGNER, ORIGIN, first_index=290)
    assert tail.checkpoint.size == 310  # the ten already logged are skipped
    _check(storage, _entries(0, 310))


def test_gaps_and_mismatches_are_conflicts() -> None:
    storage = _log(10)
    with pytest.raises(LogConflictError, match="starts at 11"):
        integrate(storage, _entries(11, 1), SIGNER, ORIGIN, first_index=11)
    with pytest.raises(LogConflictError, match="differ"):
        integrate(storage, _entries(5, 10, tag="other"), SIGNER, ORIGIN, first_index=5)
    with pytest.raises(LogConflictError, match="not 'other"):
        integrate(storage, _entries(10, 1), SIGNER, "other.example/log", first_index=10)
    _check(storage, _entries(0, 10))


def test_entries_must_fit_a_bundle() -> None:
    storage = _log(3)
    faulty = FaultyLogStorage(storage, crash_at=None)
    with pytest.raises(ValueError, match="65535"):
        integrate(faulty, [*_entries(3, 300), bytes(65536)], SIGNER, ORIGIN, first_index=3)
    assert faulty.writes == 0
    _check(storage, _entries(0, 3))


class LosingStorage(StrictLogStorage):
    """Another sequencer commits just before our swap."""

    def swap_checkpoint(self, expected_size: int | None, new_size: int, signed: bytes) -> bool:
        return False


def test_a_lost_race_is_reported_and_commits_nothing() -> None:
    storage = LosingStorage()
    with pytest.raises(CheckpointRaceError):
        integrate(storage, _entries(0, 5), SIGNER, ORIGIN, first_index=0)
    assert storage.read_checkpoint() is None


# --- Crashes ------------------------------------------------------------------------

PRE, BATCH = 250, 270  # the batch fills a bundle, a full one, and a partial one


def _writes_of_one_integration() -> int:
    faulty = FaultyLogStorage(_log(PRE), crash_at=None)
    integrate(faulty, _entries(PRE, BATCH), SIGNER, ORIGIN, first_index=PRE)
    return faulty.writes


WRITES = _writes_of_one_integration()


@pytest.mark.parametrize("point", list(CrashPoint))
@pytest.mark.parametrize("crash_at", range(WRITES))
def test_a_crash_at_any_write_then_a_rerun_converges(crash_at: int, point: CrashPoint) -> None:
    storage = _log(PRE)
    faulty = FaultyLogStorage(storage, crash_at, point)
    with pytest.raises(InjectedCrash):
        integrate(faulty, _entries(PRE, BATCH), SIGNER, ORIGIN, first_index=PRE)
    committed = verify_log(storage, VKEY).checkpoint.size  # consistent right after the crash
    assert committed in (PRE, PRE + BATCH)
    integrate(storage, _entries(PRE, BATCH), SIGNER, ORIGIN, first_index=PRE)
    _check(storage, _entries(0, PRE + BATCH))


def test_the_writes_cover_bundles_tiles_and_the_commit() -> None:
    assert WRITES == 3 + 4 + 1  # bundles 0, 1, 2.p; tiles 0/0, 0/1, 0/2.p, 1/0.p; the swap


@settings(max_examples=25, deadline=None)
@given(
    st.integers(0, 600),
    st.integers(0, 600),
    st.lists(st.tuples(st.integers(0, 12), st.sampled_from(CrashPoint)), max_size=4),
)
def test_repeated_crashes_lose_nothing(
    pre: int, count: int, crashes: list[tuple[int, CrashPoint]]
) -> None:
    storage = _log(pre)
    batch = _entries(pre, count)
    for crash_at, point in crashes:
        faulty = FaultyLogStorage(storage, crash_at, point)
        with contextlib.suppress(InjectedCrash):
            integrate(faulty, batch, SIGNER, ORIGIN, first_index=pre)
        verify_log(storage, VKEY)
    integrate(storage, batch, SIGNER, ORIGIN, first_index=pre)
    _check(storage, _entries(0, pre + count))


def test_reusing_an_index_after_a_crash_hits_the_immutability_fake() -> None:
    storage = _log(PRE)
    with pytest.raises(InjectedCrash):  # bundles and tiles written, no commit
        integrate(
            FaultyLogStorage(storage, WRITES - 1),
            _entries(PRE, BATCH),
            SIGNER,
            ORIGIN,
            first_index=PRE,
        )
    with pytest.raises(ImmutableRewriteError):
        integrate(storage, _entries(PRE, BATCH, tag="other"), SIGNER, ORIGIN, first_index=PRE)


# --- The strict fake itself ---------------------------------------------------------


def test_the_strict_fake_refuses_different_bytes_at_any_written_path() -> None:
    storage = StrictLogStorage()
    storage.write_tile(TileId(0, 0, 1), bytes(32))
    storage.write_tile(TileId(0, 0, 1), bytes(32))
    with pytest.raises(ImmutableRewriteError):
        storage.write_tile(TileId(0, 0, 1), b"\x01" * 32)
    storage.write_bundle(BundleId(0), b"\x00\x00" * 256)
    with pytest.raises(ImmutableRewriteError):
        storage.write_bundle(BundleId(0), b"\x00\x01a" * 256)
    assert storage.swap_checkpoint(None, 1, b"one")
    assert storage.swap_checkpoint(1, 1, b"one")
    with pytest.raises(ImmutableRewriteError):
        storage.swap_checkpoint(1, 1, b"another one")
    assert storage.swap_checkpoint(1, 2, b"two")
    with pytest.raises(ImmutableRewriteError):
        storage.swap_checkpoint(2, 1, b"one")


def test_compare_and_swap_checks_the_size() -> None:
    storage = MemoryLogStorage()
    assert not storage.swap_checkpoint(0, 1, b"x")
    assert storage.swap_checkpoint(None, 0, b"empty")
    assert not storage.swap_checkpoint(None, 1, b"x")
    assert not storage.swap_checkpoint(3, 4, b"x")
    assert storage.swap_checkpoint(0, 4, b"four")
    assert storage.read_checkpoint() == b"four"


# --- fsck ---------------------------------------------------------------------------


def _corrupt(storage: MemoryLogStorage, what: str) -> None:
    if what == "full tile":
        storage.tiles[TileId(0, 1)] = bytes(8192)
    elif what == "partial tile":
        storage.tiles[TileId(1, 0, 2)] = bytes(64)
    elif what == "missing tile":
        del storage.tiles[TileId(0, 2, 88)]
    elif what == "entry":
        data = storage.bundles[BundleId(1)]
        storage.bundles[BundleId(1)] = data[:-1] + b"!"
    elif what == "bundle length":
        storage.bundles[BundleId(2, 88)] += b"\x00"
    elif what == "missing bundle":
        del storage.bundles[BundleId(0)]
    elif what == "checkpoint key":
        other = Ed25519Signer.generate(ORIGIN)
        text = Checkpoint(ORIGIN, 600, MemoryTree(_entries(0, 600)).root()).text()
        storage.checkpoint = (600, sign_note(text, [other]))
    elif what == "checkpoint root":
        storage.checkpoint = (600, sign_note(Checkpoint(ORIGIN, 600, bytes(32)).text(), [SIGNER]))
    else:
        storage.checkpoint = None


@pytest.mark.parametrize(
    "what",
    [
        "full tile",
        "partial tile",
        "missing tile",
        "entry",
        "bundle length",
        "missing bundle",
        "checkpoint key",
        "checkpoint root",
        "no checkpoint",
    ],
)
def test_fsck_finds_corruption(what: str) -> None:
    storage = _log(600)
    verify_log(storage, VKEY)
    _corrupt(storage, what)
    with pytest.raises(LogCorruptionError):
        verify_log(storage, VKEY)


@pytest.mark.parametrize("what", ["partial tile", "missing tile", "checkpoint root"])
def test_integration_refuses_to_build_on_corrupt_tiles(what: str) -> None:
    storage = _log(600)
    _corrupt(storage, what)
    with pytest.raises(LogCorruptionError):
        integrate(storage, _entries(600, 1), SIGNER, ORIGIN, first_index=600)


def test_fsck_counts_what_it_checked() -> None:
    report = verify_log(_log(600), VKEY)
    assert (report.entries, report.tiles) == (600, 4)  # 0/0, 0/1, 0/2.p/88, 1/0.p/2


def test_a_log_with_three_tile_levels() -> None:
    storage, logged = StrictLogStorage(), 0
    for count in (40000, 25536, 4464):
        integrate(storage, _entries(logged, count), SIGNER, ORIGIN, first_index=logged)
        logged += count
    report = verify_log(storage, VKEY)
    assert report.checkpoint.size == 70000
    assert TileId(2, 0, 1) in storage.tiles
    assert report.checkpoint.root == MemoryTree(_entries(0, 70000)).root()
