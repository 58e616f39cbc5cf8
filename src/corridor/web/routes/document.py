"""``GET /movements/{mrn}/document.pdf``: the transit accompanying document, for whoever
may see the movement, signed in with the web cookie or a bearer token like the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from corridor.api.problems import api_problem, problem_responses
from corridor.bootstrap import Context
from corridor.documents.service import accompanying_document
from corridor.web import session
from corridor.web.i18n import gettext_for
from corridor.web.render import language

router = APIRouter(prefix="/movements", tags=["documents"])
Ctx = Annotated[Context, Depends(session.context)]


@router.get(
    "/{mrn}/document.pdf",
    summary="The transit accompanying document (PDF)",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **problem_responses(401, 404, 422)},
)
def document_pdf(mrn: str, request: Request, ctx: Ctx) -> Response:
    """An A4 PDF with the movement's data, seals and itinerary, and a QR code holding the
    tlog-proof receipt of its release (``?lang=hy`` and the other web languages)."""
    principal = session.principal_or_none(request)
    if principal is None:
        raise api_problem("unauthenticated", "sign in, or send a bearer token",
                          {"WWW-Authenticate": "Bearer"})  # fmt: skip
    lang = language(request)
    pdf = accompanying_document(ctx, mrn, principal, gettext_for(lang), lang)
    filename = f"{mrn.strip().upper()}-accompanying-document.pdf"
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{filename}"'})  # fmt: skip
