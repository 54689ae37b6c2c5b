"""People files: whom to invite to an assessment (:meth:`~pmo_workbench.store.Store.invite`).

A CSV or XLSX file (the sheet named ``people``, else the first visible one) with one person per row::

    name,email,role,language
    Ada Lovelace,ada@example.org,executive,en
    ,grace@example.org,PMO staff,
    ,,project_manager,

``role`` is required (an instrument role id, or its label, in any case); ``name``, ``email`` and ``language``
are optional. Headers match case-insensitively after trimming spaces, in any order; blank rows are skipped.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from .._spreadsheet import read_people_table
from ..assessment.instrument import Instrument
from ..errors import InputValidationError, Problem, StoreError

PEOPLE_COLUMNS = ("role", "name", "email", "language")
"""The columns of a people file; only ``role`` is required."""
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")


def language_code(value: str | None) -> str | None:
    """``value`` as a language code to keep, spelled one way (``DE`` and ``de`` are ``de``; ``de-at`` is
    ``de-AT``; ``pt_br`` is ``pt-BR``), ``None`` when blank.

    >>> language_code("DE"), language_code("de_at"), language_code("zh-hant-tw")
    ('de', 'de-AT', 'zh-Hant-TW')

    Raises
    ------
    StoreError
        When ``value`` is not a language tag.
    """
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    if not _LANGUAGE.fullmatch(text) or len(text) > 35:
        raise StoreError(f"'{text[:40]}' is not a language code (en, de, pt-BR)")
    parts = text.replace("_", "-").split("-")
    return "-".join([parts[0].lower(), *[p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p.lower()
                                         for p in parts[1:]]])


@dataclass(frozen=True)
class Person:
    """One person to invite: a row of a people file.

    ``key`` tells people apart so that inviting from the same file again adds nobody twice: the e-mail
    (case-folded) when given, else the name (case-folded, spaces collapsed); a person with neither gets a random
    key, so is new on every run (see :func:`person_key`). ``row`` is the people file's row (``None`` when the
    person does not come from a file); it only locates messages and takes no part in comparisons.
    """

    role: str
    name: str | None = None
    email: str | None = None
    language: str | None = None
    key: str = ""
    row: int | None = field(default=None, compare=False)


SEALED = "sealed "
"""How a one-way person key starts (:func:`sealed_key`): kept for an anonymous submission."""
FORGOTTEN = "forgotten "
"""How the key of a forgotten person's invitation starts: then the same one-way hash as :func:`sealed_key`."""


def person_key(person: Person, row: int = 0) -> str:
    """The key of a person: the e-mail (case-folded), else the name (case-folded, spaces collapsed), else a
    random ``unnamed <hex>``: a person with neither cannot be recognised again, and two such people never match
    (``row`` is not used; kept for callers that pass it)."""
    if person.email and person.email.strip():
        return person.email.strip().casefold()
    if person.name and person.name.strip():
        return " ".join(person.name.split()).casefold()
    return "unnamed " + secrets.token_hex(16)


def sealed_key(assessment_id: int, key: str) -> str:
    """The one-way form of a stored person key: ``sealed `` and the hex SHA-256 of the assessment id and the key.

    Whoever holds the people file can still recognise the person (inviting from it again adds nobody twice), but
    the store no longer says who they are. A key sealed already (or forgotten) keeps its hash.
    """
    if key.startswith(SEALED):
        return key
    if key.startswith(FORGOTTEN):
        return SEALED + key[len(FORGOTTEN):]
    return SEALED + hashlib.sha256(f"person:{int(assessment_id)}:{key}".encode()).hexdigest()


def forgotten_key(assessment_id: int, key: str) -> str:
    """The key of a forgotten person's invitation: ``forgotten `` and the hash of :func:`sealed_key`."""
    return FORGOTTEN + sealed_key(assessment_id, key)[len(SEALED):]


def normal_key(text: str) -> str:
    """How a given e-mail address or name is compared with stored keys (case-folded, spaces collapsed)."""
    return " ".join(str(text).split()).casefold()


def read_people(path: str | os.PathLike, instrument: Instrument) -> list[Person]:
    """Read and check a people file (CSV or XLSX): one :class:`Person` per non-blank row, keys set.

    Roles are given as the instrument's role ids or labels (any case) and come back as ids; an e-mail must look
    like one (``someone@example.org``), a language like a language tag (``en``, ``fr-CA``).

    Raises
    ------
    InputValidationError
        With every problem at once, each located as ``file:row:column``: no ``role`` column, an unknown
        column, a blank or unknown role, an e-mail or language that is not one, the same person twice (naming
        both rows), or a file with nobody in it.
    """
    path = Path(path)
    table, problems, where = read_people_table(path, PEOPLE_COLUMNS)
    cells = table.to_numpy(object)
    headers = [str(h).strip().lower() for h in cells[0]]
    position: dict[str, int] = {}
    for p, header in enumerate(headers):
        if not header:
            continue
        if header not in PEOPLE_COLUMNS:
            problems.append(Problem(where, 1, str(cells[0][p]).strip(), f"unknown column '{str(cells[0][p]).strip()}'"
                                    f"; a people file has {', '.join(PEOPLE_COLUMNS)} (only role is required)"))
        elif header in position:
            problems.append(Problem(where, 1, header, f"column '{header}' is given twice"))
        else:
            position[header] = p
    if "role" not in position:
        problems.append(Problem(where, 1, None, "no 'role' column; a people file has "
                                f"{', '.join(PEOPLE_COLUMNS)} (only role is required)"))
        raise InputValidationError(problems)
    roles = {r.id.casefold(): r.id for r in instrument.roles}
    roles.update({r.label.casefold(): r.id for r in instrument.roles if r.label.casefold() not in roles})
    expected = ", ".join(f"{r.id} ({r.label})" for r in instrument.roles)
    people: list[Person] = []
    first_row: dict[str, int] = {}
    for index in range(1, len(cells)):
        row = index + 1
        values = {name: str(cells[index][p]).strip() for name, p in position.items()}
        if not any(str(c).strip() for c in cells[index]):
            continue
        role_text = values.get("role", "")
        role = roles.get(" ".join(role_text.split()).casefold())
        if not role_text:
            problems.append(Problem(where, row, "role", f"no role; expected one of {expected}"))
        elif role is None:
            problems.append(Problem(where, row, "role", f"unknown role '{role_text}'; expected one of {expected}"))
        email = values.get("email") or None
        if email is not None and not _EMAIL.fullmatch(email):
            problems.append(Problem(where, row, "email", f"'{email}' is not an e-mail address "
                                    "(expected someone@example.org)"))
        language = values.get("language") or None
        if language is not None and not _LANGUAGE.fullmatch(language):
            problems.append(Problem(where, row, "language", f"'{language}' is not a language tag "
                                    "(expected e.g. en, fr or fr-CA)"))
        name = " ".join((values.get("name") or "").split()) or None
        person = Person(role or role_text, name, email, language)
        person = Person(person.role, name, email, language, person_key(person, row), row)
        if person.key in first_row:
            column = "email" if email else "name" if name else "role"
            problems.append(Problem(where, row, column, f"the same person as row {first_row[person.key]} "
                                    f"({person.key}); give each person once"))
            continue
        first_row[person.key] = row
        people.append(person)
    if not people and not problems:
        problems.append(Problem(where, 2, None, "nobody to invite: the file has a header but no people"))
    if problems:
        raise InputValidationError(problems)
    return people


