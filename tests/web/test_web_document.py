"""The transit accompanying document: the PDF renders, and its QR code decodes to the
release's tlog-proof receipt, which `corridor log check-receipt` accepts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from corridor_web_testing import PEOPLE, require_tool
from fastapi.testclient import TestClient

from corridor import log_service, services
from corridor.bootstrap import Context
from corridor.documents.qr import dark_runs, qr_matrix
from corridor.ledger.entry import parse_entry
from corridor.ledger.proof import Receipt, format_receipt, parse_receipt
from corridor_testing import cli_runner

BEARER = "Bearer {}"


def release(ctx: Context, mrn: str) -> None:
    services.accept(ctx, mrn, PEOPLE["customs_az"])
    services.release(ctx, mrn, PEOPLE["customs_az"], seals=("AZ-0001", "AZ-0002"))


def rendered_qr(pdf: Path, tmp_path: Path) -> bytes:
    """The PDF's first page as a picture (pdftoppm), and the QR code read from it (zbarimg)."""
    pdftoppm, zbarimg = require_tool("pdftoppm"), require_tool("zbarimg")
    prefix = tmp_path / "page"
    subprocess.run([pdftoppm, "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(prefix)],
                   check=True, timeout=60)  # fmt: skip
    image = next(tmp_path.glob("page*.png"))
    read = subprocess.run([zbarimg, "--raw", "-q", "-Sbinary", str(image)],
                          capture_output=True, check=True, timeout=60)  # fmt: skip
    return read.stdout


def test_the_document_waits_for_release_and_for_the_log(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str
) -> None:
    headers = {"Authorization": BEARER.format(people["carrier"])}
    before = web.get(f"/movements/{lodged}/document.pdf", headers=headers)
    assert before.status_code == 422
    assert "issued when customs release it" in before.json()["detail"]
    release(web_ctx, lodged)
    pending = web.get(f"/movements/{lodged}/document.pdf", headers=headers)
    assert pending.status_code == 422
    assert "not in the transparency log yet" in pending.json()["detail"]
    log_service.integrate_all(web_ctx)
    issued = web.get(f"/movements/{lodged}/document.pdf", headers=headers)
    assert issued.status_code == 200
    assert issued.headers["content-type"] == "application/pdf"
    assert issued.content.startswith(b"%PDF-")
    monitor = {"Authorization": BEARER.format(people["monitor"])}
    assert web.get(f"/movements/{lodged}/document.pdf", headers=monitor).status_code == 403
    assert web.get(f"/movements/{lodged}/document.pdf").status_code == 401


def test_the_qr_code_decodes_to_a_receipt_check_receipt_accepts(
    web_ctx: Context,
    lodged: str,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    release(web_ctx, lodged)
    log_service.integrate_all(web_ctx)
    cli = cli_runner(monkeypatch, capsys, CORRIDOR_DB=database_url)
    pdf = tmp_path / "document.pdf"
    assert cli("document", lodged, "--out", str(pdf)).code == 0
    decoded = rendered_qr(pdf, tmp_path)
    receipt = parse_receipt(decoded)
    assert receipt.extra is not None
    entry = parse_entry(receipt.extra)
    assert (entry["mrn"], entry["type"]) == (lodged, "movement.release")
    saved = tmp_path / "scanned.tlog-proof"
    saved.write_bytes(decoded)
    checked = cli("log", "check-receipt", str(saved))
    assert checked.code == 0 and f"receipt OK: movement.release of {lodged}" in checked.out
    tampered = tmp_path / "tampered.tlog-proof"
    tampered.write_bytes(decoded.replace(b"index ", b"index 1", 1))
    assert cli("log", "check-receipt", str(tampered)).code == 2


def test_the_document_prints_in_the_person_s_language(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str, tmp_path: Path
) -> None:
    pdftotext = require_tool("pdftotext")
    release(web_ctx, lodged)
    log_service.integrate_all(web_ctx)
    headers = {"Authorization": BEARER.format(people["gate_nrn"])}
    answer = web.get(f"/movements/{lodged}/document.pdf?lang=hy", headers=headers)
    pdf = tmp_path / "hy.pdf"
    pdf.write_bytes(answer.content)
    text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode().replace("\n", " ")  # fmt: skip
    assert "Տարանցման ուղեկցող փաստաթուղթ" in text
    assert lodged in text
    assert "AZ-0001" in text
    assert "Նռնաձոր" in text  # the Armenian checkpoint, named as written there
    assert "TIR գրքույկ" in text and "ճանապարհային" in text  # guarantee and mode in words
    assert "tir_carnet" not in text


def test_the_qr_is_drawn_as_runs_of_dark_modules() -> None:
    matrix = qr_matrix(b"26AZ0HRD01000001J4")
    runs = dark_runs(matrix)
    assert sum(length for _, _, length in runs) == sum(map(sum, matrix))
    assert all(matrix[y][x + n - 1] and matrix[y][x] for y, x, n in runs)


def test_a_full_receipt_fits_one_code() -> None:
    """A receipt deep in a large log still fits: 20 proof hashes and three cosignatures."""
    cosigned = b"x" * 240 + b"\n\n" + ("\u2014 w AAAA" + "A" * 100 + "\n").encode() * 4
    receipt = Receipt(1_000_000, tuple(bytes(32) for _ in range(20)), cosigned, b"e" * 420)
    assert len(qr_matrix(format_receipt(receipt))) <= 177 + 8
