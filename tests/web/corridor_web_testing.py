"""Helpers for the web tests (imported by name; tests/web/conftest.py holds fixtures)."""

from __future__ import annotations

import os
import re
import shutil
from typing import Any

import pytest
from fastapi.testclient import TestClient

from corridor import accounts, services
from corridor.bootstrap import Context
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.store.codec import declaration_from_json

HOLDER = "AZE/041/00217"  # the holder of examples/road-horadiz-nakhchivan.json
PEOPLE = {
    "carrier": Principal("carrier-xezer", Role.CARRIER, holder=HOLDER),
    "customs_az": Principal("az-officer", Role.CUSTOMS, state="AZ"),
    "customs_am": Principal("am-officer", Role.CUSTOMS, state="AM"),
    "gate_nrn": Principal("nrn-agent", Role.FRONT_OFFICE, office="AM0NRN01"),
    "gate_agr": Principal("agr-agent", Role.FRONT_OFFICE, office="AM0AGR01"),
    "operator": Principal("operator", Role.OPERATOR),
    "monitor": Principal("civilian-mission", Role.MONITOR),
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def issue_tokens(ctx: Context) -> dict[str, str]:
    return {name: accounts.add_principal(ctx, p).token for name, p in PEOPLE.items()}


def lodge_example(ctx: Context, data: dict[str, Any], lrn: str = "KHZ-2026-000117") -> str:
    data = dict(data, lrn=lrn)
    return services.lodge(ctx, declaration_from_json(data), PEOPLE["carrier"]).movement.mrn


def sign_in(client: TestClient, token: str, lang: str = "en") -> None:
    """Sign in through the form, as a person does (the cookie stays in the client)."""
    form = client.get("/ui/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', form.text)
    assert nonce is not None
    answer = client.post(
        "/ui/sign-in",
        data={"token": token, "nonce": nonce.group(1), "lang": lang, "next": ""},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None, "the page has no CSRF field"
    return found.group(1)


def require_tool(path_or_name: str) -> str:
    """The tool's path; fail under CI (scripts/browser-up installs it), skip elsewhere."""
    found = shutil.which(path_or_name)
    if found is None:
        message = f"{path_or_name} is missing: run scripts/browser-up"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found
