"""Readable contrast: every text colour of the style sheet on its background, >= 4.5:1
(WCAG 2.x AA), computed from the CSS itself."""

from __future__ import annotations

import re

import pytest

from corridor.web.routes.static import STATIC

CSS = (STATIC / "corridor.css").read_text(encoding="utf-8")
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def variables() -> dict[str, str]:
    root = re.search(r":root\s*\{([^}]*)\}", CSS)
    assert root is not None
    return dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root.group(1)))


def colour(value: str, names: dict[str, str]) -> str:
    value = value.strip()
    found = re.fullmatch(r"var\((--[\w-]+)\)", value)
    return names[found.group(1)].strip() if found else value


def luminance(hex_colour: str) -> float:
    digits = hex_colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(foreground: str, background: str) -> float:
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_rules() -> list[tuple[str, str, str]]:
    """(selector, text colour, background) of every rule that sets a text colour; the
    background is the rule's own, else the page's."""
    names = variables()
    rules = []
    for selector, body in RULE.findall(CSS):
        declarations = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+)", body))
        if "color" not in declarations or selector.strip() == ":root":
            continue
        background = declarations.get("background", "var(--bg)").split()[0]
        rules.append((selector.strip(), colour(declarations["color"], names),
                      colour(background, names)))  # fmt: skip
    return rules


def test_the_rules_are_found() -> None:
    selectors = [selector for selector, _, _ in text_rules()]
    assert len(selectors) >= 15
    assert "button, .button" in selectors


@pytest.mark.parametrize(("selector", "text", "background"), text_rules())
def test_text_contrast(selector: str, text: str, background: str) -> None:
    assert ratio(text, background) >= 4.5, f"{selector}: {text} on {background}"


def test_the_ratio_is_the_wcag_one() -> None:
    assert round(ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(ratio("#777777", "#ffffff"), 2) == 4.48
