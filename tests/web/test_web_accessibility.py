"""Labels on every control, keyboard use and a visible focus, in-process: every page of
every console is rendered and read with the standard library's HTML parser; the style
sheet's focus ring is checked for contrast. (The browser test tabs through pages.)"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from typing import Any

import pytest
from corridor_web_testing import PEOPLE, sign_in
from fastapi.testclient import TestClient
from test_web_contrast import CSS, RULE, colour, ratio, variables

from corridor import services
from corridor.bootstrap import Context
from corridor.web import charts
from corridor.web.render import NAVIGATION

CONTROLS = ("input", "select", "textarea")


class Page(HTMLParser):
    """What the checks need of a page: its controls, buttons, links, labels and ids."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[dict[str, Any]] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.html_lang = ""
        self.title = ""
        self._open: list[dict[str, Any]] = []  # open elements that collect their text
        self._labels = 0  # how many <label> elements are open
        self.feed(html)

    def handle_starttag(self, tag: str, attributes: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attributes}
        element = {"tag": tag, "attrs": attrs, "text": "", "in_label": self._labels > 0}
        if tag == "title" and self.elements and self.elements[-1]["tag"] == "svg":
            self.elements[-1]["titled"] = True  # an image's name
        self.elements.append(element)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "html":
            self.html_lang = attrs.get("lang", "")
        if tag == "label":
            self._labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        if tag in ("button", "a", "title", "label", "option", "legend", "summary"):
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._labels -= 1
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position]["tag"] == tag:
                closed = self._open.pop(position)
                if tag == "title" and not self.title:
                    self.title = closed["text"].strip()
                break

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element["text"] += data


def problems(html: str) -> list[str]:
    """What keeps a person from reading or working this page with a screen reader or a
    keyboard alone; empty when nothing does."""
    page = Page(html)
    found = []
    if not page.html_lang:
        found.append("<html> has no lang")
    if not page.title:
        found.append("the page has no title")
    duplicated = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicated:
        found.append(f"ids used twice: {duplicated}")
    for element in page.elements:
        found += _element_problems(element, page)
    return found


def _element_problems(element: dict[str, Any], page: Page) -> list[str]:
    tag, attrs = element["tag"], element["attrs"]
    shown = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs.items())}>"
    found = []
    tabindex = attrs.get("tabindex", "0")
    if tabindex.lstrip("-").isdigit() and int(tabindex) > 0:
        found.append(f"positive tabindex (out of reading order): {shown}")
    for reference in ("aria-describedby", "aria-labelledby"):
        missing = [i for i in attrs.get(reference, "").split() if i not in page.ids]
        if missing:
            found.append(f"{reference} names no element {missing}: {shown}")
    if _named(element, page):
        return found
    return [*found, f"no accessible name: {shown}"]


def _named(element: dict[str, Any], page: Page) -> bool:
    tag, attrs = element["tag"], element["attrs"]
    if attrs.get("aria-label", "").strip() or attrs.get("aria-labelledby"):
        return True
    if tag in CONTROLS:
        if attrs.get("type") == "hidden":
            return True
        if attrs.get("type") in ("submit", "button", "reset"):
            return bool(attrs.get("value", "").strip())
        return attrs.get("id", "") in page.label_for or element["in_label"]
    if tag == "button" or (tag == "a" and "href" in attrs):
        return bool(element["text"].strip())
    if tag == "svg" and attrs.get("role") == "img":
        return bool(element.get("titled"))
    return True


def test_the_checks_find_what_they_look_for() -> None:
    """Each check fails where it should (and the pages below pass them)."""
    good = (
        '<html lang="en"><head><title>t</title></head><body>'
        '<label for="a">A</label><input id="a" aria-describedby="h"><div id="h"></div>'
        '<label>B <select name="b"></select></label><input type="hidden" name="c">'
        '<button type="submit">Go</button><a href="/x">X</a></body></html>'
    )
    assert problems(good) == []
    bad = {
        '<input id="z">': "no accessible name",
        '<label for="a">A</label><input id="b">': "no accessible name",
        "<textarea></textarea>": "no accessible name",
        '<button type="button"> </button>': "no accessible name",
        '<a href="/x"></a>': "no accessible name",
        '<button aria-label="Close" tabindex="2">x</button>': "positive tabindex",
        '<input aria-label="A" aria-describedby="gone">': "names no element",
        '<i id="d"></i><b id="d"></b>': "ids used twice",
        '<svg role="img"><text>3</text></svg>': "no accessible name",
    }
    for html, expected in bad.items():
        found = problems(f'<html lang="en"><title>t</title>{html}</html>')
        assert any(expected in problem for problem in found), (html, found)
    assert "the page has no title" in problems('<html lang="en"></html>')


def _pages(web_ctx: Context, mrn: str) -> dict[str, list[str]]:
    """Every page of every console (their menus), with a movement and its forms."""
    pages: dict[str, list[str]] = defaultdict(list)
    for who in PEOPLE:
        for href, _ in NAVIGATION[PEOPLE[who].role]:
            pages[who].append(href)
    pages["carrier"] += [f"/ui/movements/{mrn}", f"/ui/movements/{mrn}/amend", "/ui/whoami"]
    pages["customs_az"] += [f"/ui/movements/{mrn}"]
    pages["gate_nrn"] += [f"/ui/checkpoint/{mrn}"]
    return pages


@pytest.mark.parametrize("language", ["en", "hy"])
def test_every_control_of_every_page_has_a_label(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str, language: str
) -> None:
    checked = 0
    assert problems(web.get("/ui/sign-in").text) == []
    for who, paths in _pages(web_ctx, lodged).items():
        sign_in(web, people[who], lang=language)
        for path in paths:
            answer = web.get(path)
            assert answer.status_code == 200, (who, path, answer.status_code)
            assert problems(answer.text) == [], (who, path)
            checked += 1
        if who == "customs_az":  # the release form, once accepted
            services.accept(web_ctx, lodged, PEOPLE[who])
            assert problems(web.get(f"/ui/movements/{lodged}").text) == []
    assert checked >= 20


def test_a_refused_form_keeps_its_labels(web: TestClient, people: dict[str, str]) -> None:
    sign_in(web, people["carrier"])
    page = web.get("/ui/lodge")
    csrf = page.text.split('name="csrf" value="')[1].split('"')[0]
    refused = web.post("/ui/lodge", data={"csrf": csrf, "lrn": "X", "transport.mode": "rail"})
    assert refused.status_code == 422
    assert problems(refused.text) == []
    assert 'aria-invalid="true"' in refused.text


# --- The focus ring and the charts: contrast from the style sheet and the chart code -----


# Where each focus rule's ring is drawn (2 px outside the element): on the page and its
# panels and messages, or on the dark band at the top.
RINGS = {
    ":focus-visible": ("--bg", "--panel", "--ok-bg", "--error-bg", "--green-bg", "--red-bg"),
    "header.band :focus-visible": ("--band",),
}


def test_the_focus_is_always_visible() -> None:
    """A ring of 2 px or more on every focused element, in a colour that stands out
    (3:1, WCAG 1.4.11) from the surface around it; no rule takes the outline away."""
    names = variables()
    rules = {
        selector.strip(): dict(re.findall(r"([\w-]+)\s*:\s*([^;]+)", body))
        for selector, body in RULE.findall(CSS)
        if "focus" in selector
    }
    assert {s for s in rules if ":focus-visible" in s} == set(RINGS)
    width, style, ring = rules[":focus-visible"]["outline"].split()
    assert int(width.removesuffix("px")) >= 2
    assert style == "solid"
    for selector, surfaces in RINGS.items():
        colour_of_ring = colour(rules[selector].get("outline-color", ring), names)
        for surface in surfaces:
            assert ratio(colour_of_ring, names[surface]) >= 3, (selector, surface)
    assert not re.search(r"outline\s*:\s*(none|0)", CSS)


@pytest.mark.parametrize("text", ["--text", "--muted", "--link", "--error-text", "--ok-text"])
def test_text_reads_on_every_surface_of_the_content(text: str) -> None:
    """Hints, links and messages also stand in panels and on the status messages."""
    names = variables()
    for surface in ("--bg", "--panel"):
        assert ratio(names[text], names[surface]) >= 4.5, (text, surface)


def test_charts_are_described_and_their_colours_stand_out() -> None:
    svg = charts.bars({"green": 3, "red": 1}, "Screening channels")
    assert "<title>Screening channels</title>" in svg
    assert ">3<" in svg  # each bar carries its value: colour is not the only sign
    for series in (*charts.PALETTE, *charts.CHANNEL_COLOURS.values()):
        assert ratio(series, "#ffffff") >= 3, series
    assert ratio(charts.TEXT, "#ffffff") >= 4.5
