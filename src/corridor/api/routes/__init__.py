"""Every router of the API, in the order they appear in the OpenAPI document.

To add a resource, write its router in a module here and append it to ``ROUTERS``.
"""

from __future__ import annotations

from fastapi import APIRouter

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
