"""The languages of the web pages and the accompanying document, as their speakers
write their names (English is the source language; the others are catalogues).

No imports, so that the CLI can offer the languages without loading Babel or Jinja."""

from __future__ import annotations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "hy": "Հայերեն",
    "az": "Azərbaycan",
    "ru": "Русский",
    "tr": "Türkçe",
}
DEFAULT = "en"
