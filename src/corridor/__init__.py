"""corridor: customs transit, border control and oversight for a land corridor."""

from __future__ import annotations

__version__ = "0.1.0"
