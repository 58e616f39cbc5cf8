"""In-memory log integration against hashlib SHA-256's limit on the same box.

    python -m bench.log_integration [--entries N] [--no-write]

The limit is the hashing integration cannot avoid: SHA-256 of 0x00 || entry for every
leaf and of 0x01 || left || right for every interior node (n - 1 of them), computed in
the tightest loop hashlib allows (a stack of subtree roots, nothing stored). Integration
is ``ledger.log.integrate`` on a ``MemoryLogStorage``, batch after batch as the sequencer
runs it: entry bundles, hash tiles, the root read back from the tiles, one Ed25519
signature and the checkpoint swap per batch. Its rate is reported as a share of the
limit, measured in the same run. Target: at least 40 %.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Sequence
from functools import partial

from bench.log_report import best_of, machine, table, write_section
from corridor.ledger.checkpoint import parse_checkpoint
from corridor.ledger.log import integrate
from corridor.ledger.logstore import MemoryLogStorage
from corridor.ledger.note import Ed25519Signer, split_note
from corridor.log_service import BATCH

ORIGIN = "bench.corridor.example/log"
TARGET = 0.40
SEQUENCER_BATCH = BATCH
BATCHES = (256, SEQUENCER_BATCH)


def entries(count: int) -> list[bytes]:
    """Entries shaped like corridor's (canonical JSON, ~190 bytes, a commitment)."""
    return [
        (
            f'{{"commitment":"{hashlib.sha256(str(i).encode()).hexdigest()}",'
            f'"format":1,"mrn":"26AM0NRN01{i:07d}X","office":"AM0NRN01",'
            f'"time":"2026-11-23T08:00:00Z","type":"movement.record_passage"}}'
        ).encode()
        for i in range(count)
    ]


def hashing_limit(batch: Sequence[bytes]) -> bytes:
    """The tree root with exactly the leaf and node hashes RFC 9162 needs, no storage."""
    sha256 = hashlib.sha256
    stack: list[tuple[int, bytes]] = []
    for entry in batch:
        size, digest = 1, sha256(b"\x00" + entry).digest()
        while stack and stack[-1][0] == size:
            digest = sha256(b"\x01" + stack.pop()[1] + digest).digest()
            size *= 2
        stack.append((size, digest))
    root = stack.pop()[1]
    while stack:
        root = sha256(b"\x01" + stack.pop()[1] + root).digest()
    return root


def integrate_all(batch_entries: Sequence[bytes], batch: int) -> MemoryLogStorage:
    signer = Ed25519Signer.generate(ORIGIN)
    storage = MemoryLogStorage()
    for start in range(0, len(batch_entries), batch):
        chunk = batch_entries[start : start + batch]
        integrate(storage, chunk, signer, ORIGIN, first_index=start)
    return storage


def run(count: int, runs: int = 3) -> tuple[str, bool]:
    """The section text, and whether the sequencer's batch size met the target."""
    data = entries(count)
    limit = best_of(runs, lambda: hashing_limit(data))
    rows = [["hashlib SHA-256 limit (2n - 1 hashes, nothing stored)", _rate(count, limit), "100%"]]
    shares = {}
    for batch in BATCHES:
        seconds = best_of(runs, partial(integrate_all, data, batch))
        shares[batch] = limit / seconds
        label = f"`ledger.log.integrate`, batches of {batch:,}"
        rows.append([label, _rate(count, seconds), f"{shares[batch]:.0%}"])
    _check_same_root(data)
    met = shares[SEQUENCER_BATCH] >= TARGET
    text = (
        "## Log: in-memory integration against the SHA-256 limit\n\n"
        f"`python -m bench.log_integration --entries {count}`, {machine()}. "
        f"{count:,} entries of {len(data[0])} bytes; best of {runs} runs, the limit and "
        "integration measured in the same run (the box is shared: only their ratio means "
        "much). Integration builds bundles and tiles, reads the root back from the tiles "
        "and signs a checkpoint per batch; the roots of both are checked equal. "
        f"Target: integration at least {TARGET:.0%} of the limit at the sequencer's batch "
        f"size ({SEQUENCER_BATCH:,}).\n\n"
        + table(["what", "entries/s", "share of the limit"], rows, "lrr")
        + f"\n\nTarget {'met' if met else '**not met**'} "
        f"({shares[SEQUENCER_BATCH]:.0%} at {SEQUENCER_BATCH:,}). Smaller batches pay "
        "the per-batch costs (signature, root read back from the tiles, partial tiles "
        "rewritten) more often."
    )
    return text, met


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}"


def _check_same_root(data: Sequence[bytes]) -> None:
    """The benchmark's limit loop and the integrated log agree on the root."""
    storage = integrate_all(data, BATCHES[-1])
    signed = storage.read_checkpoint()
    assert signed is not None
    assert parse_checkpoint(split_note(signed)[0]).root == hashing_limit(data)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=200_000)
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    args = parser.parse_args(argv)
    text, _met = run(args.entries)
    print(text)
    if not args.no_write:
        write_section("log-integration", text)


if __name__ == "__main__":
    main()
