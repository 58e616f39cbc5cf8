"""Where corridor finds its reference data and corridor definitions.

In a checkout (the supported install, editable), both sit at the top of the repository;
``CORRIDOR_HOME`` points elsewhere for another layout.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    configured = os.environ.get("CORRIDOR_HOME")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2]


def data_dir() -> Path:
    return project_root() / "data"


def corridors_dir() -> Path:
    return project_root() / "corridors"
