"""Translations: every string of the web pages and the document, in every language."""

from __future__ import annotations

import pytest
from babel.messages.checkers import python_format
from corridor_web_testing import PEOPLE, sign_in
from fastapi.testclient import TestClient

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
