"""Real reports as Word documents: Korrin's positioning and portfolio reports rendered with ``docx``, reopened."""

from __future__ import annotations

import docx
import pytest

from pmo_workbench.reports import batch, spec as spec_module

pytestmark = pytest.mark.slow

KORRIN = "Korrin Regional Council"


@pytest.fixture(scope="module")
def korrin(tmp_path_factory):
    out = tmp_path_factory.mktemp("docx")
    specs = [s for s in spec_module.demo_specs() if s.organisation == KORRIN]
    assert sorted(s.report for s in specs) == ["portfolio", "positioning"]
    result = batch.run_batch(specs, out, ["docx"], jobs=2, progress=False)
    return out, specs, result


def test_both_reports_are_word_documents_with_headings_tables_and_pictures(korrin):
    _, _, result = korrin
    assert [o.status for o in result.outcomes] == ["rendered", "rendered"]
    for outcome in result.outcomes:
        assert set(outcome.files) == {"docx"}
        document = docx.Document(outcome.files["docx"])
        texts = [p.text for p in document.paragraphs]
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert KORRIN in texts
        assert len(headings) >= 5, headings
        assert len(document.tables) > 5
        assert len(document.inline_shapes) == outcome.charts > 0
        toc = [p.text for p in document.paragraphs if p.style.name == "TOC 1"]
        assert toc == headings
        assert "Executive summary" in headings or "Headline" in headings


def test_index_links_the_word_documents_and_an_unchanged_batch_keeps_them(korrin):
    out, specs, result = korrin
    index = result.index.read_text(encoding="utf-8")
    for outcome in result.outcomes:
        assert f'href="{outcome.name}.docx">DOCX</a>' in index
    again = batch.run_batch(specs, out, ["docx"], jobs=1, progress=False)
    assert [o.status for o in again.outcomes] == ["unchanged", "unchanged"]
    assert all(docx.Document(o.files["docx"]).tables for o in again.outcomes)
