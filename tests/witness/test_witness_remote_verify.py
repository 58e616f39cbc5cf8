"""`corridor log verify --url`: the whole log recomputed from what a server publishes
(tlog-tiles over HTTP), and any tampered tile, bundle or checkpoint caught."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

import httpx
import pytest
from witness_testing import Tamper, log_app, serving

from corridor import log_service, services
from corridor.bootstrap import Context, Settings, bootstrap
from corridor.domain.network import Corridor, Role
from corridor.domain.principal import Principal
from corridor.domain.validation import Nomenclature, validate_declaration
from corridor.ledger.log import LogCorruptionError
from corridor.ledger.tiles import BundleId, TileId, bundle_at, bundle_path, tile_at, tile_path
from corridor.remote_log import HttpLogStorage, RemoteLogError, verify_url
from corridor.store.codec import declaration_from_json
from corridor_testing import EXAMPLE, CliRunner

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")


@pytest.fixture(scope="module")
def log(
    tmp_path_factory: pytest.TempPathFactory, tripp: Corridor, nomenclature: Nomenclature
) -> Iterator[Context]:
    """A log of 300 entries (one full tile and bundle, then partial ones), shared by
    the tests of this module, which only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('remote') / 'corridor.sqlite'}"
    ctx = bootstrap(Settings(database_url=url), initialise=True)
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    declaration = validate_declaration(declaration_from_json(data), tripp, nomenclature)
    holder = Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)
    for n in range(150):
        mrn = services.lodge(ctx, replace(declaration, lrn=f"V-{n}"), holder).movement.mrn
        services.accept(ctx, mrn, AZ)
    assert log_service.integrate_all(ctx) == 300
    yield ctx
    ctx.close()


def test_a_log_served_over_http_verifies(log: Context) -> None:
    with serving(log_app(log)) as url:
        result = verify_url(f"{url}/log", log_service.vkey(log))
    assert result.report.entries == 300
    assert result.report.checkpoint == log_service.current_checkpoint(log)
    assert result.report.tiles >= 3 and result.requests >= 5


@pytest.mark.parametrize(
    "target",
    ["first full tile", "partial tile", "bundle entry", "level 1 tile", "checkpoint root"],
)
def test_a_tampered_publication_is_caught(log: Context, target: str) -> None:
    tamper = Tamper()
    path, data = _tampered(log, target)
    tamper.paths[path] = data
    with serving(log_app(log, tamper)) as url, pytest.raises(LogCorruptionError):
        verify_url(f"{url}/log", log_service.vkey(log))


def _tampered(ctx: Context, target: str) -> tuple[str, bytes]:
    size = log_service.current_checkpoint(ctx).size
    if target == "checkpoint root":
        signed = log_service.signed_checkpoint(ctx)
        text = signed.decode().split("\n")
        text[2] = "A" * 43 + "="
        return "checkpoint", "\n".join(text).encode()
    if target == "bundle entry":
        bundle = bundle_at(1, size)
        data = log_service.read_bundle(ctx, bundle)
        return bundle_path(bundle), data.replace(b"movement.accept", b"movement.reject", 1)
    tile = {
        "first full tile": TileId(0, 0),
        "partial tile": tile_at(0, 1, size),
        "level 1 tile": tile_at(1, 0, size),
    }[target]
    data = bytearray(log_service.read_tile(ctx, tile))
    data[-1] ^= 1
    return tile_path(tile), bytes(data)


def test_a_partial_tile_gone_is_read_from_the_full_tile(log: Context) -> None:
    """After the log grew past a partial tile, a verifier of the older checkpoint reads
    the prefix of the full tile (C2SP tlog-tiles)."""
    full = log_service.read_tile(log, TileId(0, 0))
    bundle = log_service.read_bundle(log, BundleId(0))
    pages = {"tile/0/000": full, "tile/entries/000": bundle}

    def handler(request: httpx.Request) -> httpx.Response:
        data = pages.get(request.url.path.removeprefix("/log/"))
        return httpx.Response(200, content=data) if data else httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        storage = HttpLogStorage("http://log.test/log/", client)
        assert storage.read_tile(TileId(0, 0, 10)) == full[: 10 * 32]
        assert storage.read_bundle(BundleId(0, 3)) is not None
        assert storage.read_tile(TileId(0, 1, 10)) is None
        with pytest.raises(Exception, match="read-only"):
            storage.write_tile(TileId(0, 0), full)


def test_an_unreachable_or_failing_server_is_reported(log: Context) -> None:
    with pytest.raises(RemoteLogError):
        verify_url("http://127.0.0.1:9/log", log_service.vkey(log))
    failing = httpx.MockTransport(lambda request: httpx.Response(500))
    with httpx.Client(transport=failing) as client, pytest.raises(RemoteLogError, match="500"):
        verify_url("http://log.test/log", log_service.vkey(log), client=client)


def test_the_cli_verifies_by_url(
    log: Context, corridor_cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CORRIDOR_DB", log.settings.database_url)
    vkey = log_service.vkey(log)
    tamper = Tamper()
    with serving(log_app(log, tamper)) as url:
        good = corridor_cli("log", "verify", "--url", f"{url}/log", "--vkey", vkey)
        assert good.code == 0, good.err
        assert "300 entries" in good.out and "recomputed from the entries" in good.out
        assert "witness policy NOT met" in good.out  # TRIPP's demo witnesses never ran
        defaulted = corridor_cli("log", "verify", "--url", f"{url}/log")  # this db's vkey
        assert defaulted.code == 0
        path, data = _tampered(log, "partial tile")
        tamper.paths[path] = data
        bad = corridor_cli("log", "verify", "--url", f"{url}/log", "--vkey", vkey)
        assert bad.code == 2 and "FAILED" in bad.err
    gone = corridor_cli("log", "verify", "--url", f"{url}/log", "--vkey", vkey)
    assert gone.code == 2 and "cannot read the log" in gone.err
