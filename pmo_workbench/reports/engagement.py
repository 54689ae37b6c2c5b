"""The engagement's client-level edit as one record every report output reads (title page, slides, document).

:func:`engagement_record` is what a report notebook records as ``engagement``;
the deck and the Word document are built from that record, so every output of
one engagement says the same things.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..assessment.deliverable import DEFAULT_CONFIDENTIALITY, default_fieldwork
from ..assessment.engagement import Engagement, load_engagement
from ..errors import InputValidationError, Problem
from ..i18n import _
from .._safety import FileSafetyError, logo_data_uri

RECORD_KEYS = ("client", "client_logo", "consultancy", "consultancy_logo", "prepared_for", "fieldwork",
               "confidentiality", "version", "draft", "key_messages", "locale", "framework", "language")
"""The keys of :func:`engagement_record`, in order."""


def engagement_record(engagement: Engagement | str | Path | None, engagement_file: str | Path | None = None, *,
                      organisation: str, answers=None, report: str = "positioning") -> dict[str, Any]:
    """The record of an engagement's client-level edit, as a report notebook records it (``engagement``).

    Parameters
    ----------
    engagement
        The engagement (as read by :func:`~pmo_workbench.assessment.engagement.load_engagement`), the path of
        its file (read here, without the instrument's checks), or ``None`` (every default).
    engagement_file
        The file ``engagement`` came from: its logos are found relative to it. Taken from ``engagement`` when
        that is a path.
    organisation
        The organisation the report is about. An engagement whose client-level edit names another organisation
        (or none) gives the defaults.
    answers
        The organisation's answers (tidy responses frame): the fieldwork defaults to their first and last
        ``assessed_on``. ``None`` (and the portfolio report) leaves the fieldwork null unless the file gives it.
    report
        ``positioning`` (key messages: ``key_messages``), ``portfolio`` (``portfolio_key_messages``, and no
        fieldwork) or ``progress`` (no key messages: the file's are about one wave; the fieldwork of ``answers``,
        the later wave's); ``competency`` and ``profile`` (no key messages: the file's are about the PMO; the
        fieldwork of the cohort's ratings, ``answers``).

    Returns
    -------
    dict
        ``{"client", "client_logo": data URI or None, "consultancy", "consultancy_logo": data URI or None,
        "prepared_for", "fieldwork": [start, end] ISO dates or None, "confidentiality", "version",
        "draft": bool, "key_messages": [str], "locale", "framework", "language"}``: ``locale`` and ``language``
        as the file gives them, else ``None`` (the report's language, and its usual locale). The confidentiality
        line the file leaves out is the default's, in the current language.

    Raises
    ------
    InputValidationError
        When the file is invalid, or a logo is outside the engagement file's folder or not an acceptable image.
    """
    if report not in ("positioning", "portfolio", "progress", "competency", "profile"):
        raise ValueError(f"report must be 'positioning', 'portfolio', 'progress', 'competency' or 'profile', "
                         f"not {report!r}")
    if isinstance(engagement, (str, Path)):
        engagement_file = Path(engagement)
        engagement = load_engagement(engagement_file, None)
    own = engagement if engagement is not None and engagement.organisation == organisation else None
    fieldwork = None
    if report in ("positioning", "progress", "competency", "profile"):
        if own is not None and own.fieldwork is not None:
            fieldwork = [own.fieldwork.start.isoformat(), own.fieldwork.end.isoformat()]
        elif answers is not None:
            found = default_fieldwork(answers, organisation)
            fieldwork = None if found is None else [found[0].isoformat(), found[1].isoformat()]
    if own is None:
        return {"client": organisation, "client_logo": None, "consultancy": None, "consultancy_logo": None,
                "prepared_for": None, "fieldwork": fieldwork, "confidentiality": _(DEFAULT_CONFIDENTIALITY),
                "version": None, "draft": False, "key_messages": [], "locale": None, "framework": None,
                "language": None}
    messages = (own.key_messages if report == "positioning" else own.portfolio_key_messages if report == "portfolio"
                else ())
    return {
        "client": own.client_name,
        "client_logo": _logo(own.client_logo, engagement_file, "client_logo"),
        "consultancy": own.consultancy,
        "consultancy_logo": _logo(own.consultancy_logo, engagement_file, "consultancy_logo"),
        "prepared_for": own.prepared_for,
        "fieldwork": fieldwork,
        "confidentiality": (_(DEFAULT_CONFIDENTIALITY) if own.confidentiality == DEFAULT_CONFIDENTIALITY
                            else own.confidentiality),
        "version": own.version,
        "draft": own.draft,
        "key_messages": list(messages or ()),
        "locale": own.locale,
        "framework": own.framework,
        "language": own.language,
    }


def _logo(value: str | None, engagement_file: str | Path | None, key: str) -> str | None:
    """A logo's data URI, checked as a branding logo is (inside the engagement file's folder, a real image)."""
    if value is None:
        return None
    if engagement_file is None:
        raise InputValidationError([Problem("<engagement>", None, key, "a logo needs the engagement file it is "
                                                                       "relative to")])
    try:
        return logo_data_uri(Path(value), Path(engagement_file))
    except FileSafetyError as exc:
        raise InputValidationError([Problem(str(engagement_file), None, key, str(exc))]) from None


DEMO_CHOICES = "engagements.yaml"
"""The file of ``examples/`` holding each sample organisation's client-level edit for the demo."""


def demo_engagements(folder: str | Path, examples: str | Path | None = None) -> dict[str, Path]:
    """Write one engagement file per sample organisation into ``folder`` and return organisation -> file.

    Each file holds the organisation's client-level edit from
    ``examples/engagements.yaml`` (key messages, prepared for, consultancy,
    confidentiality, version), its one approved and redacted comment (the text
    taken from the answers, by id) and its PMO entries from
    ``examples/engagement.yaml``. A file is rewritten only when its text
    changes, so a demo run again skips the unchanged reports.

    Raises
    ------
    InputValidationError
        When ``engagements.yaml`` names a comment id the sample answers do not hold.
    """
    import yaml

    from .._io import write_text
    from .._yaml import load_yaml
    from ..assessment.deliverable import answer_comments
    from ..assessment.instrument import load_instrument
    from ..assessment.responses import read_responses
    from ..resources import examples_dir
    from .spec import slugify

    examples = Path(examples) if examples is not None else examples_dir()
    chosen, _ = load_yaml(examples / DEMO_CHOICES)
    entries, _ = load_yaml(examples / "engagement.yaml")
    comments = answer_comments(read_responses(examples / "pmo_responses.csv", load_instrument("pmo-core")))
    shared = {key: chosen[key] for key in ("consultancy", "confidentiality", "version") if key in chosen}
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for org in chosen.get("organisations", []):
        name = org["organisation"]
        pick = org["comment"]
        said = comments.get(pick["id"])
        if said is None or said.organisation != name:
            raise InputValidationError([Problem(str(examples / DEMO_CHOICES), None, "comment",
                                                f"no comment {pick['id']} of '{name}' in the sample answers")])
        document = {
            "organisation": name, "client": name, **shared, "prepared_for": org["prepared_for"], "draft": False,
            "key_messages": list(org["key_messages"]),
            "comments": [{"id": said.id, "pmo": said.pmo, "item": said.item, "text": said.text, "approved": True,
                          "redact": dict(pick.get("redact") or {})}],
            "pmos": [{k: v for k, v in e.items() if k != "organisation"} for e in entries.get("pmos", [])
                     if e.get("organisation") == name],
        }
        text = ("# The engagement file of a sample organisation, written by pmo-workbench demo.\n"
                + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=1000))
        path = folder / f"{slugify(name)}.yaml"
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            write_text(path, text)
        written[name] = path
    return written
