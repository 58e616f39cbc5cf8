"""Refusals in the officer's language: every reason the domain gives in the officer
flows has a sentence to translate, and a refused action shows it translated."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest
from corridor_web_testing import sign_in
from fastapi.testclient import TestClient

from corridor.domain import errors
from corridor.domain.errors import IllegalTransition
from corridor.web.i18n import gettext_for
from corridor.web.refusals import localise, sentence_for

SOURCE = Path(__import__("corridor").__file__).parent
# Where the officer flows meet a refusal: the lifecycle and its commands, who may act
# where, what may be read, MRNs, the services and the web's own forms and scanner.
OFFICER_FLOWS = (
    "domain/commands.py", "domain/authorisation.py", "domain/visibility.py", "domain/mrn.py",
    "reading.py", "services.py", "review_service.py", "documents/service.py",
    "web/forms.py", "web/routes/checkpoint.py", "web/routes/movements.py",
    "web/routes/oversight.py",
)  # fmt: skip
ERRORS = {"InvalidInput", "InvalidReference", "PreconditionFailed", "NotAuthorised",
          "NotFound", "Conflict"}  # fmt: skip


def reasons_raised(path: Path) -> list[tuple[int, str]]:
    """Each reason a module raises, its values written as «value» (an f-string's parts)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        call = node.value if isinstance(node, ast.Assign) else getattr(node, "exc", None)
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            continue
        if call.func.id in ERRORS and call.args:
            found.append((node.lineno, _sample(call.args[0])))
    return found


def _sample(argument: ast.expr) -> str:
    if isinstance(argument, ast.Constant):
        return str(argument.value)
    assert isinstance(argument, ast.JoinedStr), ast.dump(argument)
    return "".join(
        str(part.value) if isinstance(part, ast.Constant) else "«value»" for part in argument.values
    )


@pytest.mark.parametrize("module", OFFICER_FLOWS)
def test_every_reason_of_the_officer_flows_has_a_sentence(module: str) -> None:
    reasons = reasons_raised(SOURCE / module)
    missing = [f"{module}:{line}: {text}" for line, text in reasons if not sentence_for(text)]
    assert not missing, "add a row to corridor.web.refusals.REFUSALS for:\n" + "\n".join(missing)


# Errors that word their reason themselves, from values (not at the raise site); the
# declaration's and the corridor file's own go to the lodging form and the CLI.
WORDED_BY_THE_ERROR = [
    cls for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.CorridorError)
    and "__init__" in vars(cls) and cls not in (errors.CorridorError, errors.InvalidDeclaration,
                                                 errors.InvalidCorridor)
]  # fmt: skip


@pytest.mark.parametrize("error", WORDED_BY_THE_ERROR, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("number", [1, 2])
def test_every_reason_an_error_words_itself_has_a_sentence(
    error: type[errors.CorridorError], number: int
) -> None:
    parameters = list(inspect.signature(error).parameters.values())
    values = [number if p.annotation == "int" else "«value»" for p in parameters]
    reason = str(error(*values))
    assert sentence_for(reason), f"add a row to corridor.web.refusals.REFUSALS for: {reason}"


def test_the_reading_of_raise_sites_finds_them() -> None:
    assert {errors.IllegalTransition, errors.ScreeningHitsOpen} <= set(WORDED_BY_THE_ERROR)
    reasons = dict(reasons_raised(SOURCE / "domain" / "commands.py"))
    assert "passage at «value» is already recorded" in reasons.values()
    assert sentence_for(str(IllegalTransition("arrived", "release"))) is not None
    assert sentence_for("a reason nobody wrote") is None


def test_a_reason_is_put_in_the_officer_s_words() -> None:
    hy, ru = gettext_for("hy"), gettext_for("ru")
    reason = "channel red: a physical control must precede release"
    assert localise(reason, gettext_for("en")) == (
        "Channel red: a physical control must come before release."
    )
    armenian = localise(reason, hy)
    assert "կարմիր" in armenian and "ֆիզիկական" in armenian  # red, physical: as labels
    assert not re.search(r"\b(channel|control|release|red|physical)\b", armenian)
    illegal = localise(str(IllegalTransition("arrived", "release")), ru)
    assert illegal == "«Выпустить для транзита» невозможно: состояние перевозки — прибыла."
    assert localise("no movement 26AM0MGR01000001J4", hy).count("26AM0MGR01000001J4") == 1
    held = localise(str(errors.ScreeningHitsOpen("release", 2)), hy)
    assert held.startswith("«Բաց թողնել տարանցման»") and " 2 " in held, held
    assert localise("a reason nobody wrote", hy) == "a reason nobody wrote"


@pytest.mark.parametrize("language", ["hy", "az", "ru", "tr"])
def test_a_refused_release_is_explained_in_the_officer_s_language(
    web: TestClient, people: dict[str, str], lodged: str, language: str
) -> None:
    """Release before the control screening asks for: the movement page again, and why,
    in the officer's language (not the domain's English)."""
    sign_in(web, people["customs_az"], lang=language)
    page = web.get(f"/ui/movements/{lodged}")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert csrf is not None
    form = {"csrf": csrf.group(1), "office": "AZ0HRD01", "seals": "AZ-1, AZ-1"}
    web.post(f"/ui/movements/{lodged}/act/accept", data=form)
    refused = web.post(f"/ui/movements/{lodged}/act/release", data=form)
    assert refused.status_code == 422
    shown = re.search(r'<div class="error" role="alert">([^<]+)</div>', refused.text)
    assert shown is not None
    english = localise("release: seal identifiers must be distinct and non-empty", str)
    assert shown.group(1) == localise(
        "release: seal identifiers must be distinct and non-empty", gettext_for(language)
    )
    assert shown.group(1) != english
    assert "seal identifiers" not in shown.group(1)
