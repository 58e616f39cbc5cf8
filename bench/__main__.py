"""`make bench`: run every benchmark in bench/, each in its own process.

    python -m bench                 every module of bench/ that defines main()
    python -m bench log_durable     only these (names without .py)
    python -m bench --list          what would run

A benchmark is a module ``bench/<name>.py`` with a top-level ``main()`` that takes its
defaults when run as ``python -m bench.<name>``; it writes its own section of
docs/benchmarks.md (or its own results file). Modules without ``main()`` are helpers.
Each runs in a fresh interpreter, so one's memory and imports do not time another.
"""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOAK_ONLY = frozenset({"soak"})  # minutes long: `make soak` runs it, not `make bench`


def benchmarks(directory: Path = HERE) -> list[str]:
    """Names of the modules in ``directory`` that define a top-level main(), sorted."""
    found = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_") or path.stem in SOAK_ONLY:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body):
            found.append(path.stem)
    return found


def run(name: str) -> tuple[int, float]:
    """Exit status and seconds of ``python -m bench.<name>``."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent, check=False)
    return done.returncode, time.perf_counter() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="Benchmarks to run (default: all).")
    parser.add_argument("--list", action="store_true", help="List the benchmarks and stop.")
    args = parser.parse_args(argv)
    available = benchmarks()
    unknown = sorted(set(args.names) - set(available))
    if unknown:
        parser.error(f"no benchmark {', '.join(unknown)}; there are: {', '.join(available)}")
    chosen = args.names or available
    if args.list:
        print("\n".join(chosen))
        return 0
    failed = []
    for name in chosen:
        print(f"== bench.{name}", flush=True)
        status, seconds = run(name)
        print(f"== bench.{name}: {'ok' if status == 0 else f'FAILED ({status})'}, {seconds:.0f} s")
        if status != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
