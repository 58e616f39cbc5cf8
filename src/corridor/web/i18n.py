"""Languages of the web pages and the accompanying document: catalogues, choice, Jinja.

The catalogues are the ``.po`` files under ``translations/<lang>/LC_MESSAGES/``; they are
compiled in memory the first time a language is used (so there is no build step and no
``.mo`` file to go stale). ``extract_messages`` lists every string the web layer and the
document show, which the tests hold against every catalogue.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from corridor.web.languages import DEFAULT, LANGUAGES

WEB = Path(__file__).parent
TRANSLATIONS = WEB / "translations"
TEMPLATES = WEB / "templates"
SOURCES = (WEB, WEB.parent / "documents")
DOMAIN = "messages"
__all__ = ["DEFAULT", "LANGUAGES", "environment", "gettext_for", "negotiate"]

EXTRACTION = [
    ("**.py", "python"),
    ("**.html", "jinja2.ext:babel_extract"),
]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> Translations:
    """The compiled catalogue of ``language`` (English: the strings as written)."""
    if language == DEFAULT or language not in LANGUAGES:
        return Translations()
    with catalogue_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext_for(language: str) -> Callable[[str], str]:
    return translations(language).gettext


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; translate it where it is shown."""
    return message


def negotiate(wanted: str | None, accept_language: str | None) -> str:
    """The language asked for, else the first of Accept-Language that we have, else English."""
    if wanted in LANGUAGES:
        return wanted
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower().split("-")[0]
        if tag in LANGUAGES:
            return tag
    return DEFAULT


@cache
def environment(language: str) -> Environment:
    """One Jinja environment per language, its gettext installed (thread-safe to share)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env


def extract_messages() -> dict[str, list[str]]:
    """Every translatable string of the web layer and the document, with where it is."""
    found: dict[str, list[str]] = {}
    for root in SOURCES:
        for filename, line, message, _comments, _context in extract_from_dir(
            root, EXTRACTION, keywords=KEYWORDS, options_map={"**.html": {"trimmed": "true"}}
        ):
            for text in _singulars(message):
                found.setdefault(text, []).append(f"{root.name}/{filename}:{line}")
    return found


def _singulars(message: str | tuple[str, ...] | Any) -> Iterable[str]:
    if isinstance(message, tuple):
        return [m for m in message if m]
    return [message] if message else []


def read_catalogue(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as handle:
        return read_po(handle, locale=language)
