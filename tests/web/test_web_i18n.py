"""Translations: every string of the web pages and the document, in every language."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from babel.messages.checkers import python_format
from corridor_web_testing import PEOPLE, sign_in
from fastapi.testclient import TestClient

from corridor import services
from corridor.bootstrap import Context
from corridor.web.i18n import LANGUAGES, extract_messages, negotiate, read_catalogue

TRANSLATED = [code for code in LANGUAGES if code != "en"]
# The officer flows: the pages a customs officer and a checkpoint agent work in.
OFFICER_TEMPLATES = ("checkpoint", "movement", "_macros", "_movement_facts", "queue",
                     "enquiries", "base", "forms.py", "labels.py")  # fmt: skip


@pytest.fixture(scope="module")
def messages() -> dict[str, list[str]]:
    return extract_messages()


def test_the_officer_flows_are_extracted(messages: dict[str, list[str]]) -> None:
    places = {place for where in messages.values() for place in where}
    for name in OFFICER_TEMPLATES:
        assert any(name in place for place in places), f"no string extracted from {name}"
    assert "Record passage (seals intact)" in messages
    assert "Release for transit" in messages


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(language: str, messages: dict[str, list[str]]) -> None:
    catalogue = read_catalogue(language)
    untranslated = [
        f"{text!r} ({', '.join(messages[text][:2])})"
        for text in sorted(messages)
        if text not in catalogue or not catalogue[text].string or catalogue[text].fuzzy
    ]
    assert not untranslated, f"{language}: {len(untranslated)} untranslated: {untranslated[:10]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_are_kept(language: str) -> None:
    catalogue = read_catalogue(language)
    for message in catalogue:
        if message.id and message.string:
            python_format(catalogue, message)  # raises TranslationError on a mismatch


def test_the_language_is_chosen_by_the_person_then_the_browser() -> None:
    assert negotiate("hy", "ru,en") == "hy"
    assert negotiate(None, "tr-TR,tr;q=0.9,en;q=0.5") == "tr"
    assert negotiate("xx", "de") == "en"


def test_a_checkpoint_agent_works_in_armenian(
    web: TestClient, people: dict[str, str], lodged: str
) -> None:
    sign_in(web, people["gate_nrn"], lang="hy")
    page = web.get("/ui/checkpoint")
    assert '<html lang="hy">' in page.text
    assert "Սկանավորել ուղեկցող փաստաթուղթը" in page.text
    assert "Scan the accompanying document" not in page.text
    assert PEOPLE["gate_nrn"].id in page.text


class _VisibleText(HTMLParser):
    """The words a person sees (and hears: labels of controls), not scripts or code."""

    HIDDEN = ("script", "style", "code", "template", "pre")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in self.HIDDEN
        self.texts += [v for k, v in attrs if k in ("aria-label", "title", "alt") and v]

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in self.HIDDEN

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


# Words the other languages write as English does; the brand; the test people's ids.
SAME_IN_OTHER_LANGUAGES = {"corridor", "risk", "operator", "median", "transit", "server"}
CONSOLES = {
    "gate_nrn": ["/ui/checkpoint", "/ui/checkpoint/{mrn}", "/ui/movements"],
    "customs_az": ["/ui/queue", "/ui/enquiries", "/ui/movements/{mrn}", "/ui/screening"],
    "operator": ["/ui/dashboard", "/ui/log"],
    "monitor": ["/ui/aggregates"],
    "carrier": ["/ui/lodge", "/ui/documents", "/ui/movements/{mrn}"],
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_is_left_on_the_pages(
    web: TestClient, web_ctx: Context, people: dict[str, str], lodged: str, language: str
) -> None:
    """Every console's pages in another language, read as a person reads them: a word
    of the English strings (four letters or more) is a string the templates show
    without ``_()``, or a catalogue left behind. (Names, goods and codes are data.)"""
    english = {w.lower() for text in extract_messages() for w in re.findall(r"[^\W\d_]{4,}", text)}
    known = SAME_IN_OTHER_LANGUAGES | {w for p in PEOPLE.values() for w in re.findall(r"\w+", p.id)}
    services.accept(web_ctx, lodged, PEOPLE["customs_az"])
    services.release(web_ctx, lodged, PEOPLE["customs_az"], seals=("AZ-0001",))
    left = set()
    for who, paths in CONSOLES.items():
        sign_in(web, people[who], lang=language)
        for path in paths:
            seen = _VisibleText()
            seen.feed(web.get(path.format(mrn=lodged)).text)
            for text in seen.texts:
                words = {w for w in re.findall(r"[^\W\d_]{4,}", text) if w.isascii()}
                if {w.lower() for w in words} & (english - known):
                    left.add(f"{path}: {text[:70]!r}")
    assert not left, f"{language}: English on the page:\n" + "\n".join(sorted(left))
