"""The examples in the ledger docstrings run and are right."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from corridor.ledger import merkle, tiles


@pytest.mark.parametrize("module", [merkle, tiles])
def test_docstring_examples(module: ModuleType) -> None:
    result = doctest.testmod(module)
    assert result.attempted > 0
    assert result.failed == 0
