"""The transparency log over HTTP, readable by anyone: the signed checkpoint, hash tiles
and entry bundles exactly per C2SP tlog-tiles, and proofs as JSON conveniences.

Tools that are not ours read ``/log/checkpoint`` and ``/log/tile/...`` as they would any
tiled log; ``corridor log verify --url`` is one of them.
"""

from __future__ import annotations

import base64
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import PlainTextResponse, Response
from pydantic import BaseModel

from corridor import log_service
from corridor.api.auth import context
from corridor.api.problems import problem_responses
from corridor.bootstrap import Context
from corridor.domain.errors import NotFound
from corridor.ledger.tiles import BundleId, TilePathError, parse_path

router = APIRouter(prefix="/log", tags=["transparency log"])
Ctx = Annotated[Context, Depends(context)]
IMMUTABLE = "public, max-age=31536000, immutable"
FRESH = "no-cache"


class InclusionProof(BaseModel):
    """An RFC 9162 inclusion proof: hashes from the leaf up, base64."""

    index: int
    size: int
    hashes: list[str]


class ConsistencyProof(BaseModel):
    """An RFC 9162 consistency proof between two tree sizes, hashes base64."""

    old: int
    new: int
    hashes: list[str]


@router.get(
    "/checkpoint",
    response_class=PlainTextResponse,
    summary="The latest signed checkpoint (C2SP tlog-checkpoint signed note)",
    responses={200: {"content": {"text/plain": {}}}, **problem_responses(404)},
)
def checkpoint(ctx: Ctx) -> Response:
    note = log_service.signed_checkpoint(ctx)
    return Response(note, media_type="text/plain; charset=utf-8", headers={"Cache-Control": FRESH})


@router.get(
    "/key",
    response_class=PlainTextResponse,
    summary="The log's verifier key (C2SP signed-note vkey)",
)
def key(ctx: Ctx) -> Response:
    return Response(log_service.vkey(ctx) + "\n", media_type="text/plain; charset=utf-8")


@router.get(
    "/tile/{path:path}",
    summary="A hash tile or an entry bundle (C2SP tlog-tiles)",
    responses={200: {"content": {"application/octet-stream": {}}}, **problem_responses(404)},
)
def tile(path: str, ctx: Ctx) -> Response:
    try:
        wanted = parse_path(f"tile/{path}")
    except TilePathError as error:
        raise NotFound(str(error)) from None
    if isinstance(wanted, BundleId):
        data = log_service.read_bundle(ctx, wanted)
    else:
        data = log_service.read_tile(ctx, wanted)
    cache = IMMUTABLE if wanted.width == 256 else FRESH
    return Response(data, media_type="application/octet-stream", headers={"Cache-Control": cache})


@router.get(
    "/proof/inclusion",
    response_model=InclusionProof,
    summary="Inclusion proof of leaf `index` in the tree of `size` leaves",
    responses=problem_responses(404, 422),
)
def inclusion(
    ctx: Ctx, index: Annotated[int, Query(ge=0)], size: Annotated[int, Query(ge=1)]
) -> InclusionProof:
    hashes = log_service.inclusion(ctx, index, size)
    return InclusionProof(index=index, size=size, hashes=_b64(hashes))


@router.get(
    "/proof/consistency",
    response_model=ConsistencyProof,
    summary="Consistency proof from tree size `old` to tree size `new`",
    responses=problem_responses(404, 422),
)
def consistency(
    ctx: Ctx, old: Annotated[int, Query(ge=0)], new: Annotated[int, Query(ge=0)]
) -> ConsistencyProof:
    hashes = log_service.consistency(ctx, old, new)
    return ConsistencyProof(old=old, new=new, hashes=_b64(hashes))


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]
