"""The lodging form's problems in the carrier's language.

The declaration's parser, ``validation.declaration_problems``, the corridor's routes and
the form's own reading say what is wrong with a field in English (the API and the CLI
show those words). The form shows each at its control in the person's language: each
shape of message is a row here, as the refusals are (``refusals``), and a test reads
every message those modules give and fails on one without a row
(``test_web_lodging_problems``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from corridor.web.i18n import N_
from corridor.web.refusals import localise

# (the message, with {value} where it has one; the sentence shown). The first row whose
# shape a message has is taken: the specific before the general.
PROBLEMS: tuple[tuple[str, str], ...] = (
    # the parser (pydantic's words, as the store's codec gives them)
    ("is required", N_("This is required.")),
    ("is not a field of the declaration", N_("This is not a field of the declaration.")),
    ("value should be a valid decimal", N_("A number, please (for example 9650.5).")),
    ("value should be a finite number", N_("A number, please (for example 9650.5).")),
    ("value should be a valid integer, {why}", N_("A whole number, please.")),
    ("value should be {choices}", N_("Choose one of: %(choices)s.")),
    # the form's reading
    ("at most {count} decimals in {currency}",
     N_("At most %(count)s decimals in %(currency)s.")),
    ("at most {count} rows in a form", N_("At most %(count)s rows in a form.")),
    ("one 'scheme: number' a line, e.g. tin: 1700123451",
     N_("One “scheme: number” a line, for example tin: 1700123451.")),
    # the declaration's rules
    ("1 to 22 letters, digits or / . _ - starting with a letter or digit",
     N_("1 to 22 letters, digits or / . _ -, starting with a letter or a digit.")),
    ("must be positive", N_("Must be more than zero.")),
    ("must be positive and at most the gross mass",
     N_("Must be more than zero and at most the gross mass.")),
    ("cannot be negative", N_("Cannot be negative.")),
    ("seal identifiers must be distinct", N_("Each seal number must be given once.")),
    ("{seal} is not 1 to 20 letters, digits or - / . starting with a letter or digit",
     N_("%(seal)s is not a seal number: 1 to 20 letters, digits or - / ., starting with a "
        "letter or a digit.")),
    ("is required for road transport", N_("This is required for road transport.")),
    ("must be omitted for road transport", N_("Leave this out for road transport.")),
    ("rail transport needs at least one wagon", N_("Rail transport needs at least one wagon.")),
    ("must be omitted for rail transport", N_("Leave this out for rail transport.")),
    ("{number} is not a valid ISO 6346 number",
     N_("%(number)s is not a valid container number (ISO 6346).")),
    ("{number} is not a valid 12-digit UIC wagon number",
     N_("%(number)s is not a valid wagon number (12 digits, UIC).")),
    ("unknown office {code} in corridor {corridor}",
     N_("There is no office %(code)s in the corridor %(corridor)s.")),
    ("{code} ({name}) is not an office of {function}",
     N_("%(code)s (%(name)s) is not an office of %(function)s.")),
    ("{code} ({name}) does not handle {mode} traffic",
     N_("%(code)s (%(name)s) does not handle %(mode)s traffic.")),
    ("must differ from the office of departure",
     N_("Must differ from the office of departure.")),
    ("the {mode} route passes {offices}", N_("The %(mode)s route passes %(offices)s.")),
    ("no {mode} route from {start} to {goal}",
     N_("There is no %(mode)s route from %(start)s to %(goal)s.")),
    ("at least one consignment is required", N_("At least one consignment is required.")),
    ("1 to {count} goods items", N_("1 to %(count)s goods items.")),
    ("{code} is not 6 digits", N_("%(code)s is not 6 digits.")),
    ("{code} is not an HS 2022 subheading", N_("%(code)s is not an HS 2022 subheading.")),
    ("a 2-character UN/ECE Recommendation 21 code",
     N_("A code of 2 characters from UN/ECE Recommendation 21.")),
    ("{code} is not an ISO 3166 alpha-2 code",
     N_("%(code)s is not a country code of 2 letters (ISO 3166).")),
    ("{code} is not an ISO 4217 code", N_("%(code)s is not a currency code (ISO 4217).")),
)  # fmt: skip


def localise_problems(problems: Mapping[str, str], gettext: Callable[[str], str]) -> dict[str, str]:
    """Each control's problem in the language of ``gettext``."""
    return {control: localise(message, gettext, PROBLEMS) for control, message in problems.items()}
