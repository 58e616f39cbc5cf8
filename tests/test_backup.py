"""A backup taken online restores into a database whose log verifies, with nothing lost."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from corridor import backup, log_service, services
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.errors import InvalidInput, PreconditionFailed
from corridor.domain.network import Role
from corridor.domain.principal import Principal


def test_backup_then_restore_keeps_every_movement_and_the_log(
    ctx: Context, declaration: TransitDeclaration, tmp_path: Path
) -> None:
    holder = Principal("c", Role.CARRIER, holder=declaration.holder.identification_number)
    officer = Principal("o", Role.CUSTOMS, state="AZ")
    for n in range(5):
        mrn = services.lodge(ctx, replace(declaration, lrn=f"B-{n}"), holder).movement.mrn
        services.accept(ctx, mrn, officer)
    log_service.integrate_all(ctx)
    services.lodge(ctx, replace(declaration, lrn="B-pending"), holder)  # not yet integrated
    copy = backup.backup(ctx, tmp_path / "backups" / "corridor.sqlite")
    with pytest.raises(InvalidInput, match="never overwrites"):
        backup.backup(ctx, copy)

    restored_url = f"sqlite:///{tmp_path / 'restored' / 'corridor.sqlite'}"
    backup.restore(copy, restored_url)
    settings = Settings(database_url=restored_url, log_key_path=ctx.settings.signing_key_path())
    restored = bootstrap(settings)
    try:
        assert services.count_by_state(restored) == services.count_by_state(ctx)
        report = log_service.verify(restored)
        assert (report.size, report.pending) == (10, 1)
        assert log_service.integrate_all(restored) == 11
        assert log_service.verify(restored).pending == 0
    finally:
        restored.close()
    with pytest.raises(InvalidInput, match="exists already"):
        backup.restore(copy, restored_url)


def test_backups_refuse_what_they_cannot_do(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="no backup file"):
        backup.restore(tmp_path / "none.sqlite", f"sqlite:///{tmp_path / 'x.sqlite'}")
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(InvalidInput, match="not a sound SQLite database"):
        backup.restore(junk, f"sqlite:///{tmp_path / 'y.sqlite'}")
    with pytest.raises(PreconditionFailed, match="pg_dump"):
        backup.restore(junk, "postgresql+psycopg://u@localhost/db")
