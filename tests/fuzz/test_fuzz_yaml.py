"""The YAML inputs: instruments, competency instruments, engagement files and branding files, from the shipped
templates and examples with mutated values (other types, odd numbers and text, duplicated and missing keys and
entries, unknown keys) and text-level flaws (a key given twice, a cut-short file, a tab): each is loaded or refused
with located problems, and what is loaded is used as the command line uses it next."""

from __future__ import annotations

import functools
import json

import yaml
from hypothesis import given
from hypothesis import strategies as st

from pmo_workbench import load_instrument
from pmo_workbench.assessment.competency import load_competency_instrument
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.assessment.competency_scoring import score_competency
from pmo_workbench.assessment.engagement import engagement_inputs
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.assessment.results import assess
from pmo_workbench.errors import InputValidationError
from pmo_workbench.reports.branding import load_branding
from tests.helpers import TINY_YAML

from .support import EXAMPLES, FUZZ, TEMPLATES, check, folder, located, mutated_tree, read_csv_table, write_csv, \
    yaml_text
from .test_fuzz_responses import core, long_seed

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def _load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@functools.cache
def instrument_seeds():
    return (yaml.safe_load(TINY_YAML), _load(TEMPLATES / "instruments" / "pmo-core@1.0.yaml"),
            _load(TEMPLATES / "instruments" / "pmo-core.yaml"))


INSTRUMENT_KEYS = ("id", "version", "title", "scale", "maturity_thresholds", "roles", "dimensions", "types",
                   "targets", "evidence", "context", "languages", "level_names", "items", "weight", "reverse",
                   "audience", "self", "pmo_role", "gates", "labels", "min", "max")


def answers_for(instrument, where):
    """A long responses file answering every item of ``instrument``: a respondent per role (three at least), the
    values walking the scale."""
    header = ["organisation", "pmo", "respondent", "role", "item", "value"]
    items = [item.id for dimension in instrument.dimensions for item in dimension.items]
    roles = [role.id for role in instrument.roles]
    low, high = instrument.scale.min, instrument.scale.max
    rows = []
    for n in range(max(3, len(roles))):
        for i, item in enumerate(items):
            rows.append(["Org", "PMO", f"R{n}", roles[n % len(roles)], item, low + (n + i) % (high - low + 1)])
    return write_csv(where / "answers.csv", (header, rows))


def located_or(where, step):
    """``step()``, where a located refusal of a file the test wrote from the loaded input is also fine."""
    try:
        return step()
    except InputValidationError as exc:
        located(exc, where)
        return None


@FUZZ
@given(document=st.deferred(lambda: st.sampled_from(instrument_seeds()).flatmap(
    lambda seed: mutated_tree(seed, keys=INSTRUMENT_KEYS).flatmap(yaml_text))))
def test_instrument(document):
    with folder() as where:
        path = where / "instrument.yaml"
        path.write_text(document, encoding="utf-8")

        def scored(instrument):
            answers = located_or(where, lambda: read_responses(answers_for(instrument, where), instrument))
            if answers is not None:
                json.dumps(assess(answers, instrument).to_dict(), allow_nan=False)

        check("instrument yaml", where, lambda: load_instrument(path), scored)


@functools.cache
def competency_seeds():
    return (_load(TEMPLATES / "competency" / "pm-competency.yaml"),)


@functools.cache
def ratings_seed():
    header, rows = read_csv_table(EXAMPLES / "competency" / "korrin-regional-council.csv", rows=8)
    return header, rows


@FUZZ
@given(document=st.deferred(lambda: st.sampled_from(competency_seeds()).flatmap(
    lambda seed: mutated_tree(seed, keys=("job_levels", "areas", "items", "required", "scale", "groups", "id",
                                          "version", "roles")).flatmap(yaml_text))))
def test_competency_instrument(document):
    with folder() as where:
        path = where / "competency.yaml"
        path.write_text(document, encoding="utf-8")
        ratings = write_csv(where / "ratings.csv", ratings_seed())

        def scored(instrument):
            frame = located_or(where, lambda: read_competency_responses(ratings, instrument))
            if frame is not None:
                score_competency(frame, instrument)

        check("competency instrument yaml", where, lambda: load_competency_instrument(path), scored)


@functools.cache
def engagement_seeds():
    pmos = _load(EXAMPLES / "engagement.yaml")
    client = _load(EXAMPLES / "engagements.yaml")
    organisation = next(o for o in client["organisations"] if o["organisation"] == "Aldergate Logistics")
    one = {k: client[k] for k in ("consultancy", "confidentiality", "version")}
    one.update({k: v for k, v in organisation.items() if k != "comment"})
    one["pmos"] = [p for p in pmos["pmos"] if p["organisation"] == "Aldergate Logistics"]
    return pmos, one, _load(EXAMPLES / "waves" / "engagement.yaml")


ENGAGEMENT_KEYS = ("organisation", "pmo", "target", "context", "evidence", "answer", "note", "pmos", "consultancy",
                   "confidentiality", "version", "prepared_for", "key_messages", "portfolio_key_messages", "logo",
                   "completed", "en", "de")


@FUZZ
@given(document=st.deferred(lambda: st.sampled_from(engagement_seeds()).flatmap(
    lambda seed: mutated_tree(seed, keys=ENGAGEMENT_KEYS).flatmap(yaml_text))))
def test_engagement(document):
    with folder() as where:
        path = where / "engagement.yaml"
        path.write_text(document, encoding="utf-8")
        responses = write_csv(where / "responses.csv", long_seed())
        answers = read_responses(responses, core())

        def load():
            return engagement_inputs(responses, answers, core(), engagement=path)

        def scored(found):
            entries, _, targets = found
            json.dumps(assess(answers, core(), engagement=entries, targets=targets).to_dict(), allow_nan=False)

        check("engagement yaml", where, load, scored)


@functools.cache
def branding_seed():
    seed = _load(TEMPLATES / "report" / "branding.example.yaml")
    seed["logo"] = "logo.png"
    return seed


@FUZZ
@given(document=st.deferred(lambda: mutated_tree(branding_seed(), keys=("consultancy", "logo", "colour", "kicker",
                                                                         "deck")).flatmap(yaml_text)),
       logo=st.sampled_from(["png", "png", "text", "svg", "missing"]))
def test_branding(document, logo):
    with folder() as where:
        path = where / "branding.yaml"
        path.write_text(document, encoding="utf-8")
        if logo == "png":
            (where / "logo.png").write_bytes(PNG)
        elif logo == "text":
            (where / "logo.png").write_text("not an image", encoding="utf-8")
        elif logo == "svg":
            (where / "logo.png").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
                                            encoding="utf-8")
        check("branding yaml", where, lambda: load_branding(path),
              lambda branding: (branding.logo_uri, branding.kicker_for("portfolio")))
