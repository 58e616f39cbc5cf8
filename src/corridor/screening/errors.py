"""The screening package's exceptions: one tree, each with a message fit for one line."""

from __future__ import annotations


class ScreeningError(Exception):
    """Base of every error screening raises on bad input or configuration."""


class WatchListError(ScreeningError):
    """A watch list file cannot be read or holds a malformed record."""


class ScreeningConfigError(ScreeningError):
    """The corridor's screening configuration is malformed."""


class SubjectError(ScreeningError):
    """A screening subject or query is malformed."""


class ReferenceDataError(ScreeningError):
    """A reference data file (HS 2022, CHP list, military headings) is malformed."""
