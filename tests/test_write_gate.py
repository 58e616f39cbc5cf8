"""The write gate: SQLite writers wait in line, across threads and processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import text

from corridor.store.database import create_database_engine
from corridor.store.unit_of_work import UnitOfWork
from corridor.store.write_gate import NO_GATE, write_gate


def test_a_unit_of_work_holds_the_gate_file_that_other_processes_wait_on(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path}/gate.sqlite")
    lock_file = tmp_path / "gate.sqlite-writer.lock"
    try:
        with UnitOfWork(engine) as uow:
            uow.connection.execute(text("SELECT 1"))
            assert not _free_for_another_process(lock_file)
        assert _free_for_another_process(lock_file)
    finally:
        engine.dispose()


def test_threads_pass_one_at_a_time_and_a_thread_may_reenter(tmp_path: Path) -> None:
    engine = create_database_engine(f"sqlite:///{tmp_path}/gate.sqlite")
    gate = write_gate(engine)
    inside: list[int] = []
    overlaps: list[int] = []

    def writer() -> None:
        for _ in range(50):
            with gate.held():
                inside.append(1)
                overlaps.append(len(inside))
                with gate.held():  # re-entrant in the same thread
                    pass
                inside.pop()

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert len(overlaps) == 200 and max(overlaps) == 1


def test_memory_databases_and_postgresql_urls_have_no_gate() -> None:
    engine = create_database_engine("sqlite://")
    try:
        assert write_gate(engine) is NO_GATE
    finally:
        engine.dispose()


def _free_for_another_process(lock_file: Path) -> bool:
    """Whether another process could take the gate's flock now."""
    probe = (
        "import fcntl, os, sys\n"
        "descriptor = os.open(sys.argv[1], os.O_RDWR)\n"
        "try:\n    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
        "except BlockingIOError:\n    sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", probe, str(lock_file)]).returncode == 0
