"""Every router of the API, in the order they appear in the OpenAPI document.

To add a resource, write its router in a module here and append it to ``ROUTERS``.
``install`` gives an app the API's routes: POST /movements, the hottest, as a route of
the app's own (``movements.add_lodging_route``), then every router of ``ROUTERS``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from corridor.api.routes import (
    actions,
    corridor,
    dismissals,
    log,
    movements,
    reviews,
    screening,
    statistics,
    system,
)

ROUTERS: list[APIRouter] = [
    movements.router,
    actions.router,
    screening.router,
    reviews.router,
    dismissals.router,
    statistics.router,
    corridor.router,
    system.router,
    log.router,
]


def install(app: FastAPI) -> None:
    """The API's routes, in the order of the OpenAPI document (POST /movements first)."""
    movements.add_lodging_route(app.router)
    for router in ROUTERS:
        app.include_router(router)
