"""A tiny instrument written in English and German (text maps), for the tests of the pages, forms and store in
a respondent's language, and :func:`bilingual_loader`, which makes ``load_instrument(path, language=...)``
available to a test when the installed loader does not take a language yet.

Two dimensions of two items each, every item put to every role; G2 is reversed. Scale 1-5 with German labels
at both ends.
"""

from __future__ import annotations

import inspect
import textwrap
from pathlib import Path

import pytest

BILINGUAL_YAML = textwrap.dedent("""\
    id: tiny-bilingual
    version: "0.1"
    languages: [en, de]
    title: {en: Tiny bilingual instrument, de: Kleines zweisprachiges Instrument}
    scale:
      min: 1
      max: 5
      labels:
        1: {en: Strongly disagree, de: Stimme überhaupt nicht zu}
        5: {en: Strongly agree, de: Stimme voll und ganz zu}
    maturity_thresholds: [20, 40, 60, 80]
    roles:
      - {id: executive, label: {en: Executive, de: Führungskraft}}
      - {id: pmo_staff, label: {en: PMO staff, de: PMO-Mitarbeitende}}
    dimensions:
      - id: gov
        label: {en: Governance, de: Steuerung}
        description: {en: How decisions are made., de: Wie Entscheidungen getroffen werden.}
        pmo_role: standards
        items:
          - {id: G1, text: {en: Decisions are made on time., de: Entscheidungen fallen rechtzeitig.}}
          - id: G2
            reverse: true
            text: {en: Escalations stall for weeks., de: Eskalationen bleiben wochenlang liegen.}
      - id: sup
        label: {en: Support, de: Unterstützung}
        pmo_role: customer_support
        items:
          - id: S1
            text: {en: The PMO helps project managers plan., de: Das PMO hilft Projektleitungen bei der Planung.}
          - {id: S2, text: {en: Templates save me time., de: Vorlagen sparen mir Zeit.}}
    types:
      - {id: supportive, label: {en: Supportive, de: Unterstützend}, gates: {gov: 40}}
      - {id: controlling, label: {en: Controlling, de: Kontrollierend}, gates: {gov: 60, sup: 70}}
    """)
GERMAN_ITEMS = ("Entscheidungen fallen rechtzeitig.", "Eskalationen bleiben wochenlang liegen.",
                "Das PMO hilft Projektleitungen bei der Planung.", "Vorlagen sparen mir Zeit.")
ENGLISH_ITEMS = ("Decisions are made on time.", "Escalations stall for weeks.", "The PMO helps project managers plan.",
                 "Templates save me time.")


def write_bilingual(folder: Path) -> Path:
    path = folder / "tiny-bilingual.yaml"
    path.write_text(BILINGUAL_YAML, encoding="utf-8")
    return path


def bilingual_loader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give ``load_instrument`` a ``language`` parameter for this test when the installed one has none: the
    file's text maps resolved to that language (else its first), ``languages``, ``language`` and
    ``default_language`` set on the instrument, as the multilingual loader does. Does nothing when the loader
    already takes a language."""
    from pmo_workbench import i18n
    from pmo_workbench.assessment import instrument as module
    from pmo_workbench.i18n.texts import resolve

    if "language" in inspect.signature(module.load_instrument).parameters:
        return
    original = module.load_instrument

    def load(spec="pmo-core", language=None):
        import yaml

        path = Path(spec)
        if not path.is_file():
            found = original(spec)
            object.__setattr__(found, "languages", ("en",))
            return found
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        declared = tuple(data.pop("languages", None) or ("en",))
        wanted = language or i18n.current_language()
        chosen = wanted if wanted in declared else declared[0]
        resolved, _ = resolve(data, chosen, declared[0])
        found = module.Instrument.model_validate(resolved)
        for name, value in (("languages", declared), ("language", chosen), ("default_language", declared[0])):
            object.__setattr__(found, name, value)
        return found

    monkeypatch.setattr(module, "load_instrument", load)
