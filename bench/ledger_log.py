"""Benchmark of the transparency-log core on an in-memory tiled log.

    .venv/bin/python -m bench.ledger_log [--entries N] [--batch B]

Integrates N entries in batches of B (bundles, tiles, root from tiles, signed
checkpoint per batch), then serves inclusion and consistency proofs from the tiles,
verifies receipts offline, and runs the whole-log check. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from corridor.ledger.log import integrate, tile_hash_reader, verify_log
from corridor.ledger.logstore import MemoryLogStorage
from corridor.ledger.merkle import (
    consistency_proof,
    inclusion_proof,
    root_hash,
    verify_consistency,
)
from corridor.ledger.note import Ed25519Signer
from corridor.ledger.proof import build_receipt, verify_receipt

ORIGIN = "bench.corridor.example/log"


def _entry(i: int) -> bytes:
    return f'{{"commitment":"{i:064x}","mrn":"26AM{i:012d}","type":"movement.passed"}}'.encode()


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run(entries: int, batch: int, samples: int = 2000) -> list[tuple[str, str]]:
    """Rows of (measure, result)."""
    signer = Ed25519Signer.generate(ORIGIN)
    storage = MemoryLogStorage()

    def integrate_all() -> None:
        for start in range(0, entries, batch):
            chunk = [_entry(i) for i in range(start, min(start + batch, entries))]
            integrate(storage, chunk, signer, ORIGIN, first_index=start)

    rows = [("entries", f"{entries:,} in batches of {batch:,}")]
    seconds = _timed(integrate_all)
    rows.append(("integrate", f"{entries / seconds:,.0f} entries/s ({seconds:.1f} s)"))
    rows.append(("tiles stored", f"{len(storage.tiles):,}"))
    read = tile_hash_reader(storage, entries)
    rng = random.Random(7)
    indexes = [rng.randrange(entries) for _ in range(samples)]
    seconds = _timed(lambda: [inclusion_proof(i, entries, read) for i in indexes])
    proof_length = len(inclusion_proof(indexes[0], entries, read))
    rows.append(
        ("inclusion proof from tiles", f"{samples / seconds:,.0f}/s, {proof_length} hashes")
    )
    olds = [rng.randrange(1, entries) for _ in range(samples)]
    seconds = _timed(lambda: [consistency_proof(o, entries, read) for o in olds])
    rows.append(("consistency proof from tiles", f"{samples / seconds:,.0f}/s"))
    rows.append(_receipts(storage, signer, entries, indexes[:500]))
    rows.append(_consistency_check(storage, entries, olds[0]))
    seconds = _timed(lambda: verify_log(storage, signer.verifier().vkey))
    rows.append(("verify_log (fsck)", f"{entries / seconds:,.0f} entries/s ({seconds:.1f} s)"))
    return rows


def _receipts(
    storage: MemoryLogStorage, signer: Ed25519Signer, size: int, indexes: list[int]
) -> tuple[str, str]:
    signed = storage.read_checkpoint()
    assert signed is not None
    read = tile_hash_reader(storage, size)
    receipts = [build_receipt(i, signed, read) for i in indexes]
    vkey = signer.verifier().vkey
    seconds = _timed(lambda: [verify_receipt(r, _entry(r.index), vkey) for r in receipts])
    return ("receipt verification (signature + proof)", f"{len(indexes) / seconds:,.0f}/s")


def _consistency_check(storage: MemoryLogStorage, size: int, old: int) -> tuple[str, str]:
    read = tile_hash_reader(storage, size)  # older trees are read from the current tiles
    proof = consistency_proof(old, size, read)
    verify_consistency(old, size, root_hash(old, read), root_hash(size, read), proof)
    return ("consistency proof length", f"{len(proof)} hashes ({old:,} -> {size:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=4096)
    args = parser.parse_args()
    print("| measure | result |\n|---|---|")
    for measure, result in run(args.entries, args.batch):
        print(f"| {measure} | {result} |")


if __name__ == "__main__":
    main()
