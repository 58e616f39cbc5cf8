"""Screening one declaration as lodging does (`Screening.prepare`), with new party names.

    python -m bench.screening_lodging [--declarations N] [--runs R] [--turns T]
                                      [--large NAMES] [--reference REV] [--no-write]

Each declaration is the example one with its own holder, consignor, consignee and vehicle,
drawn from a seed: a quarter of the names are near misses of listed names (another
script: Latin, Russian Cyrillic, Armenian, Azerbaijani Latin in ASCII; a typo; a word
dropped or swapped), the others persons and companies that are not listed, in Latin or
Cyrillic (`bench.screening_data`). Every round screens declarations never screened
before in that process (after a warm-up on others), so that no figure comes from
screening one name twice; the time is the process's CPU time, best of ``--runs`` rounds.

Lists: the shipped ones (data/watchlists, what `corridor serve` screens against), and a
large set: those, the evaluation entities and ``--large`` synthetic names in a list file.
A third row screens the example declaration's own parties every time, as
`bench.lodging_profile` lodges it.

Peers, measured in the same run:

- the old algorithm: the same measurement on the code of ``--reference`` (the commit
  before screening was made cheaper; `git archive` of its src/ into a temporary folder),
  each in fresh processes, the two taking ``--turns`` turns (best of each);
- a plain rapidfuzz loop: for each party, ``process.extract`` over every listed name
  (token_sort_ratio, score_cutoff 80): one C call a party, no transliteration.
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
import random
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any

from bench.log_report import machine, table, write_section
from bench.screening_data import (
    azerbaijani_to_ascii,
    evaluation_set,
    latin_to_armenian,
    latin_to_russian,
    russian_to_latin,
    synthetic_names,
    typo,
)
from corridor.paths import project_root

ROOT = project_root()
EXAMPLE = ROOT / "examples" / "road-horadiz-nakhchivan.json"
REFERENCE = "017ec9b"  # main before screening was made cheaper
NEAR_MISS_SHARE = 0.25
SHIPPED, LARGE = "shipped lists", "shipped + large list"
EXAMPLE_EVERY_TIME = "shipped lists, the example's own parties every time"
_AZERBAIJANI_LETTERS = frozenset("əğışçöüƏĞIŞÇÖÜİ")


# --- declarations -----------------------------------------------------------------------


def listed_names(sources: Sequence[Path]) -> list[str]:
    """Every name and alias of the shipped lists (read with corridor's own readers)."""
    from corridor.screening.lists import ListSource, load_list

    return [n for p in sources for e in load_list(ListSource(p)).entities for n in e.names]


def near_miss(name: str, rng: random.Random) -> str:
    """A listed name as another register might hold it: respelt, typo'd, reordered."""
    words = [_respelt(w, rng) for w in name.split()]
    if len(words) > 2 and rng.random() < 0.3:
        words.pop(rng.randrange(len(words)))
    if rng.random() < 0.5:
        at = rng.randrange(len(words))
        words[at] = typo(words[at], rng)
    if len(words) > 1 and rng.random() < 0.3:
        words.reverse()
    return " ".join(words)


def _respelt(word: str, rng: random.Random) -> str:
    if not word.isalpha() or rng.random() < 0.4:
        return word
    if set(word) & _AZERBAIJANI_LETTERS:
        return azerbaijani_to_ascii(word, rng)
    if word.isascii():
        if rng.random() < 0.5:
            return latin_to_russian(word, rng, armenian=True)
        return latin_to_armenian(word, rng)
    if all("\u0400" <= ch <= "\u04ff" for ch in word):
        return russian_to_latin(word, rng.choice(("bgn", "german", "iso")))
    return word


def party_names(count: int, listed: Sequence[str], seed: int) -> list[str]:
    """``count`` names: near misses of ``listed`` and names of nobody listed."""
    rng = random.Random(seed)
    others = [name for _, name in synthetic_names(count, seed=seed)]
    return [
        near_miss(rng.choice(listed), rng) if rng.random() < NEAR_MISS_SHARE else other
        for other in others
    ]


def declarations(
    count: int, listed: Sequence[str], seed: int, same: bool = False
) -> list[dict[str, Any]]:
    """The example declaration ``count`` times, each with new parties and plate (or, if
    ``same``, its own parties every time, as `bench.lodging_profile` lodges it)."""
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    if same:
        return [{**base, "lrn": f"BENCH-{seed}-{number}"} for number in range(count)]
    names = iter(party_names(3 * count, listed, seed))
    rng = random.Random(seed)
    out = []
    for number in range(count):
        data = copy.deepcopy(base)
        data["lrn"] = f"BENCH-{seed}-{number}"
        data["holder"]["name"] = next(names)
        consignment = data["consignments"][0]
        consignment["consignor"]["name"] = next(names)
        consignment["consignee"]["name"] = next(names)
        plate = f"{rng.randrange(10, 99)}-{_letters(rng)}-{rng.randrange(100, 999)}"
        data["transport"]["vehicle"]["plate"] = plate
        out.append(data)
    return out


def _letters(rng: random.Random) -> str:
    return "".join(rng.choice("ABCEHKMOPTXYZ") for _ in range(2))


# --- lists ------------------------------------------------------------------------------


def shipped_lists() -> list[Path]:
    folder = ROOT / "data" / "watchlists"
    return sorted(p for p in folder.glob("*") if p.suffix in (".csv", ".jsonl"))


def write_large_list(path: Path, synthetic: int) -> None:
    """The evaluation entities and ``synthetic`` invented names, as our own CSV list."""
    header = ["id", "schema", "name", "aliases", "birth_date", "countries", "identifiers",
              "reason", "added"]  # fmt: skip
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for entity in evaluation_set().entities:
            name, *aliases = entity.names
            writer.writerow([entity.entity_id, entity.schema, name, ";".join(aliases),
                             entity.birth_date or "", entity.country, "", "bench", ""])  # fmt: skip
        for number, (schema, name) in enumerate(synthetic_names(synthetic)):
            writer.writerow([f"syn-{number}", schema, name, "", "", "", "", "bench", ""])


# --- measuring --------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """The best round: CPU seconds for ``declarations`` declarations."""

    declarations: int
    cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.declarations / self.cpu_seconds

    @property
    def micros(self) -> float:
        return 1e6 * self.cpu_seconds / self.declarations


def best_round(rounds: Sequence[list[Any]], screen_one: Callable[[Any], object]) -> Figure:
    """The least CPU time of one round, each round new declarations."""
    best = float("inf")
    for batch in rounds:
        started = time.process_time()
        for item in batch:
            screen_one(item)
        best = min(best, time.process_time() - started)
    return Figure(len(rounds[0]), best)


def corridor_figure(sources: Sequence[Path], count: int, runs: int, same: bool) -> Figure:
    """`Screening.prepare` per declaration, as lodging calls it (old APIs only, so that
    the reference commit runs this too)."""
    from corridor.corridors import load_corridor
    from corridor.screening.lists import ListSource
    from corridor.screening_service import build_screening
    from corridor.store.codec import declaration_from_json

    corridor = load_corridor(ROOT / "corridors" / "tripp.toml")
    screening = build_screening(corridor, ROOT / "data", [ListSource(p) for p in sources], "b")
    listed = listed_names(shipped_lists())
    rounds = [
        [declaration_from_json(d) for d in declarations(count, listed, seed, same)]
        for seed in range(runs + 1)
    ]
    best_round(rounds[:1], lambda d: screening.prepare(d, corridor))  # warm-up
    return best_round(rounds[1:], lambda d: screening.prepare(d, corridor))


def rapidfuzz_figure(sources: Sequence[Path], count: int, runs: int, same: bool) -> Figure:
    """The plain loop: every party's name against every listed name, in C."""
    from rapidfuzz import fuzz, process, utils

    choices = [utils.default_process(n) for n in listed_names(sources)]
    listed = listed_names(shipped_lists())

    def screen(parties: list[str]) -> None:
        for name in parties:
            process.extract(utils.default_process(name), choices, scorer=fuzz.token_sort_ratio,
                            processor=None, score_cutoff=80, limit=10)  # fmt: skip

    rounds = [
        [_parties(d) for d in declarations(count, listed, seed, same)] for seed in range(runs + 1)
    ]
    best_round(rounds[:1], screen)
    return best_round(rounds[1:], screen)


def _parties(data: dict[str, Any]) -> list[str]:
    consignment = data["consignments"][0]
    return [data["holder"]["name"], consignment["consignor"]["name"],
            consignment["consignee"]["name"], data["transport"]["vehicle"]["plate"]]  # fmt: skip


def measured_in_child(
    src: Path, sources: Sequence[Path], count: int, runs: int, same: bool
) -> Figure:
    """`corridor_figure` in a fresh interpreter whose corridor is the one under ``src``."""
    command = [sys.executable, "-m", "bench.screening_lodging", "--child", "--declarations",
               str(count), "--runs", str(runs), *(["--same"] if same else []),
               *(str(s) for s in sources)]  # fmt: skip
    env = {"PYTHONPATH": f"{src}:{ROOT}", "CORRIDOR_HOME": str(ROOT), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Figure(found["declarations"], found["cpu_seconds"])


def reference_src(rev: str, folder: Path) -> Path | None:
    """src/ of ``rev`` unpacked under ``folder``; None when git cannot give it."""
    try:
        archive = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, capture_output=True,
                                 check=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder / "src"


@dataclass(frozen=True)
class Row:
    lists: str
    names: int
    current: Figure
    reference: Figure | None
    peer: Figure


def measure(count: int, runs: int, turns: int, large: int, rev: str) -> list[Row]:
    """Both list sets: current code and reference in turns (best of each), then the peer."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        src = reference_src(rev, folder / "reference")
        write_large_list(folder / "large.csv", large)
        shipped, large = shipped_lists(), [*shipped_lists(), folder / "large.csv"]
        sets = [(SHIPPED, shipped, False), (EXAMPLE_EVERY_TIME, shipped, True),
                (LARGE, large, False)]  # fmt: skip
        rows = []
        for label, sources, same in sets:
            current: list[Figure] = []
            reference: list[Figure] = []
            for _ in range(turns):
                current.append(measured_in_child(ROOT / "src", sources, count, runs, same))
                if src is not None:
                    reference.append(measured_in_child(src, sources, count, runs, same))
            peer_count = max(20, count // 20) if sources is large else count
            rows.append(Row(label, _name_count(sources), _best(current),
                            _best(reference) if reference else None,
                            rapidfuzz_figure(sources, peer_count, runs, same)))  # fmt: skip
        return rows


def _best(figures: list[Figure]) -> Figure:
    return min(figures, key=lambda f: f.cpu_seconds / f.declarations)


def _name_count(sources: Sequence[Path]) -> int:
    return len(listed_names(sources))


# --- report -----------------------------------------------------------------------------


def report(rows: Sequence[Row], count: int, runs: int, rev: str) -> str:
    lines = [
        "## Screening one declaration (`python -m bench.screening_lodging`)",
        "",
        f"{machine()}. `Screening.prepare` (every check that lodging runs before its "
        "transaction: parties against the watch lists, goods, route rules) on the example "
        "declaration with a new holder, consignor, consignee and plate each time: a quarter "
        "of the names near misses of listed names (another script, a typo, a word dropped or "
        "swapped), the others nobody listed. CPU time of the screening process, best of "
        f"{runs} rounds of {count:,} declarations, each round declarations never screened "
        f"before; one row screens the example's own parties every time, as "
        "`bench.lodging_profile` lodges it (every token known after the first). Old "
        f"algorithm: the same on `{rev}`'s code (main before screening was made cheaper), "
        "in turns with the current code. Peer: a plain rapidfuzz loop, each party against "
        "every listed name (`process.extract`, token_sort_ratio, cutoff 80).",
        "",
    ]
    header = ["lists", "listed names", "corridor now", "old algorithm", "now vs old",
              "rapidfuzz loop", "corridor vs rapidfuzz"]  # fmt: skip
    body = [_row(r) for r in rows]
    lines.append(table(header, body, "lrrrrrr"))
    lines += [
        "",
        "Figures are declarations/s (µs of CPU per declaration). The results are the old "
        "algorithm's: the same matches, scores and reasons (tests hold the three ways of "
        "shortlisting to the same names in the same order; `bench.screening_eval`'s precision "
        "and recall are unchanged). Where the time went: the old code hashed every list file "
        "on every lodging (now only when a file's status changes), found each new token's "
        "near keys by generating its deletions in Python (now, for up to 1,024 keys, one "
        "rapidfuzz scan in C), and made some forty numpy calls a party on a few dozen "
        "numbers (now plain Python lists for an index of up to 50,000 names). The rapidfuzz "
        "loop transliterates nothing and explains nothing: on the shipped lists it is a "
        "lower bound, not a like-for-like method (its recall is in the `screening` section).",
    ]
    return "\n".join(lines)


def _row(row: Row) -> list[str]:
    old = row.reference
    return [
        row.lists,
        f"{row.names:,}",
        _cell(row.current),
        _cell(old) if old else "not measured (no git)",
        f"{row.current.per_second / old.per_second:.1f}x" if old else "",
        _cell(row.peer),
        f"{row.current.per_second / row.peer.per_second:.2f}x",
    ]


def _cell(figure: Figure) -> str:
    return f"{figure.per_second:,.0f}/s ({figure.micros:,.0f} µs)"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--declarations", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="Rounds in each process.")
    parser.add_argument("--turns", type=int, default=2, help="Processes of each code.")
    parser.add_argument("--large", type=int, default=20_000, help="Synthetic names listed.")
    parser.add_argument("--reference", default=REFERENCE, help="Commit of the old algorithm.")
    parser.add_argument("--no-write", action="store_true", help="Print only.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--same", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("sources", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        figure = corridor_figure(args.sources, args.declarations, args.runs, args.same)
        print(json.dumps({"declarations": figure.declarations, "cpu_seconds": figure.cpu_seconds}))
        return
    rows = measure(args.declarations, args.runs, args.turns, args.large, args.reference)
    text = report(rows, args.declarations, args.runs, args.reference)
    print(text)
    if not args.no_write:
        write_section("screening-lodging", text)


if __name__ == "__main__":
    main()
