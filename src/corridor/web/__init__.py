"""The people's interfaces: server-rendered pages (Jinja2 + htmx) under ``/ui``, in
English, Armenian, Azerbaijani, Russian and Turkish, one console per role, every page
with a JSON twin (``Accept: application/json``).

``router`` holds every route; the API's ``create_app`` includes it. Pages call the same
services and the same domain checks as the API; nothing here decides anything.
"""

from __future__ import annotations

from fastapi import APIRouter

from corridor.web.routes import (
    account,
    checkpoint,
    document,
    lodging,
    movements,
    oversight,
    static,
)

router = APIRouter()
for _module in (static, account, lodging, checkpoint, movements, oversight, document):
    router.include_router(_module.router)

__all__ = ["router"]
