"""`corridor document MRN`: write the movement's transit accompanying document (PDF)."""

from __future__ import annotations

from pathlib import Path

import typer

from corridor.cli.common import AS_OPTION, console, open_context, parse_principal
from corridor.domain.network import Role
from corridor.domain.principal import Principal
from corridor.web.languages import LANGUAGES


def register(app: typer.Typer) -> None:
    app.command("document")(document)


def document(
    mrn: str = typer.Argument(..., help="The movement's MRN."),
    out: Path | None = typer.Option(
        None, "--out", help="Where to write the PDF (default: MRN.pdf here)."
    ),
    lang: str = typer.Option("en", "--lang", help=f"Language: {', '.join(LANGUAGES)}."),
    as_: str | None = AS_OPTION,
) -> None:
    """Write the transit accompanying document: an A4 PDF whose QR code holds the
    tlog-proof receipt of the release (check it with `corridor log check-receipt`)."""
    if lang not in LANGUAGES:
        raise typer.BadParameter(f"one of {', '.join(LANGUAGES)}", param_hint="--lang")
    from corridor.documents.service import accompanying_document  # fpdf: only when asked
    from corridor.web.i18n import gettext_for

    principal = parse_principal(as_) if as_ else Principal(id="cli", role=Role.OPERATOR)
    ctx = open_context()
    try:
        pdf = accompanying_document(ctx, mrn, principal, gettext_for(lang), lang)
    finally:
        ctx.close()
    target = out or Path(f"{mrn.strip().upper()}.pdf")
    target.write_bytes(pdf)
    console.print(f"{target}: transit accompanying document of {mrn.strip().upper()}")
