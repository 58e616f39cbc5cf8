"""Name-screening benchmark: quality on a labelled set, speed on a million names.

    python -m bench.screening_eval [--names 1000000] [--output bench/screening_results.md]

Prints a markdown section. Compared on the same pairs: corridor's matcher (end to end:
candidate index, then score), nomenklatura's logic-v2 (the algorithm behind yente),
pair by pair, and a brute-force rapidfuzz baseline (token_sort_ratio after rapidfuzz's
default processing, the usual first attempt). Nothing is downloaded.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import resource
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from bench.screening_data import EvalEntity, EvalPair, EvalSet, evaluation_set, synthetic_names
from corridor.screening import name_variants, names, translit
from corridor.screening.entity import WatchEntity
from corridor.screening.index import NameIndex
from corridor.screening.matcher import screen
from corridor.screening.names import analyse_name
from corridor.screening.scoring import Query

OPERATING = {"corridor": 0.70, "nomenklatura logic-v2": 0.70, "rapidfuzz brute force": 0.80}
Scores = dict[str, float]
_INDEX: NameIndex | None = None


def watch_entities(data: EvalSet) -> list[WatchEntity]:
    return [_watch_entity(e) for e in data.entities]


def _watch_entity(e: EvalEntity) -> WatchEntity:
    dates = (e.birth_date,) if e.birth_date else ()
    return WatchEntity(e.entity_id, e.schema, e.names, "eval", dates, (e.country,))


def _query(pair: EvalPair, schema: str) -> Query:
    return Query(analyse_name(pair.query), birth_date=pair.birth_date, schema=schema)


def corridor_scores(index: NameIndex, data: EvalSet) -> Scores:
    schemas = {e.entity_id: e.schema for e in data.entities}
    scores: Scores = {}
    for pair in data.pairs:
        matches = screen(index, _query(pair, schemas[pair.entity_id]), threshold=0.0, limit=50)
        found = {m.entity.entity_id: m.score for m in matches}
        scores[pair.query_id] = found.get(pair.entity_id, 0.0)
    return scores


def rapidfuzz_scores(data: EvalSet) -> Scores:
    by_id = {e.entity_id: [utils.default_process(n) for n in e.names] for e in data.entities}
    return {
        p.query_id: max(
            fuzz.token_sort_ratio(utils.default_process(p.query), n) / 100
            for n in by_id[p.entity_id]
        )
        for p in data.pairs
    }


def nomenklatura_scores(data: EvalSet) -> Scores | None:
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2, ScoringConfig
    except ImportError:
        return None
    config = ScoringConfig.defaults()
    listed = {e.entity_id: _ftm(model, e.entity_id, e.schema, e.names, e.birth_date, e.country)
              for e in data.entities}  # fmt: skip
    schemas = {e.entity_id: e.schema for e in data.entities}
    scores: Scores = {}
    for p in data.pairs:
        query = _ftm(model, p.query_id, schemas[p.entity_id], (p.query,), p.birth_date, None)
        scores[p.query_id] = LogicV2.compare(query, listed[p.entity_id], config).score
    return scores


def _ftm(model, ident, schema, names_, birth_date, country):  # type: ignore[no-untyped-def]
    entity = model.make_entity(schema)
    entity.id = ident
    entity.add("name", names_[0])
    entity.add("alias", list(names_[1:]))
    if birth_date and schema == "Person":
        entity.add("birthDate", birth_date)
    if country:
        entity.add("country", country.lower())
    return entity


# --- metrics ---------------------------------------------------------------------------


def precision_recall(
    pairs: Sequence[EvalPair], scores: Scores, threshold: float
) -> tuple[float, float]:
    flagged = [p for p in pairs if scores[p.query_id] >= threshold]
    true_flags = sum(p.label for p in flagged)
    positives = sum(p.label for p in pairs)
    precision = true_flags / len(flagged) if flagged else 1.0
    return precision, true_flags / positives


def best_recall_at_precision(
    pairs: Sequence[EvalPair], scores: Scores, floor: float = 0.95
) -> tuple[float, float]:
    best = (0.0, 1.0)
    for threshold in sorted({scores[p.query_id] for p in pairs} | {1.0}):
        precision, recall = precision_recall(pairs, scores, threshold)
        if precision >= floor and recall > best[0]:
            best = (recall, threshold)
    return best


# --- speed ----------------------------------------------------------------------------


def big_index(data: EvalSet, count: int) -> tuple[NameIndex, float]:
    started = time.perf_counter()
    synthetic = [
        WatchEntity(f"syn-{i}", schema, (name,), "synthetic")
        for i, (schema, name) in enumerate(synthetic_names(count))
    ]
    index = NameIndex(watch_entities(data) + synthetic)
    return index, time.perf_counter() - started


def _screen_many(queries: Sequence[tuple[str, str | None]]) -> int:
    assert _INDEX is not None
    found = 0
    for name, birth_date in queries:
        found += len(screen(_INDEX, Query(analyse_name(name), birth_date=birth_date)))
    return found


def throughput(index: NameIndex, queries: list[tuple[str, str | None]], workers: int) -> float:
    global _INDEX
    _INDEX = index
    started = time.perf_counter()
    if workers == 1:
        _screen_many(queries)
    else:
        chunks = [queries[i :: workers * 8] for i in range(workers * 8)]
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_screen_many, chunks)
    return len(queries) / (time.perf_counter() - started)


def rapidfuzz_throughput(count: int, queries: list[tuple[str, str | None]]) -> float:
    choices = [utils.default_process(n) for _, n in synthetic_names(count)]
    sample = queries[:20]
    started = time.perf_counter()
    for name, _ in sample:
        process.extractOne(utils.default_process(name), choices, scorer=fuzz.token_sort_ratio)
    return len(sample) / (time.perf_counter() - started)


def without_variant_table() -> Callable[[], None]:
    """Empty the name-family table for an ablation run; return a function to restore it."""
    saved = name_variants._GROUPS
    name_variants._GROUPS = ()
    _clear_caches()

    def restore() -> None:
        name_variants._GROUPS = saved
        _clear_caches()

    return restore


def _clear_caches() -> None:
    for cached in (name_variants.variant_groups, name_variants.symbol_of, names.phonetic_key,
                   translit.transliterate_word):  # fmt: skip
        cached.cache_clear()


# --- report -----------------------------------------------------------------------------


def quality_rows(data: EvalSet, methods: dict[str, Scores]) -> list[str]:
    rows = [
        "| method | threshold | precision | recall | best recall at precision ≥ 0.95 (threshold) |",
        "|---|---|---|---|---|",
    ]
    for name, scores in methods.items():
        threshold = OPERATING.get(name.split(" (")[0], 0.70)
        precision, recall = precision_recall(data.pairs, scores, threshold)
        best, at = best_recall_at_precision(data.pairs, scores)
        rows.append(f"| {name} | {threshold:.2f} | {precision:.3f} | {recall:.3f} | "
                    f"{best:.3f} ({at:.2f}) |")  # fmt: skip
    return rows


def kind_rows(data: EvalSet, scores: Scores, threshold: float) -> list[str]:
    totals: Counter[str] = Counter(p.kind for p in data.pairs)
    right: Counter[str] = Counter(
        p.kind for p in data.pairs if (scores[p.query_id] >= threshold) == p.label
    )
    rows = ["| pair kind | pairs | correct at 0.70 |", "|---|---|---|"]
    rows += [f"| {k} | {totals[k]} | {right[k] / totals[k]:.3f} |" for k in sorted(totals)]
    return rows


def report(count: int, skip_nomenklatura: bool) -> str:
    data = evaluation_set()
    positives = sum(p.label for p in data.pairs)
    small = NameIndex(watch_entities(data))
    ours = corridor_scores(small, data)
    methods: dict[str, Scores] = {"corridor": ours}
    restore = without_variant_table()
    methods["corridor (no name-family table)"] = corridor_scores(
        NameIndex(watch_entities(data)), data
    )
    restore()
    nomenklatura = None if skip_nomenklatura else _timed_nomenklatura(data)
    if nomenklatura is not None:
        methods["nomenklatura logic-v2"] = nomenklatura[0]
    methods["rapidfuzz brute force"] = rapidfuzz_scores(data)
    index, build_seconds = big_index(data, count)
    methods[f"corridor ({len(index):,} names indexed)"] = corridor_scores(index, data)
    queries = [(p.query, p.birth_date) for p in data.pairs] * 3
    single = throughput(index, queries, 1)
    double = throughput(index, queries, 2)
    brute = rapidfuzz_throughput(count, queries)
    memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = [
        "## Name screening",
        "",
        f"Evaluation set: {len(data.entities)} listed entities (Armenian, Azerbaijani and "
        f"Russian persons, companies), {len(data.pairs)} labelled query–entity pairs: "
        f"{positives} true variants (other script, other romanisation, typo, word order, "
        f"patronymic dropped, legal form translated) and {len(data.pairs) - positives} hard "
        "negatives (same surname or given name, same company word). Generated by "
        "`bench/screening_data.py` (seed 2026). A pair counts as flagged when its score "
        "reaches the threshold; corridor's scores are end to end (index, then score).",
        "",
        *quality_rows(data, methods),
        "",
        *kind_rows(data, ours, OPERATING["corridor"]),
        "",
        f"Speed on {platform.machine()} ({multiprocessing.cpu_count()} cores), "
        f"{len(index):,} names ({count:,} synthetic + the evaluation entities), "
        f"{len(queries):,} queries:",
        "",
        "| what | figure |",
        "|---|---|",
        f"| index build | {build_seconds:.0f} s |",
        f"| peak memory (build + both runs) | {memory:,.0f} MiB |",
        f"| corridor, 1 process | {single:,.0f} queries/s |",
        f"| corridor, 2 processes | {double:,.0f} queries/s |",
        f"| rapidfuzz brute force over all names, 1 process | {brute:,.2f} queries/s |",
    ]
    if nomenklatura is not None:
        lines.append(f"| nomenklatura logic-v2, pair comparisons, 1 process | "
                     f"{nomenklatura[1]:,.0f} pairs/s (no index of its own) |")  # fmt: skip
    return "\n".join(lines) + "\n"


def _timed_nomenklatura(data: EvalSet) -> tuple[Scores, float] | None:
    nomenklatura_scores(EvalSet(data.entities[:1], data.pairs[:1]))  # load its name data once
    started = time.perf_counter()
    scores = nomenklatura_scores(data)
    if scores is None:
        return None
    return scores, len(data.pairs) / (time.perf_counter() - started)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--names", type=int, default=1_000_000)
    parser.add_argument("--skip-nomenklatura", action="store_true")
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    text = report(args.names, args.skip_nomenklatura)
    print(text)
    if args.output:
        args.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
