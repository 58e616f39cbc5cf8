"""Tree roots and inclusion proofs: corridor against pymerkle (PyPI), side by side.

    python -m bench.log_pymerkle [--entries N] [--samples K] [--no-write]

Both hash RFC 9162 trees (pymerkle's InmemoryTree with its default security prefixes
0x00 / 0x01), so the roots must be equal, and the benchmark checks they are at every
size it samples. corridor is measured twice: ``ledger.merkle.MemoryTree`` (the same
job as pymerkle's in-memory tree) and the production path, proofs read from the hash
tiles of a log built by ``ledger.log.integrate``.
"""

from __future__ import annotations

import argparse
import random
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from bench.log_integration import entries, integrate_all
from bench.log_report import best_of, machine, table, write_section
from corridor.ledger.log import tile_hash_reader
from corridor.ledger.merkle import (
    MemoryTree,
    inclusion_proof,
    leaf_hash,
    root_hash,
    verify_inclusion,
)


@dataclass(frozen=True)
class Row:
    what: str
    corridor: float
    tiles: float | None
    pymerkle: float
    unit: int


def run(count: int, samples: int, runs: int = 3) -> str:
    import pymerkle

    data = entries(count)
    rng = random.Random(7)
    sizes = [rng.randrange(1, count + 1) for _ in range(samples)]
    pairs = [(rng.randrange(size), size) for size in sizes]

    ours, theirs = MemoryTree(), pymerkle.InmemoryTree(algorithm="sha256")
    build = Row(
        "append every entry",
        best_of(1, lambda: [ours.append(e) for e in data]),
        best_of(1, lambda: integrate_all(data, 4096)),
        best_of(1, lambda: [theirs.append_entry(e) for e in data]),
        count,
    )
    storage = integrate_all(data, 4096)
    read = tile_hash_reader(storage, count)
    roots = Row(
        "root at a random size",
        best_of(runs, lambda: [ours.root(s) for s in sizes]),
        best_of(runs, lambda: [root_hash(s, read) for s in sizes]),
        best_of(runs, lambda: [theirs.get_root(s) for s in sizes]),
        samples,
    )
    _check_roots(sizes, ours, theirs, read)
    proofs = Row(
        "inclusion proof",
        best_of(runs, lambda: [ours.inclusion_proof(i, s) for i, s in pairs]),
        best_of(runs, lambda: [inclusion_proof(i, s, read) for i, s in pairs]),
        best_of(runs, lambda: [theirs.prove_inclusion(i + 1, s) for i, s in pairs]),
        samples,
    )
    checks = _verification_row(data, pairs, ours, theirs, runs)
    return _section(count, samples, runs, [build, roots, proofs, checks], version("pymerkle"))


def _check_roots(sizes: Sequence[int], ours: MemoryTree, theirs: Any, read: Any) -> None:
    for size in sizes:
        expected = ours.root(size)
        assert theirs.get_root(size) == expected, f"pymerkle's root differs at {size}"
        assert root_hash(size, read) == expected, f"the tiles' root differs at {size}"


def _verification_row(
    data: Sequence[bytes],
    pairs: Sequence[tuple[int, int]],
    ours: MemoryTree,
    theirs: Any,
    runs: int,
) -> Row:
    import pymerkle

    our_proofs = [(i, s, ours.inclusion_proof(i, s), ours.root(s)) for i, s in pairs]
    their_proofs = [
        (theirs.get_leaf(i + 1), theirs.get_root(s), theirs.prove_inclusion(i + 1, s))
        for i, s in pairs
    ]

    def verify_ours() -> None:
        for i, s, proof, root in our_proofs:
            verify_inclusion(leaf_hash(data[i]), i, s, proof, root)

    def verify_theirs() -> None:
        for entry, root, proof in their_proofs:
            pymerkle.verify_inclusion(entry, root, proof)

    return Row(
        "verify an inclusion proof",
        best_of(runs, verify_ours),
        None,
        best_of(runs, verify_theirs),
        len(pairs),
    )


def _section(count: int, samples: int, runs: int, rows: Sequence[Row], pymerkle: str) -> str:
    body = [
        [
            row.what,
            _rate(row.unit, row.corridor),
            "—" if row.tiles is None else _rate(row.unit, row.tiles),
            _rate(row.unit, row.pymerkle),
            f"{row.pymerkle / row.corridor:.1f}×",
        ]
        for row in rows
    ]
    header = ["operation (per second)", "corridor MemoryTree", "corridor from tiles"]
    header += [f"pymerkle {pymerkle}", "MemoryTree ÷ pymerkle"]
    return "\n".join(
        [
            "## Log: roots and inclusion proofs, corridor and pymerkle",
            "",
            f"`python -m bench.log_pymerkle --entries {count} --samples {samples}`, "
            f"{machine()}. {count:,} entries; {samples:,} random sizes and (index, size) "
            f"pairs; best of {runs} runs (appending: one run). Roots checked equal at "
            "every sampled size, from pymerkle, from MemoryTree and from the tiles. "
            '"From tiles" is the production path: the tree integrated into tlog-tiles '
            "(appending there includes bundles, tiles and one signed checkpoint per 4,096 "
            "entries), proofs read from the stored tiles.",
            "",
            table(header, body, "lrrrr"),
        ]
    )


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=2_000)
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # pymerkle's own
        text = run(args.entries, args.samples)
    print(text)
    if not args.no_write:
        write_section("log-pymerkle", text)


if __name__ == "__main__":
    main()
