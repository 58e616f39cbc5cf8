"""The log's HTTP read API: exactly tlog-tiles paths, a signed checkpoint, JSON proofs."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from corridor import log_service, services
from corridor.api.app import create_app
from corridor.bootstrap import Context
from corridor.domain.declaration import TransitDeclaration
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.ledger.checkpoint import parse_checkpoint
from corridor.ledger.merkle import leaf_hash, root_hash, verify_consistency, verify_inclusion
from corridor.ledger.note import ed25519_verifier, open_note
from corridor.ledger.tiles import TileHashReader, TileId, decode_bundle, tile_path

AZ = Principal("officer-az", Role.CUSTOMS, state="AZ")


@pytest.fixture
def client(ctx: Context) -> Iterator[TestClient]:
    with TestClient(create_app(ctx)) as test_client:
        yield test_client


def _fill(ctx: Context, declaration: TransitDeclaration, movements: int) -> None:
    holder = Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)
    for n in range(movements):
        mrn = services.lodge(ctx, replace(declaration, lrn=f"H-{n}"), holder).movement.mrn
        services.accept(ctx, mrn, AZ)
        services.release(ctx, mrn, AZ, seals=(f"S-{n}",))


def test_checkpoint_and_key_are_plain_text_and_verify(
    ctx: Context, client: TestClient, declaration: TransitDeclaration
) -> None:
    assert client.get("/log/checkpoint").status_code == 404
    _fill(ctx, declaration, 4)
    log_service.integrate_all(ctx)
    answer = client.get("/log/checkpoint")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    vkey = client.get("/log/key").text.strip()
    note = open_note(answer.content, [ed25519_verifier(vkey)])
    assert parse_checkpoint(note.text).size == 12


def test_tiles_and_bundles_rebuild_the_root_over_http(
    ctx: Context, client: TestClient, declaration: TransitDeclaration
) -> None:
    _fill(ctx, declaration, 100)  # 300 entries: one full tile and a partial one
    log_service.integrate_all(ctx)
    checkpoint = parse_checkpoint(client.get("/log/checkpoint").text.split("\n\n")[0] + "\n")
    assert checkpoint.size == 300

    def fetch(tile: TileId) -> bytes:
        answer = client.get(f"/log/{tile_path(tile)}")
        assert answer.status_code == 200, answer.text
        return answer.content

    assert root_hash(300, TileHashReader(300, fetch)) == checkpoint.root
    full = client.get("/log/tile/entries/000")
    partial = client.get("/log/tile/entries/001.p/44")
    assert (
        full.headers["cache-control"].endswith("immutable")
        and "immutable" not in partial.headers["cache-control"]
    )
    entries = decode_bundle(full.content, 256) + decode_bundle(partial.content, 44)
    level0 = client.get("/log/tile/0/000").content + client.get("/log/tile/0/001.p/44").content
    assert b"".join(leaf_hash(e) for e in entries) == level0


@pytest.mark.parametrize(
    "path",
    ["/log/tile/0/001", "/log/tile/0/002.p/1", "/log/tile/entries/001.p/45", "/log/tile/0/x000/001",
     "/log/tile/0/1", "/log/tile/entries/000.p/256", "/log/tile/9/000", "/log/tile/banana"],
)  # fmt: skip
def test_unpublished_or_malformed_tiles_are_404_problems(
    ctx: Context, client: TestClient, declaration: TransitDeclaration, path: str
) -> None:
    _fill(ctx, declaration, 100)
    log_service.integrate_all(ctx)
    answer = client.get(path)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_proofs_as_json_verify_against_checkpoints(
    ctx: Context, client: TestClient, declaration: TransitDeclaration
) -> None:
    _fill(ctx, declaration, 3)
    log_service.integrate_all(ctx)
    old = log_service.current_checkpoint(ctx)
    _fill(ctx, declaration, 0)
    holder = Principal("carrier", Role.CARRIER, holder=declaration.holder.identification_number)
    services.lodge(ctx, replace(declaration, lrn="LATE-1"), holder)
    log_service.integrate_all(ctx)
    new = log_service.current_checkpoint(ctx)
    proof = client.get("/log/proof/consistency", params={"old": old.size, "new": new.size}).json()
    assert (proof["old"], proof["new"]) == (old.size, new.size)
    hashes = [base64.b64decode(h) for h in proof["hashes"]]
    verify_consistency(old.size, new.size, old.root, new.root, hashes)
    bundle = decode_bundle(client.get(f"/log/tile/entries/000.p/{new.size}").content, new.size)
    inclusion = client.get("/log/proof/inclusion", params={"index": 4, "size": new.size}).json()
    assert inclusion["index"] == 4 and inclusion["size"] == new.size
    verify_inclusion(
        leaf_hash(bundle[4]),
        4,
        new.size,
        [base64.b64decode(h) for h in inclusion["hashes"]],
        new.root,
    )
    assert client.get("/log/proof/inclusion", params={"index": 10, "size": 10}).status_code == 404
    assert client.get("/log/proof/inclusion", params={"index": -1, "size": 3}).status_code == 422
    assert client.get("/log/proof/consistency", params={"old": 3, "new": 99}).status_code == 404
