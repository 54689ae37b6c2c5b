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
    specs = [s for s in spec_module.demo_specs()
             if s.organisation == KORRIN and s.report in ("portfolio", "positioning")]
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


def _writer() -> str | None:
    """LibreOffice's ``soffice`` when its Writer part is installed (Debian's libreoffice-writer), else ``None``."""
    import shutil
    from pathlib import Path

    soffice = shutil.which("soffice")
    if soffice is None or not (Path(soffice).resolve().parent / "libswlo.so").exists():
        return None
    return soffice


def test_word_document_prints_title_contents_and_body_on_their_own_pages(tmp_path):
    import subprocess

    from pypdf import PdfReader

    from tests.reports.test_document import ORG, _notebook, _spec

    soffice = _writer()
    if soffice is None:
        pytest.skip("LibreOffice Writer is not installed")
    from pmo_workbench.reports.document import write_docx

    source = write_docx(_notebook(), _spec(), tmp_path / "report.docx")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(source)], check=True, capture_output=True, timeout=300)
    pages = [page.extract_text() for page in PdfReader(tmp_path / "report.pdf").pages]
    assert len(pages) >= 3
    assert ORG in pages[0] and "DRAFT" in pages[0] and "Contents" not in pages[0]
    assert "Contents" in pages[1] and "Positioning" in pages[1]
    assert "Key messages" in pages[2]


def _lonely_pages(source, pdf) -> list[int]:
    """Pages of ``pdf`` that hold nothing but headings and captions of ``source`` (no body text, no picture)."""
    import re

    from pypdf import PdfReader

    def norm(text: str) -> str:
        return re.sub(r"\s+", " ", text).strip()

    document = docx.Document(source)
    marks = sorted({norm(p.text) for p in document.paragraphs
                    if p.text.strip() and (p.style.name.startswith("Heading") or p.style.name == "Caption")},
                   key=len, reverse=True)
    footer = norm(document.sections[0].footer.paragraphs[0].text).rsplit(" page ", 1)[0]
    lonely = []
    for number, page in enumerate(PdfReader(pdf).pages, 1):
        text = re.sub(r"\bpage \d+\b", "", norm(page.extract_text()).replace(footer, ""))
        pictures = re.findall(rb"/[^\s/]+\s+Do\b", page.get_contents().get_data())
        for mark in marks:
            text = text.replace(mark, "")
        if not text.strip() and not pictures:
            lonely.append(number)
    return lonely


def test_no_printed_page_of_a_real_report_holds_only_a_heading_or_a_caption(korrin, tmp_path):
    import subprocess
    from pathlib import Path

    soffice = _writer()
    if soffice is None:
        pytest.skip("LibreOffice Writer is not installed")
    _, _, result = korrin
    for outcome in result.outcomes:
        source = Path(outcome.files["docx"])
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)], check=True,
                       capture_output=True, timeout=300)
        pdf = tmp_path / f"{source.stem}.pdf"
        assert _lonely_pages(source, pdf) == [], outcome.name
