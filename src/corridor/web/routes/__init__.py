"""The routers of the web pages (all under /ui, none in the OpenAPI document) and the
accompanying document (``GET /movements/{mrn}/document.pdf``)."""

from __future__ import annotations

from fastapi import APIRouter


def web_router() -> APIRouter:
    """Every route of the web layer, in one router (built when the app is)."""
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
    for module in (static, account, lodging, checkpoint, movements, oversight, document):
        router.include_router(module.router)
    return router
