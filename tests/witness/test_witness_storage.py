"""The witness's SQLite state on its own: compare-and-swap, known logs, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from corridor.ledger.checkpoint import Checkpoint
from corridor.ledger.note import Ed25519Signer, KeyFormatError
from corridor.witness.storage import SqliteWitnessStorage, WitnessStateError

ORIGIN = "log.test/storage"
A, B, C = (Checkpoint(ORIGIN, size, bytes([size]) * 32) for size in (3, 5, 9))


def test_compare_and_swap_stores_only_over_the_expected_checkpoint(tmp_path: Path) -> None:
    storage = SqliteWitnessStorage(tmp_path / "w.sqlite", create=True)
    assert storage.latest(ORIGIN) is None
    assert storage.compare_and_swap(ORIGIN, None, A)
    assert not storage.compare_and_swap(ORIGIN, None, B)  # a first checkpoint exists
    assert not storage.compare_and_swap(ORIGIN, B, C)  # B was never stored
    same_size_other_root = Checkpoint(ORIGIN, 3, bytes(32))
    assert not storage.compare_and_swap(ORIGIN, same_size_other_root, B)
    assert storage.compare_and_swap(ORIGIN, A, B)
    assert storage.latest(ORIGIN) == B
    with pytest.raises(ValueError, match="stored as"):
        storage.compare_and_swap("other.test/log", None, C)
    storage.close()
    assert SqliteWitnessStorage(tmp_path / "w.sqlite").latest(ORIGIN) == B


def test_logs_are_added_never_removed_and_keys_accumulate(tmp_path: Path) -> None:
    storage = SqliteWitnessStorage(tmp_path / "w.sqlite", create=True)
    first, second = (Ed25519Signer.generate(ORIGIN).verifier().vkey for _ in range(2))
    assert storage.add_log(ORIGIN, first)
    assert not storage.add_log(ORIGIN, first)
    assert storage.add_log(ORIGIN, second)
    assert storage.known_logs() == {ORIGIN: [first, second]}
    with pytest.raises(KeyFormatError):
        storage.add_log("has space", first)
    with pytest.raises(KeyFormatError):
        storage.add_log(ORIGIN, "not a key")
    storage.close()


def test_a_missing_or_foreign_state_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(WitnessStateError, match="no witness state"):
        SqliteWitnessStorage(tmp_path / "absent.sqlite")
    assert not (tmp_path / "absent.sqlite").exists()
    foreign = tmp_path / "foreign.sqlite"
    foreign.write_bytes(b"this is not a database" * 100)
    with pytest.raises(WitnessStateError, match="not a witness state"):
        SqliteWitnessStorage(foreign)
