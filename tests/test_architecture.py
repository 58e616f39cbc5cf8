"""Dependencies point inwards: domain and ledger import only the standard library."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "corridor"
ALLOWED_THIRD_PARTY = {"cryptography"}


def _imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("layer", ["domain", "ledger"])
def test_inner_layers_import_only_stdlib(layer: str) -> None:
    for path in sorted((SRC / layer).rglob("*.py")):
        foreign = {
            root
            for root in _imported_roots(path)
            if root not in sys.stdlib_module_names
            and root not in ALLOWED_THIRD_PARTY
            and root != "corridor"
        }
        assert not foreign, f"{path.relative_to(SRC)} imports {sorted(foreign)}"


def test_domain_imports_nothing_of_ours_outside_domain() -> None:
    for path in sorted((SRC / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and (node.module or "").startswith("corridor.")
            ):
                assert (node.module or "").startswith("corridor.domain"), (path, node.module)
