"""The demo's key messages (examples/engagements.yaml) are true of the results they head.

A prospective client sees the demo first: every score a key message quotes next to a dimension must be that
dimension's score for one of the organisation's PMOs, rounded as written.
"""

from __future__ import annotations

import re

import pytest
import yaml

import pmo_workbench as pw
from pmo_workbench.resources import examples_dir

CHOICES = yaml.safe_load((examples_dir() / "engagements.yaml").read_text(encoding="utf-8"))["organisations"]


@pytest.fixture(scope="module")
def results():
    instrument = pw.load_instrument("pmo-core")
    answers = pw.read_responses(examples_dir() / "pmo_responses.csv", instrument)
    return instrument, pw.assess(answers, instrument)


@pytest.mark.parametrize("choice", CHOICES, ids=[c["organisation"] for c in CHOICES])
def test_every_dimension_score_a_key_message_quotes_is_the_score(results, choice):
    instrument, assessed = results
    labels = {d.label.lower(): d.id for d in instrument.dimensions}
    pmos = [a for a in assessed.assessments if a.organisation == choice["organisation"]]
    assert pmos, choice["organisation"]
    quoted = 0
    for message in (m["en"] if isinstance(m, dict) else m for m in choice["key_messages"]):
        for label, number in re.findall(r"([A-Za-z ,]+?) \((\d+(?:\.\d)?)\)", message):
            dimension = next((labels[k] for k in labels if label.lower().strip().endswith(k)), None)
            if dimension is None:
                continue
            digits = len(number.partition(".")[2])
            shown = {f"{a.dimensions.set_index('dimension').at[dimension, 'score']:.{digits}f}" for a in pmos}
            assert number in shown, f"{choice['organisation']}: {message!r} quotes {label.strip()} as {number}; " \
                                    f"the report shows {sorted(shown)}"
            quoted += 1
    assert quoted >= 1  # the check checked something


@pytest.mark.parametrize("choice", CHOICES, ids=[c["organisation"] for c in CHOICES])
def test_the_german_key_messages_quote_the_english_ones_numbers(choice):
    for message in choice["key_messages"]:
        english = re.findall(r"\d+(?:\.\d)?", message["en"])
        german = re.findall(r"\d+(?:,\d)?", message["de"])
        assert german == [n.replace(".", ",") for n in english], message
