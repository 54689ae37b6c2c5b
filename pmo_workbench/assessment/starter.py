"""A commented starter engagement file for one organisation (``pmo-workbench engagement init``).

Every value taken from the answers (names, comments) is written as a JSON
string, which YAML reads back unchanged whatever it holds (quotes, colons,
``#``, line breaks); nothing is dropped or rewritten.
"""

from __future__ import annotations

import json
import pandas as pd

from ..i18n import DEFAULT_LOCALES, languages
from .deliverable import DEFAULT_CONFIDENTIALITY, DEFAULT_LOCALE, FRAMEWORKS, answer_comments, default_fieldwork
from .instrument import Instrument


def _q(text: object) -> str:
    """A YAML scalar that reads back as exactly ``text`` (a JSON string is a YAML double-quoted scalar)."""
    return json.dumps(str(text), ensure_ascii=False)


def starter_engagement(responses: pd.DataFrame, organisation: str, instrument: Instrument, *,
                       responses_name: str = "the responses", file_name: str = "engagement.yaml",
                       language: str = "en") -> str:
    """The text of a starter ``engagement.yaml`` for ``organisation``.

    Every client-level key is there with a default or as a commented example;
    the fieldwork is the first and last ``assessed_on`` of the answers; one
    entry per PMO of the organisation (its target commented out with the
    instrument's types listed, its context and evidence questions listed);
    every comment of the answers listed with ``approved: false``. ``language`` is the reports' language it
    gives (its comment lists those available).
    """
    rows = responses[(responses["organisation"] == organisation).to_numpy(bool)]
    pmos = list(dict.fromkeys(str(p) for p in rows["pmo"]))
    fieldwork = default_fieldwork(rows, organisation)
    lines = [
        f"# The engagement file of {_flat(organisation)}: the consultant's edit of its reports.",
        f"# Started from {_flat(responses_name)}; check it with",
        f"#   pmo-workbench engagement check {_flat(file_name)} --responses RESPONSES",
        "# It holds the respondents' comments as they wrote them, with each author's role: keep it with the",
        "# answers and never send it to the client (the reports show only the approved, redacted comments).",
        f"organisation: {_q(organisation)}  # as named in the responses: leave as is",
        f"client: {_q(organisation)}  # the name the reports show",
        "# client_logo: logos/client.png  # PNG, JPEG, GIF or SVG inside this file's folder",
        "# consultancy: \"Your consultancy\"",
        "# consultancy_logo: logos/consultancy.png",
        f"# prepared_for: \"Chief Executive, {_flat(organisation)}\"",
    ]
    if fieldwork is None:
        lines.append("# fieldwork: {start: 2026-01-12, end: 2026-01-30}  # the answers hold no assessed_on dates")
    else:
        lines.append(f"fieldwork: {{start: {fieldwork[0].isoformat()}, end: {fieldwork[1].isoformat()}}}"
                     "  # first and last assessed_on of the answers")
    lines += [
        f"# framework: {FRAMEWORKS[0]}  # the roadmap's framework: {', '.join(FRAMEWORKS)}",
        f"language: {language}  # the reports' language: {', '.join(languages())}",
        f"# locale: {DEFAULT_LOCALES.get(language, DEFAULT_LOCALE)}  # numbers, dates and money (default: the "
        "language's usual locale; a Babel locale of a report language: en_GB, en_US, de_DE, de_AT, de_CH...)",
        "# key_messages:  # 3 to 5 sentences for the positioning report, each true of the results",
        "#   - \"...\"",
        "#   - {en: \"...\", de: \"...\"}  # any text for the reader may be given per language",
        "# portfolio_key_messages:  # 3 to 5 sentences for the portfolio report",
        "#   - \"...\"",
        "# recommendations:  # step ids of the recommendations library (a PMO entry may choose its own)",
        "#   exclude: []",
        "#   add: []",
        "#   cap: 8  # at most this many (1-20)",
        f"confidentiality: {_q(DEFAULT_CONFIDENTIALITY)}",
        "# version: \"0.1\"",
        "draft: true  # false for the version sent to the client",
    ]
    lines += _comment_lines(rows, organisation, instrument)
    lines += _pmo_lines(pmos, instrument)
    return "\n".join(lines) + "\n"


def _flat(text: object) -> str:
    """Text for inside a YAML comment: on one line."""
    return " ".join(str(text).split())


def _comment_lines(rows: pd.DataFrame, organisation: str, instrument: Instrument) -> list[str]:
    found = answer_comments(rows, organisation)
    labels = {r.id: r.label for r in instrument.roles}
    if not found:
        return ["comments: []  # the answers hold no comments"]
    lines = ["comments:  # excluded from every report unless approved; redact: {\"word or phrase\": \"replacement\"}"]
    for comment in found.values():
        lines += [
            f"  - id: {comment.id}",
            f"    pmo: {_q(comment.pmo)}",
            f"    item: {_q(comment.item)}  # {_article(labels.get(comment.role, comment.role))}'s comment",
            f"    text: {_q(comment.text)}  # as answered: leave as is",
            "    approved: false",
            "    redact: {}",
        ]
    return lines


def _article(label: str) -> str:
    """``"an executive"``, ``"a project manager"``, ``"a PMO staff member"``: a role label with its article."""
    text = _flat(label).strip() or "respondent"
    if text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]  # "Executive" -> "executive"; "PMO staff" stays
    return f"{'an' if text[0].lower() in 'aeiou' else 'a'} {text}"


def _pmo_lines(pmos: list[str], instrument: Instrument) -> list[str]:
    lines = ["pmos:"]
    types = ", ".join(t.id for t in instrument.types) or "none"
    for pmo in pmos:
        lines += [f"  - pmo: {_q(pmo)}", f"    # target: TYPE  # one of: {types}"]
        if instrument.context:
            lines.append("    # context:")
            for q in instrument.context:
                kind = (f"one of: {'; '.join(q.choices)}" if q.kind == "choice" else
                        "a number" + (f" ({q.unit})" if q.unit else "") if q.kind == "number" else "text")
                lines.append(f"    #   {q.id}:  # {_flat(q.text)} ({kind})")
        if instrument.evidence:
            lines.append("    # evidence:  # answer yes, partly or no, with a note")
            lines += [f"    #   {e.id}: {{answer: \"no\", note: \"\"}}  # {_flat(e.text)}" for e in instrument.evidence]
        lines.append("    # recommendations: {exclude: [], add: [], cap: 8}  # this PMO's own choice")
    return lines
