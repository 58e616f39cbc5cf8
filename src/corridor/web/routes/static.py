"""The web pages' static files (style sheet, scripts), from the package: no download."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from corridor.domain.errors import NotFound

router = APIRouter(prefix="/ui/static", include_in_schema=False)
STATIC = Path(__file__).parent.parent / "static"
TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@router.get("/{name}")
def static_file(name: str) -> Response:
    path = STATIC / name
    if path.suffix not in TYPES or path.parent != STATIC or not path.is_file():
        raise NotFound(f"no static file {name}")
    return FileResponse(path, media_type=TYPES[path.suffix], headers={"Cache-Control": "no-cache"})
