"""The layout of the transit accompanying document (A4, fpdf2, DejaVu Sans so that
Armenian, Azerbaijani, Cyrillic and Turkish names print as written)."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from babel.dates import format_datetime
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from corridor.documents.qr import dark_runs, qr_matrix
from corridor.web import quantities
from corridor.web.labels import LABELS as CODE_WORDS

if TYPE_CHECKING:
    from corridor.documents.service import DocumentData


def N_(message: str) -> str:
    return message


FONTS = files("matplotlib") / "mpl-data" / "fonts" / "ttf"
QR_SIZE = 86.0  # mm: large enough to scan a dense code from paper
MARGIN = 12.0
LINE = 5.2

TITLE = N_("Transit accompanying document")
LABELS = {
    "mrn": N_("MRN"),
    "type": N_("Declaration type"),
    "lrn": N_("Local reference (LRN)"),
    "holder": N_("Holder"),
    "guarantee": N_("Guarantee"),
    "transport": N_("Means of transport"),
    "containers": N_("Containers"),
    "released": N_("Released"),
    "time_limit": N_("Time limit"),
    "seals": N_("Seals"),
    "itinerary": N_("Itinerary"),
    "goods": N_("Goods"),
    "consignor": N_("Consignor"),
    "consignee": N_("Consignee"),
    "gross_mass": N_("Total gross mass"),
    "control": N_("Control"),
}
ROUTE_ROLES = {
    "departure": N_("Office of departure"),
    "en_route": N_("Checkpoint en route"),
    "destination": N_("Office of destination"),
}
GOODS_HEAD = (N_("HS code"), N_("Description"), N_("Packages"), N_("Gross mass (kg)"))
QR_NOTE = N_(
    "The QR code holds the transparency-log receipt (C2SP tlog-proof) of the release: "
    "entry %(index)s of %(origin)s, in the checkpoint of size %(size)s. Anyone can "
    "check it offline: save the code's text to a file and run "
    "“corridor log check-receipt FILE --vkey KEY” with the log's published key:"
)


def render_pdf(data: DocumentData, t: Callable[[str], str], lang: str) -> bytes:
    pdf = _document(data, t)
    _header(pdf, data, t, lang)
    _qr(pdf, data.qr_payload)
    _particulars(pdf, data, t, lang)
    _itinerary(pdf, data, t, lang)
    _goods(pdf, data, t, lang)
    _verification(pdf, data, t)
    return bytes(pdf.output())


def _document(data: DocumentData, t: Callable[[str], str]) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=MARGIN)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVuMono", "", str(FONTS / "DejaVuSansMono.ttf"))
    pdf.set_title(f"{t(TITLE)} {data.movement.mrn}")
    pdf.set_subject(data.movement.mrn)
    pdf.set_creator("corridor")
    pdf.set_creation_date(data.issued_at)
    pdf.add_page()
    return pdf


def _header(pdf: FPDF, data: DocumentData, t: Callable[[str], str], lang: str) -> None:
    width = pdf.epw - QR_SIZE - 6
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(width, 7, t(TITLE), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(width, 4.5, data.corridor.name, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width, 5, t(LABELS["mrn"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVuMono", "", 20)
    pdf.cell(width, 10, data.movement.mrn, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _qr(pdf: FPDF, payload: bytes) -> None:
    matrix = qr_matrix(payload)
    module = QR_SIZE / len(matrix)
    left, top = pdf.w - MARGIN - QR_SIZE, MARGIN
    pdf.set_fill_color(0, 0, 0)
    for row, column, length in dark_runs(matrix):
        pdf.rect(left + column * module, top + row * module, length * module, module, style="F")


def _particulars(pdf: FPDF, data: DocumentData, t: Callable[[str], str], lang: str) -> None:
    movement, d = data.movement, data.movement.declaration
    vehicle, train = d.transport.vehicle, d.transport.train
    transport = (
        " + ".join([vehicle.plate, *vehicle.trailer_plates]) + f" ({vehicle.country})"
        if vehicle else f"{train.number}: " + ", ".join(w.number for w in train.wagons)
        if train else ""
    )  # fmt: skip
    rows: list[tuple[str, str]] = [
        ("type", str(d.declaration_type)),
        ("lrn", d.lrn),
        ("holder", f"{d.holder.name}, {d.holder.identification_number} ({d.holder.country})"),
        ("guarantee", f"{_words(t, d.guarantee.type)} {d.guarantee.reference}"),
        ("transport", f"{_words(t, d.transport.mode)}: {transport}"),
        ("released", _when(movement.released_at, lang)),
        ("time_limit", _when(movement.time_limit, lang)),
    ]
    if d.transport.containers:
        rows.insert(5, ("containers", ", ".join(d.transport.containers)))
    if movement.control:
        rows.append(("control", _words(t, movement.control)))
    width = pdf.epw - QR_SIZE - 6
    for key, value in rows:
        _row(pdf, t(LABELS[key]), value, width)
    pdf.set_y(max(pdf.get_y(), MARGIN + QR_SIZE + 2))
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 11)
    count = len(movement.seals)
    pdf.cell(0, 6, f"{t(LABELS['seals'])} ({count})", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVuMono", "", 12)
    _lines(pdf, 6, "  ".join(movement.seals) or "—")
    consignment = d.consignments[0]
    _row(pdf, t(LABELS["consignor"]), _party(consignment.consignor), pdf.epw)
    _row(pdf, t(LABELS["consignee"]), _party(consignment.consignee), pdf.epw)


def _itinerary(pdf: FPDF, data: DocumentData, t: Callable[[str], str], lang: str) -> None:
    _heading(pdf, t(LABELS["itinerary"]))
    itinerary = data.movement.declaration.itinerary
    stops = [(itinerary.departure, "departure")]
    stops += [(code, "en_route") for code in data.movement.en_route]
    stops.append((itinerary.destination, "destination"))
    pdf.set_font("DejaVu", "", 9.5)
    for number, (code, role) in enumerate(stops, start=1):
        office = data.corridor.office(code)
        local = office.names.get(_local_language(data, office.state), "")
        name = office.name(lang) + (f" / {local}" if local and local != office.name(lang) else "")
        text = f"{number}. {name} ({code}, {office.state}) — {t(ROUTE_ROLES[role])}"
        pdf.cell(0, LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _local_language(data: DocumentData, state: str) -> str:
    return {"AM": "hy", "AZ": "az"}.get(state, data.corridor.languages[0])


def _goods(pdf: FPDF, data: DocumentData, t: Callable[[str], str], lang: str) -> None:
    _heading(pdf, t(LABELS["goods"]))
    declaration = data.movement.declaration
    pdf.set_font("DejaVu", "", 8.5)
    with pdf.table(col_widths=(18, 98, 30, 30), text_align="LEFT", line_height=4.6) as table:
        table.row([t(h) for h in GOODS_HEAD])
        for item in declaration.items:
            table.row([
                item.hs_code, item.description, f"{item.packages.count} {item.packages.kind}",
                quantities.number(item.gross_mass_kg, lang),
            ])  # fmt: skip
    pdf.ln(1)
    total = quantities.mass_kg(declaration.total_gross_mass_kg, lang)
    _row(pdf, t(LABELS["gross_mass"]), total, pdf.epw)


def _verification(pdf: FPDF, data: DocumentData, t: Callable[[str], str]) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "", 8)
    values: dict[str, Any] = {
        "index": data.receipt.index, "origin": data.log_origin, "size": data.log_size,
    }  # fmt: skip
    _lines(pdf, 4, t(QR_NOTE) % values)
    pdf.set_font("DejaVuMono", "", 7.5)
    _lines(pdf, 4, data.log_vkey)


def _words(t: Callable[[str], str], code: str) -> str:
    """A code (a guarantee type, a mode, a kind of control) in the reader's words."""
    return t(CODE_WORDS[str(code)]) if str(code) in CODE_WORDS else str(code)


def _row(pdf: FPDF, label: str, value: str, width: float) -> None:
    pdf.set_font("DejaVu", "B", 9)
    pdf.cell(42, LINE, label)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(width - 42, LINE, value or "—", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _lines(pdf: FPDF, height: float, text: str) -> None:
    pdf.multi_cell(0, height, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _party(party: Any) -> str:
    return f"{party.name} ({party.country})"


def _when(value: Any, lang: str) -> str:
    if value is None:
        return "—"
    return format_datetime(value, "yyyy-MM-dd HH:mm", tzinfo=None, locale=lang) + " UTC"
