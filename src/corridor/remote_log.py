"""A log read over HTTP (C2SP tlog-tiles), to verify it without trusting its operator.

``HttpLogStorage`` is a read-only ``ledger.log.LogStorage`` over ``<url>/checkpoint``,
``<url>/tile/<L>/<N>[.p/<W>]`` and ``<url>/tile/entries/<N>[.p/<W>]``; ``verify_url``
runs ``ledger.log.verify_log`` on it, which rebuilds every tile and the root from the
entry bundles and checks the log's signature, then reports the witness policy on the
checkpoint it fetched.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from corridor.domain.oversight import LogOversight
from corridor.ledger.log import LogReport, verify_log
from corridor.ledger.tiles import TILE_WIDTH, BundleId, TileId, bundle_path, tile_path
from corridor.witnessing import PolicyStatus, policy_status

TIMEOUT = 30.0


class RemoteLogError(Exception):
    """The log's server could not be read (network, or an unexpected status)."""


class ReadOnlyLogError(Exception):
    """Something tried to write to a log read over HTTP."""


class HttpLogStorage:
    """Reads a tiled log over HTTP. Full tiles never change, so they are cached; a
    partial tile that is gone (the log grew) is read as a prefix of the full tile."""

    def __init__(self, url: str, client: httpx.Client) -> None:
        self._url = url.rstrip("/")
        self._client = client
        self._cache: dict[str, bytes] = {}
        self.checkpoint: bytes | None = None
        self.requests = 0

    def read_checkpoint(self) -> bytes | None:
        """The checkpoint, fetched once: the whole check is against that one."""
        if self.checkpoint is None:
            self.checkpoint = self._get("checkpoint")
        return self.checkpoint

    def read_tile(self, tile: TileId) -> bytes | None:
        data = self._get_cached(tile_path(tile))
        if data is None and not tile.full:
            full = self._get_cached(tile_path(TileId(tile.level, tile.index, TILE_WIDTH)))
            data = None if full is None else full[: tile.width * 32]
        return data

    def read_bundle(self, bundle: BundleId) -> bytes | None:
        data = self._get_cached(bundle_path(bundle))
        if data is None and not bundle.full:
            full = self._get_cached(bundle_path(BundleId(bundle.index, TILE_WIDTH)))
            data = None if full is None else _bundle_prefix(full, bundle.width)
        return data

    def write_tile(self, tile: TileId, data: bytes) -> None:
        raise ReadOnlyLogError("a log read over HTTP is read-only")

    def write_bundle(self, bundle: BundleId, data: bytes) -> None:
        raise ReadOnlyLogError("a log read over HTTP is read-only")

    def swap_checkpoint(self, expected_size: int | None, new_size: int, signed: bytes) -> bool:
        raise ReadOnlyLogError("a log read over HTTP is read-only")

    def _get_cached(self, path: str) -> bytes | None:
        if path in self._cache:
            return self._cache[path]
        data = self._get(path)
        if data is not None and ".p/" not in path:
            self._cache[path] = data
        return data

    def _get(self, path: str) -> bytes | None:
        self.requests += 1
        try:
            response = self._client.get(f"{self._url}/{path}")
        except httpx.HTTPError as error:
            raise RemoteLogError(f"{self._url}/{path}: {error}") from None
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise RemoteLogError(f"{self._url}/{path}: HTTP {response.status_code}")
        return response.content


def _bundle_prefix(data: bytes, width: int) -> bytes | None:
    """The first ``width`` entries of an encoded bundle (None if it has fewer)."""
    offset = 0
    for _ in range(width):
        if offset + 2 > len(data):
            return None
        offset += 2 + int.from_bytes(data[offset : offset + 2], "big")
    return data[:offset] if offset <= len(data) else None


@dataclass(frozen=True)
class RemoteVerification:
    report: LogReport
    requests: int
    policy: PolicyStatus | None


def verify_url(
    url: str,
    log_vkey: str,
    oversight: LogOversight | None = None,
    client: httpx.Client | None = None,
    policy_name: str = "log",
) -> RemoteVerification:
    """Verify the whole log served at ``url``; raises LogCorruptionError at the first
    difference and RemoteLogError when it cannot be read."""
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT)
    try:
        storage = HttpLogStorage(url, client)
        report = verify_log(storage, log_vkey)
    finally:
        if own:
            client.close()
    signed = storage.checkpoint
    assert signed is not None  # verify_log read and verified it
    status = policy_status(oversight, signed, policy_name) if oversight else None
    return RemoteVerification(report, storage.requests, status)
