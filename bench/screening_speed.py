"""Speed of name screening on a million names: build, save, and screen in 1 or 2 processes.

The index is built once in the parent, saved to a folder and mapped read-only by each
worker process (started with spawn, so nothing is inherited): the workers share the
index through the page cache instead of copying it. Each run starts fresh workers,
which load the index, meet at a barrier and screen their share of the queries; the
time runs from the barrier to the last worker's answer. Helpers only: `screening_eval`
runs them.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process, utils

from bench.screening_data import evaluation_set, synthetic_names
from corridor.screening.entity import WatchEntity
from corridor.screening.index import NameIndex
from corridor.screening.matcher import screen
from corridor.screening.names import analyse_name
from corridor.screening.scoring import Query

QuerySpec = tuple[str, str | None]  # name, birth date


@dataclass(frozen=True)
class Throughput:
    workers: int
    queries: int
    seconds: float  # wall clock, barrier to last answer
    cpu_seconds: float  # summed over the workers
    load_seconds: float  # slowest worker's load of the saved index
    peak_rss_mib: float  # largest worker's peak resident set (shared index pages included)
    private_mib: float  # largest worker's anonymous (unshared) memory at the end

    @property
    def per_second(self) -> float:
        return self.queries / self.seconds


def synthetic_entities(count: int) -> list[WatchEntity]:
    return [
        WatchEntity(f"syn-{i}", schema, (name,), "synthetic")
        for i, (schema, name) in enumerate(synthetic_names(count))
    ]


def timed_build(entities: Sequence[WatchEntity]) -> tuple[NameIndex, float]:
    started = time.perf_counter()
    index = NameIndex(entities)
    return index, time.perf_counter() - started


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.iterdir())


def speed_queries(seeds: Sequence[int]) -> list[QuerySpec]:
    """Distinct queries drawn as the labelled ones are: most name no listed entity."""
    found: dict[QuerySpec, None] = {}
    for seed in seeds:
        for pair in evaluation_set(seed).pairs:
            found.setdefault((pair.query, pair.birth_date), None)
    return list(found)


def throughputs(
    folder: Path, queries: list[QuerySpec], workers: Sequence[int], runs: int
) -> dict[int, Throughput]:
    """For each worker count, the fastest of `runs` runs, each with fresh worker processes.

    The counts take turns within every round, so that both meet the same other work on
    a shared box.
    """
    best: dict[int, Throughput] = {}
    for _ in range(runs):
        for count in workers:
            run = _one_run(folder, queries, count)
            if count not in best or run.seconds < best[count].seconds:
                best[count] = run
    return best


def _one_run(folder: Path, queries: list[QuerySpec], workers: int) -> Throughput:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers + 1)
    answers: Any = context.Queue()
    shares = [queries[i::workers] for i in range(workers)]
    processes = [
        context.Process(target=_worker, args=(folder, share, barrier, answers)) for share in shares
    ]
    for worker in processes:
        worker.start()
    barrier.wait()
    started = time.perf_counter()
    results = [answers.get() for _ in processes]
    seconds = time.perf_counter() - started
    for worker in processes:
        worker.join()
    return Throughput(
        workers=workers,
        queries=len(queries),
        seconds=seconds,
        cpu_seconds=sum(r["cpu"] for r in results),
        load_seconds=max(r["load"] for r in results),
        peak_rss_mib=max(r["VmHWM"] for r in results),
        private_mib=max(r["RssAnon"] for r in results),
    )


def _worker(folder: Path, share: list[QuerySpec], barrier: Barrier, answers: Any) -> None:
    started = time.perf_counter()
    index = NameIndex.load(folder)
    loaded = time.perf_counter() - started
    barrier.wait()
    cpu = time.process_time()
    for name, birth_date in share:
        screen(index, Query(analyse_name(name), birth_date=birth_date))
    answers.put({"cpu": time.process_time() - cpu, "load": loaded, **_memory()})


def _memory() -> dict[str, float]:
    """Peak and anonymous memory of this process in MiB, from /proc (Linux)."""
    found = {"VmHWM": 0.0, "RssAnon": 0.0}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            field, _, value = line.partition(":")
            if field in found:
                found[field] = int(value.split()[0]) / 1024
    return found


def rapidfuzz_throughput(count: int, queries: Sequence[QuerySpec], sample: int = 20) -> float:
    """Queries per second of rapidfuzz's extractOne over every synthetic name."""
    choices = [utils.default_process(n) for _, n in synthetic_names(count)]
    started = time.perf_counter()
    for name, _ in queries[:sample]:
        process.extractOne(utils.default_process(name), choices, scorer=fuzz.token_sort_ratio)
    return sample / (time.perf_counter() - started)
