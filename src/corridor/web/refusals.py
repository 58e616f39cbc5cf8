"""Refusals in the person's language.

The domain says why it refuses in English (``CorridorError.detail``: for the API, the CLI
and the logs). A page shows the same reason in the officer's language: each shape of
reason the officer flows can meet is a row here, the domain's words with ``{name}`` where
the message has a value, and the sentence to translate. The values go into the sentence
in words where they are codes (a state, a channel, an action, a role); an MRN, an office
code or a seal number stays as it is. A test reads every reason the domain can raise in
these flows and fails on one without a row (``test_web_refusals``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache

from corridor.domain.lifecycle import Action
from corridor.web.forms import ACTION_LABELS, FIELDS
from corridor.web.i18n import N_
from corridor.web.labels import LABELS

# (the domain's reason, with {value} where it has one; the sentence shown)
REFUSALS: tuple[tuple[str, str], ...] = (
    # the lifecycle and the movement's state
    ("cannot {action} a movement that is {state}",
     N_("“%(action)s” is not possible: the movement is %(state)s.")),
    ("channel {channel}: a {kinds} control must precede release",
     N_("Channel %(channel)s: a %(kinds)s control must come before release.")),
    ("channel {channel}: the control must be {kinds}",
     N_("Channel %(channel)s: the control must be %(kinds)s.")),
    ("cannot {action}: 1 screening hit is still open; the office of departure must confirm or "
     "dismiss it in the screening review queue first",
     N_("“%(action)s” must wait: 1 screening hit is still open. The office of departure must "
        "confirm or dismiss it in the screening review queue first.")),
    ("cannot {action}: {count} screening hits are still open; the office of departure must "
     "confirm or dismiss each one in the screening review queue first",
     N_("“%(action)s” must wait: %(count)s screening hits are still open. The office of "
        "departure must confirm or dismiss each one in the screening review queue first.")),
    ("screening blocked these goods (no military use): refuse release",
     N_("Screening blocked these goods (no military use): refuse release.")),
    ("the time limit must be between 1 and 720 hours",
     N_("The time limit must be between 1 and 720 hours.")),
    ("a movement already seen en route cannot be invalidated",
     N_("A movement already seen en route cannot be invalidated.")),
    ("seals not intact: record a seal_broken incident instead",
     N_("The seals are not intact: record a “seal broken” incident instead.")),
    ("passage at {office} is already recorded",
     N_("The passage at %(office)s is already recorded.")),
    ("an incident needs a description", N_("An incident needs a description of what happened.")),
    ("a transhipment names the new means of transport",
     N_("A transhipment names the new means of transport.")),
    ("the time limit ({limit}) has not passed",
     N_("The time limit (%(limit)s) has not passed.")),
    ("{what} needs at least one seal", N_("%(what)s: at least one seal is needed.")),
    ("{what}: at most {count} seals", N_("%(what)s: at most %(count)s seals.")),
    ("{what}: seal number {seal} is not 1 to 20 letters, digits or - / . starting with a "
     "letter or digit",
     N_("%(what)s: the seal number %(seal)s is not 1 to 20 letters, digits or - / ., starting "
        "with a letter or a digit.")),
    ("{what}: seal identifiers must be distinct and non-empty",
     N_("%(what)s: each seal number must be given once, and none may be empty.")),
    ("an amendment cannot change the holder", N_("An amendment cannot change the holder.")),
    ("an amendment cannot change the local reference number",
     N_("An amendment cannot change the local reference number (LRN).")),
    ("note: a dismissal needs a note saying why the hit is a false positive",
     N_("A dismissal needs a note saying why the hit is a false positive.")),
    ("note: a revocation needs a note saying why the dismissal goes",
     N_("A revocation needs a note saying why the dismissal no longer holds.")),
    # who may act, and where
    ("only the holder may {action}; {principal} is not",
     N_("Only the holder may do this (“%(action)s”); %(principal)s is not the holder.")),
    ("{principal} is not the holder of this movement",
     N_("%(principal)s is not the holder of this movement.")),
    ("{action} is taken by the clock, not by {principal}",
     N_("“%(action)s” is taken by the clock, not by %(principal)s.")),
    ("{action} needs an office ({offices})",
     N_("“%(action)s” needs an office (%(offices)s).")),
    ("{action} is taken at the {place} office ({offices}), not at {office}",
     N_("“%(action)s” is taken at %(offices)s, not at %(office)s.")),
    ("at {office}, {action} is for {roles}, not {role}",
     N_("At %(office)s, “%(action)s” is for %(roles)s, not for %(role)s.")),
    ("{principal} has no jurisdiction at {office} ({state})",
     N_("%(principal)s has no jurisdiction at %(office)s (%(state)s).")),
    ("{principal} acts only at its own office, not at {office}",
     N_("%(principal)s acts only at its own office, not at %(office)s.")),
    ("{role} may not read {what}; only {allowed}",
     N_("A %(role)s may not read %(what)s; only: %(allowed)s.")),
    # what was typed, scanned or asked for
    ("MRN {text} is not 18 characters shaped YYCC + 12 + J + check",
     N_("MRN %(text)s is not an MRN: 18 characters, year, country, 12 characters, J and a "
        "check character.")),
    ("MRN {text} has a wrong check character",
     N_("MRN %(text)s has a wrong check character: look at the document again.")),
    ("no movement {mrn}", N_("There is no movement %(mrn)s that you may see.")),
    ("movement {mrn} has no risk assessment", N_("Movement %(mrn)s has no risk assessment.")),
    ("no screening review {review}", N_("There is no screening review %(review)s.")),
    ("{field}: is required", N_("%(field)s: this is required.")),
    ("{name}: {text} is not a date and time such as 2026-11-23T10:30Z",
     N_("%(name)s: %(text)s is not a date and time (for example 2026-11-23T10:30Z).")),
    ("arrived_at: the arrival time needs a time zone, such as Z or +04:00",
     N_("The arrival time needs a time zone, such as Z or +04:00.")),
    ("arrived_at: the arrival ({arrived}) is later than the passage ({passage}); an arrival "
     "cannot be in the future",
     N_("The arrival (%(arrived)s) is later than the passage (%(passage)s): an arrival cannot "
        "be in the future.")),
    ("{field}: a whole number", N_("%(field)s: a whole number, please.")),
    ("{field}: not one of the choices", N_("%(field)s: not one of the choices.")),
    ("the scanned receipt is not readable: {error}",
     N_("The scanned QR code is not a readable receipt (%(error)s).")),
    ("the scanned receipt names no movement", N_("The scanned receipt names no movement.")),
    ("unknown action {action}", N_("There is no action %(action)s.")),
    ("decision: confirm or dismiss, not {decision}",
     N_("Decide “confirm” or “dismiss”, not %(decision)s.")),
    ("screening review {review} is already {state}",
     N_("Screening review %(review)s is already %(state)s.")),
    ("no remembered dismissal {dismissal}",
     N_("There is no remembered dismissal %(dismissal)s.")),
    ("remembered dismissal {dismissal} is already revoked",
     N_("Remembered dismissal %(dismissal)s is already revoked.")),
    ("no logged dismissal made remembered dismissal {dismissal}",
     N_("No logged decision made remembered dismissal %(dismissal)s.")),
    ("LRN {lrn} of holder {holder} was already used for movement {mrn} with other data",
     N_("LRN %(lrn)s of holder %(holder)s was already used for movement %(mrn)s with "
        "other data.")),
    # the accompanying document
    ("movement {mrn} is {state}: the accompanying document is issued when customs release "
     "it for transit",
     N_("Movement %(mrn)s is %(state)s: the accompanying document is issued when customs "
        "release it for transit.")),
    ("the release of {mrn} is not in the transparency log yet; the sequencer integrates it "
     "within seconds: try again",
     N_("The release of %(mrn)s is not in the transparency log yet; it will be within "
        "seconds: try again.")),
)  # fmt: skip

# Words the reasons use that are not codes with a label of their own.
WORDS: dict[str, str] = {
    "new seals": N_("new seals"),
    "screening results": N_("screening results"),
    "none": N_("none"),
    **{field.name: field.label for fields in FIELDS.values() for field in fields},
}
VALUE = r"(?P<\1>.+?)"
LISTS = re.compile(r" or |, ")


@cache
def _patterns(rows: tuple[tuple[str, str], ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    compiled = []
    for reason, sentence in rows:
        literal = re.escape(reason).replace(r"\{", "{").replace(r"\}", "}")
        compiled.append((re.compile(re.sub(r"{(\w+)}", VALUE, literal)), sentence))
    return tuple(compiled)


def sentence_for(reason: str, rows: tuple[tuple[str, str], ...] = REFUSALS) -> str | None:
    """The sentence (untranslated) of the row of ``rows`` whose shape ``reason`` has."""
    return next((s for pattern, s in _patterns(rows) if pattern.fullmatch(reason)), None)


def localise(
    reason: str, gettext: Callable[[str], str], rows: tuple[tuple[str, str], ...] = REFUSALS
) -> str:
    """``reason`` in the language of ``gettext``; as it is if no row has its shape."""
    for pattern, sentence in _patterns(rows):
        found = pattern.fullmatch(reason)
        if found:
            values = {name: _words(value, gettext) for name, value in found.groupdict().items()}
            return gettext(sentence) % values
    return reason


def _words(value: str, gettext: Callable[[str], str]) -> str:
    """A value in words: an action, a code with a label, a list of them ("a or b")."""
    parts = LISTS.split(value)
    if len(parts) > 1 and all(_word(part) is not None for part in parts):
        separator = f" {gettext('or')} " if " or " in value else ", "
        return separator.join(gettext(_word(part) or part) for part in parts)
    word = _word(value)
    return gettext(word) if word is not None else value


def _word(value: str) -> str | None:
    action = next((a for a in Action if a == value), None)
    if action is not None:
        return ACTION_LABELS[action]
    return LABELS.get(value) or WORDS.get(value)
