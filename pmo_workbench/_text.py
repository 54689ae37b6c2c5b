"""Control characters in the texts users give: one rule and one message for every input.

A NUL byte or an escape sequence in a name ends up in reports, file names and
the store; the input boundaries (YAML files, responses files, portfolio
workbooks) reject it with :func:`control_message`, located where it was found.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f]")
"""Every C0 control character and DEL: what a name or id (one line of text) must not hold."""

CONTROL_IN_PROSE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""As :data:`CONTROL`, but tabs and line breaks (``\\t``, ``\\n``, ``\\r``) are allowed: free text such as comments."""

CONTROL_IN_YAML = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
"""As :data:`CONTROL`, but tabs and newlines are allowed: YAML block scalars (``|``, ``>``) end lines with ``\\n``
and YAML turns line breaks into ``\\n`` anyway, so a ``\\r`` can only come from an escape."""


def control_message(what: str, text: str, pattern: re.Pattern[str] = CONTROL) -> str | None:
    """The problem with ``text`` when it holds a control character of ``pattern``, else ``None``.

    Parameters
    ----------
    what
        How the message names the text, e.g. ``"organisation"``.
    text
        The text to check.
    pattern
        Which characters are wrong: :data:`CONTROL` (default), :data:`CONTROL_IN_PROSE` or :data:`CONTROL_IN_YAML`.

    Examples
    --------
    >>> control_message("organisation", "Acme\\x00")
    'organisation contains a control character (U+0000 at position 5); remove it'
    >>> control_message("organisation", "Acme") is None
    True
    """
    found = pattern.search(text)
    if found is None:
        return None
    code, position = ord(found.group()), found.start() + 1
    return f"{what} contains a control character (U+{code:04X} at position {position}); remove it"
