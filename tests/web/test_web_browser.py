"""End to end in a real browser (Debian's Chromium, headless, driven by Playwright):
a carrier lodges, customs releases, a checkpoint officer working in Armenian records
passage with the keyboard only, the operator sees it on the dashboard, and a monitor
verifies the inclusion proof in the page.

Screenshots go to a temporary folder, so that a test run leaves the tree as it was; with
``CORRIDOR_SCREENSHOTS=docs/screenshots`` (``make screenshots``) they replace the ones the
README shows."""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from corridor_web_testing import CHROMIUM, CHROMIUM_ARGS, issue_tokens, require_tool

from corridor.bootstrap import Settings, bootstrap
from corridor_testing import EXAMPLE, ROOT, corridor_serving

SCREENSHOTS = "CORRIDOR_SCREENSHOTS"
# Every screenshot the test takes; the README shows each (test_the_readme_shows_them).
SHOTS = ("carrier-lodge", "customs-release", "checkpoint-passage-hy", "operator-dashboard",
         "monitor-log-verified")  # fmt: skip
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """`corridor serve` (with its sequencer) on a loopback port and a fresh SQLite file."""
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'corridor.sqlite'}"
    ctx = bootstrap(Settings(database_url=url, random_control_rate=0.0), initialise=True)
    tokens = issue_tokens(ctx)
    ctx.close()
    env = os.environ | {"CORRIDOR_RANDOM_CONTROL_RATE": "0"}
    with corridor_serving(["--db", url], folder / "server.log", env) as base:
        yield base, tokens


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """Playwright, which drives Debian's Chromium (never a downloaded browser)."""
    require_tool(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(driver: Any) -> Iterator[Any]:
    chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def person(browser: Any, base: str, token: str, lang: str = "en") -> Any:
    """A new browser profile, signed in through the form."""
    page = browser.new_context(viewport={"width": 1100, "height": 820}, base_url=base).new_page()
    page.set_default_timeout(20_000)
    page.goto("/ui/sign-in")
    page.get_by_label("Token").fill(token)
    page.locator("#sign-in-language").select_option(lang)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/ui/sign-in" not in url)  # on to the role's first page
    page.wait_for_load_state()
    return page


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``$CORRIDOR_SCREENSHOTS`` (relative to the project), else a
    temporary folder."""
    wanted = os.environ.get(SCREENSHOTS)
    folder = ROOT / wanted if wanted else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shoot(page: Any, folder: Path, name: str) -> None:
    assert name in SHOTS, f"add {name} to SHOTS and to the README"
    page.screenshot(path=str(folder / f"{name}.png"))


def test_the_readme_shows_every_screenshot() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\]\((docs/screenshots/[^)]+\.png)\)", readme)
    assert sorted(shown) == sorted(f"docs/screenshots/{name}.png" for name in SHOTS)
    assert all((ROOT / path).is_file() for path in shown)


def test_one_movement_through_every_console(browser: Any, server: Any, shots: Path) -> None:
    base, tokens = server
    mrn = _carrier_lodges(browser, base, tokens["carrier"], shots)
    _customs_releases(browser, base, tokens["customs_az"], mrn, shots)
    _document_is_issued(person(browser, base, tokens["carrier"]), mrn)
    _checkpoint_records_passage_in_armenian(browser, base, tokens["gate_nrn"], mrn, shots)
    _operator_sees_it(browser, base, tokens["operator"], shots)
    _monitor_verifies_inclusion(browser, base, tokens["monitor"], shots)


def _carrier_lodges(browser: Any, base: str, token: str, shots: Path) -> str:
    """The form with the keyboard and htmx: problems as one types, the HS code's
    description, a goods item added (the cursor goes to it), a consignment added and
    removed again, only the road vehicle's controls for a road movement."""
    page = person(browser, base, token)
    page.get_by_role("link", name="Lodge a declaration").click()
    for name, value in CARRIER_FORM.items():
        page.locator(f'[name="{name}"]').fill(value)
    page.locator("#f-itinerary-destination").select_option("AZ0NAX01")
    assert page.locator('fieldset[data-mode="rail"]').is_hidden()
    hs = page.get_by_label("HS code (6 digits)")
    hs.fill("52081")  # not yet 6 digits: the page says so as one types
    hs.press("Tab")
    page.locator("#err-f-consignments-0-items-0-hs_code").get_by_text("is not 6 digits").wait_for()
    where = "Consignment 1 › Goods item 1 › HS code (6 digits)"  # its label, not its path
    page.locator("#problems").get_by_role("link", name=where).wait_for()
    page.locator('#f-consignments-0-items-0-hs_code[aria-invalid="true"]').wait_for()
    hs.fill("520812")
    hs.press("Tab")
    page.locator("#problems").get_by_text("The declaration is valid.").wait_for()
    page.locator("#f-consignments-0-items-0-hs_code:not([aria-invalid])").wait_for()
    description = page.locator("#desc-f-consignments-0-items-0-hs_code")
    assert description.inner_text().startswith("Fabrics, woven")
    page.get_by_role("button", name="Add a goods item to consignment 1").click()
    second = page.locator("#f-consignments-0-items-1-hs_code")
    _wait_for_focus(page, "f-consignments-0-items-1-hs_code")
    page.locator("#problems").get_by_text("Problems to fix before lodging").wait_for()
    page.keyboard.type("070200")
    for name, value in SECOND_ITEM.items():
        page.locator(f'[name="consignments[0].items[1].{name}"]').fill(value)
    page.locator("#f-consignments-0-items-1-value-currency").press("Tab")
    page.locator("#problems").get_by_text("The declaration is valid.").wait_for()
    page.get_by_role("button", name="Add a consignment").click()
    _wait_for_focus(page, "f-consignments-1-consignor-name")
    page.get_by_role("button", name="Remove consignment 2").click()
    _wait_for_focus(page, "add-consignment")
    page.locator("#problems").get_by_text("The declaration is valid.").wait_for()
    second.focus()
    second.evaluate("element => element.scrollIntoView({block: 'center'})")
    shoot(page, shots, "carrier-lodge")
    assert page.get_by_role("button", name="Lodge", exact=True).is_visible()
    second.press("Enter")  # lodges (the form's first submit button), adds or removes nothing
    page.wait_for_url("**/ui/movements/*")
    mrn = page.url.split("/")[-1].split("?")[0]
    assert page.get_by_role("heading", name=f"Movement {mrn}").is_visible()
    assert page.get_by_role("cell", name="070200").is_visible()
    return str(mrn)


CARRIER_FORM = {
    "lrn": "KHZ-2026-BROWSER", "holder.name": "Xəzər Logistika MMC", "holder.country": "AZ",
    "guarantee.reference": "XH81440217", "guarantee.amount.amount_major": "50000",
    "guarantee.amount.currency": "EUR", "transport.vehicle.plate": "10-KR-417",
    "transport.vehicle.country": "AZ", "transport.vehicle.trailer_plates": "10-QA-118",
    "consignments[0].consignor.name": "Gəncə Tekstil ASC",
    "consignments[0].consignor.country": "AZ",
    "consignments[0].consignee.name": "Naxçıvan Ticarət MMC",
    "consignments[0].consignee.country": "AZ", "consignments[0].country_of_destination": "AZ",
    "consignments[0].items[0].description": "Unbleached plain-weave cotton fabric, in rolls",
    "consignments[0].items[0].packages.kind": "RO",
    "consignments[0].items[0].packages.count": "48",
    "consignments[0].items[0].gross_mass_kg": "9650",
    "consignments[0].items[0].value.amount_major": "31200",
    "consignments[0].items[0].value.currency": "USD",
}  # fmt: skip
SECOND_ITEM = {
    "description": "Fresh tomatoes in cartons", "packages.kind": "CT", "packages.count": "600",
    "gross_mass_kg": "7200", "value.amount_major": "5400", "value.currency": "USD",
}  # fmt: skip


def _wait_for_focus(page: Any, element_id: str) -> None:
    """Until the element of that id has the cursor (htmx swaps the rows in, then focuses
    the element marked autofocus: the one of that id in the new rows)."""
    page.wait_for_function("id => document.activeElement?.id === id", arg=element_id)


def _customs_releases(browser: Any, base: str, token: str, mrn: str, shots: Path) -> None:
    page = person(browser, base, token)
    assert page.url.endswith("/ui/queue")
    page.get_by_role("link", name=mrn).click()
    page.get_by_role("button", name="Accept the declaration").click()
    page.get_by_text("Done: Accept the declaration").wait_for()
    page.get_by_label("Seals affixed").fill("AZ-0001\nAZ-0002")
    page.get_by_role("button", name="Release for transit").click()
    page.get_by_text("Done: Release for transit").wait_for()
    assert page.locator("p.seals").inner_text() == "AZ-0001 · AZ-0002"
    shoot(page, shots, "customs-release")


# Only against a sequencer that never gets there: how long a page may wait for the log.
LOGGING_GUARD_MS = 180_000
# What a page asks the server while it waits (Playwright asks again every quarter second:
# a synchronous request, so that each answer is in before the next question).
ASK = """url => {
  const ask = new XMLHttpRequest(); ask.open("GET", url, false); ask.send(); return ask; }"""
ISSUED = f"url => ({ASK})(url).status === 200"
LOGGED = f"n => Number(({ASK})('/log/checkpoint').responseText.split('\\n')[1]) >= n"


def _document_is_issued(page: Any, mrn: str) -> bytes:
    """The document, once the server's sequencer has logged the release (in the
    background, however long a loaded machine takes): the page asks until it is issued."""
    url = f"/movements/{mrn}/document.pdf"
    page.wait_for_function(ISSUED, arg=url, polling=250, timeout=LOGGING_GUARD_MS)
    answer = page.request.get(url)
    pdf = bytes(answer.body())
    page.context.close()
    assert answer.ok and pdf.startswith(b"%PDF-"), pdf[:300]
    return pdf


def _wait_until_logged(page: Any, entries: int) -> None:
    """Until the log's checkpoint covers ``entries`` entries: the page asks the log."""
    page.wait_for_function(LOGGED, arg=entries, polling=250, timeout=LOGGING_GUARD_MS)


def _checkpoint_records_passage_in_armenian(
    browser: Any, base: str, token: str, mrn: str, shots: Path
) -> None:
    """Keyboard only: type the MRN where the cursor is, Enter, Tab to the button, Enter."""
    page = person(browser, base, token, lang="hy")
    assert page.url.endswith("/ui/checkpoint")
    assert page.locator("html").get_attribute("lang") == "hy"
    _wait_for_focus(page, "code")  # the page puts the cursor in the MRN field
    page.keyboard.type(mrn)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/ui/checkpoint/{mrn}")
    button = page.get_by_role("button", name="Գրանցել անցումը (կնիքներն անվնաս են)")
    for _ in range(60):
        page.keyboard.press("Tab")
        if button.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("the passage button cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.get_by_text("Կատարված է").wait_for()
    assert page.locator("ol.route li.done").count() == 2  # departure and Nrnadzor
    shoot(page, shots, "checkpoint-passage-hy")


def _operator_sees_it(browser: Any, base: str, token: str, shots: Path) -> None:
    page = person(browser, base, token)
    assert page.url.endswith("/ui/dashboard")
    figures = page.request.get("/ui/dashboard", headers={"Accept": "application/json"}).json()
    assert figures["fees"]["crossings"] == 1
    assert figures["dwell_hours"]["AM0NRN01"] == {
        "median": None,
        "p90": None,
        "count": 0,
        "without_arrival": 1,
    }
    assert page.locator("svg").count() == 5
    shoot(page, shots, "operator-dashboard")


def _monitor_verifies_inclusion(browser: Any, base: str, token: str, shots: Path) -> None:
    page = person(browser, base, token)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _wait_until_logged(page, 4)  # lodging, acceptance, release, passage
    page.get_by_role("link", name="Transparency log").click()
    page.get_by_label("Entry number").fill("3")
    page.get_by_role("button", name="Verify in this browser").click()
    steps = page.locator("#steps")
    page.wait_for_function("document.getElementById('steps').dataset.result")
    assert not errors, errors
    assert steps.get_attribute("data-result") == "verified", steps.inner_text()
    assert "movement.record_passage" in page.locator("#entry-text").inner_text()
    shoot(page, shots, "monitor-log-verified")
    # The same check fails for a key that is not the log's.
    page.get_by_label("The log's verifier key").fill(
        "tripp.corridor/log+00000000+AQNqFmV1rGpN65rPItlGXvcfXtfs9+B9a73rpO0W35fW"
    )
    page.get_by_role("button", name="Verify in this browser").click()
    page.wait_for_function("document.getElementById('steps').dataset.result === 'failed'")


def test_the_camera_reads_the_document_s_qr_code(
    driver: Any, browser: Any, server: Any, tmp_path: Path
) -> None:
    """A checkpoint officer holds the printed document up to the camera: Chromium's fake
    camera plays the PDF's first page (rendered by pdftoppm, at four distances); the page
    reads the QR code (jsQR), verifies the receipt in the browser and opens the movement.
    A receipt that does not verify opens nothing."""
    base, tokens = server
    mrn = _released_over_the_api(base, tokens, "KHZ-2026-CAMERA")
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(_document_is_issued(person(browser, base, tokens["carrier"]), mrn))
    camera = tmp_path / "camera.y4m"
    camera.write_bytes(camera_video(pdf))
    fake_camera = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                   f"--use-file-for-fake-video-capture={camera}"]  # fmt: skip
    chromium = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + fake_camera)
    try:
        page = person(chromium, base, tokens["gate_nrn"])
        page.get_by_role("button", name="Scan with the camera").click()
        page.wait_for_url(f"**/ui/checkpoint/{mrn}")
        assert page.get_by_role("button", name="Record passage (seals intact)").is_visible()
        page.goto("/ui/checkpoint")
        forged = zbar_text(pdf, tmp_path).replace("index ", "index 1", 1)
        page.evaluate("text => window.corridorScanned(text)", forged)
        page.locator("#scan-result").get_by_text("The receipt did NOT verify").wait_for()
        assert page.url.endswith("/ui/checkpoint")
    finally:
        chromium.close()


def _released_over_the_api(base: str, tokens: dict[str, str], lrn: str) -> str:
    """The example declaration lodged by its carrier and released by customs (HTTP API)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8")) | {"lrn": lrn}
    carrier = {"Authorization": f"Bearer {tokens['carrier']}"}
    customs = {"Authorization": f"Bearer {tokens['customs_az']}"}
    lodged = httpx.post(f"{base}/movements", json=data, headers=carrier, timeout=30)
    assert lodged.status_code == 201, lodged.text
    mrn = str(lodged.json()["mrn"])
    at = {"office": data["itinerary"]["departure"]}
    for action, body in (("accept", at), ("release", at | {"seals": ["AZ-0101"]})):
        done = httpx.post(f"{base}/movements/{mrn}/{action}", json=body, headers=customs,
                          timeout=30)  # fmt: skip
        assert done.status_code == 200, done.text
    return mrn


# A camera's view of the document: 1280 x 720 pixels, the QR code (86 mm square, its
# centre 55 mm from the page's top and right edges) in the middle at four distances.
FRAME = (1280, 720)
QR_CENTRE_MM = (210 - 55, 55)
DISTANCES_DPI = (150, 165, 180, 195)


def camera_video(pdf: Path) -> bytes:
    """A YUV4MPEG2 video (grey frames) for ``--use-file-for-fake-video-capture``."""
    width, height = FRAME
    header = f"YUV4MPEG2 W{width} H{height} F5:1 Ip A1:1 C420jpeg\n".encode()
    chroma = bytes([128]) * (width // 2) * (height // 2) * 2
    return header + b"".join(b"FRAME\n" + _grey_frame(pdf, dpi) + chroma for dpi in DISTANCES_DPI)


def _grey_frame(pdf: Path, dpi: int) -> bytes:
    """The page at ``dpi`` through a 1280 x 720 window on the QR code, white beyond it."""
    width, height = FRAME
    left = round(QR_CENTRE_MM[0] / 25.4 * dpi) - width // 2
    top = round(QR_CENTRE_MM[1] / 25.4 * dpi) - height // 2
    window = ["-x", str(left), "-y", str(top), "-W", str(width), "-H", str(height)]
    pgm = subprocess.run(
        [require_tool("pdftoppm"), "-gray", "-r", str(dpi), "-f", "1", "-l", "1", *window,
         str(pdf)], capture_output=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    magic, size, depth, pixels = pgm.split(b"\n", 3)
    assert (magic, depth) == (b"P5", b"255")
    got_width, got_height = map(int, size.split())
    rows = [pixels[y * got_width : (y + 1) * got_width].ljust(width, b"\xff")
            for y in range(got_height)]  # fmt: skip
    return b"".join(rows).ljust(width * height, b"\xff")


def zbar_text(pdf: Path, folder: Path) -> str:
    """The QR code's text, read from the rendered page by zbarimg."""
    prefix = folder / "page"
    subprocess.run([require_tool("pdftoppm"), "-r", "150", "-png", "-f", "1", "-l", "1",
                    str(pdf), str(prefix)], check=True, timeout=60)  # fmt: skip
    image = next(folder.glob("page*.png"))
    read = subprocess.run([require_tool("zbarimg"), "--raw", "-q", "-Sbinary", str(image)],
                          capture_output=True, check=True, timeout=60)  # fmt: skip
    return read.stdout.decode()


TABBABLE = """() => {
  const all = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]");
  const found = [];
  for (const element of all) {
    if (element.disabled || element.tabIndex < 0 || element.getClientRects().length === 0)
      continue;
    element.dataset.k = String(found.length);
    found.push(element.dataset.k);
  }
  return found;
}"""
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return [element.dataset.k || null, element.outerHTML.slice(0, 120),
          style.outlineStyle, parseFloat(style.outlineWidth)];
}"""


def test_the_keyboard_reaches_every_control_and_shows_where_it_is(
    browser: Any, server: Any
) -> None:
    """Tab goes through every control of the page in reading order and round again (no
    trap), and the focused control always wears a visible ring."""
    base, tokens = server
    for who, path in (("carrier", "/ui/lodge"), ("gate_nrn", "/ui/checkpoint"),
                      ("monitor", "/ui/log"), ("operator", "/ui/dashboard")):  # fmt: skip
        page = person(browser, base, tokens[who])
        page.goto(path)
        tabbable = page.evaluate(TABBABLE)
        assert len(tabbable) >= 5, path
        visited: list[str] = []
        for _ in range(2 * len(tabbable) + 3):  # from where the page put the cursor, round
            page.keyboard.press("Tab")
            key, html, outline, width = page.evaluate(FOCUSED)
            if key is None:
                continue  # the page itself, between the last control and the first
            assert outline != "none" and width >= 2, f"{path}: no focus ring on {html}"
            visited.append(key)
            if tabbable[0] in visited and len(visited) - visited.index(tabbable[0]) == len(
                tabbable
            ):
                break
        start = visited.index(tabbable[0]) if tabbable[0] in visited else 0
        assert visited[start:] == tabbable, f"{path}: not every control, or out of order"
        page.context.close()
