"""From an executed notebook to one self-contained HTML page, and the batch index."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from .. import __version__
from .._io import write_text
from .._values import MISSING, fmt
from ..i18n import N_, _, current_language, jinja_install
from ..resources import templates_dir
from .branding import Branding
from .execute import ReportOutcome
from .page import describe_images, long_date, mark_small_tables, title_facts, with_contents
from .records import CHART_MIME, RECORD_MIME, chart_svg, read_records, vega_locale
from .spec import ReportSpec, report_title, slugify


@cache
def vega_bundle() -> str:
    """vega, vega-lite and vega-embed as one script (from vl-convert).

    Building it takes vl-convert about a second, so it is kept in the user's
    cache folder, one file per vl-convert version.
    """
    import vl_convert
    from platformdirs import user_cache_path

    version = getattr(vl_convert, "__version__", "") or vl_convert.get_vega_embed_version()
    cached = user_cache_path("pmo-workbench") / f"vega-bundle-{slugify(str(version))}.js"
    try:
        return cached.read_text(encoding="utf-8")
    except OSError:
        pass
    bundle = vl_convert.javascript_bundle().replace("</script", "<\\/script")
    with contextlib.suppress(OSError):
        write_text(cached, bundle)
    return bundle


def _template_dir() -> Path:
    return templates_dir() / "report"


def _static(name: str) -> str:
    return (_template_dir() / "pmo_report" / "static" / name).read_text(encoding="utf-8")


def add_chart_svgs(nb) -> int:
    """Give every chart output of an executed notebook its SVG (in place), numbers and dates in the current
    language's d3 locale; return the chart count."""
    count = 0
    locale = vega_locale()
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if CHART_MIME in data:
                count += 1
                if "image/svg+xml" not in data:
                    data["image/svg+xml"] = chart_svg(data[CHART_MIME]["spec"], locale)
    return count


def _for_page(nb):
    """A copy of the notebook with what a reader should not see removed: records, stderr, empty cells."""
    import nbformat

    page = json.loads(json.dumps(nb), object_hook=nbformat.NotebookNode)  # a deep copy, faster than deepcopy
    for cell in page.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = [
            o for o in cell.get("outputs", [])
            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            and RECORD_MIME not in o.get("data", {})
        ]
        for output in cell.outputs:
            chart = output.get("data", {}).get(CHART_MIME)
            if chart is not None:
                chart["spec_json"] = _script_json(chart["spec"])
    return page


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>`` and ``&`` as ``\\u`` escapes."""
    return (json.dumps(value, ensure_ascii=False, allow_nan=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def export_html(nb, spec: ReportSpec, *, branding: Branding | None = None, date: str | None = None,
                vega_js: str | None = None) -> str:
    """The self-contained HTML page of an executed notebook (charts must already have SVGs)."""
    branding = branding or Branding()
    records = read_records(nb)
    subtitle = spec.pmo or records.get("subtitle") or ", ".join(p.get("pmo", "") for p in records.get("pmos", []) or [])
    facts = title_facts(records, organisation=spec.organisation, consultancy=branding.consultancy)
    resources = {"pmo": {
        **facts,
        "version": __version__,
        "report_version": facts["version"],
        "title": report_title(spec.report),
        "lang": current_language(),
        "organisation": facts["client"] or spec.organisation,  # the engagement's display name, when it gives one
        "subtitle": subtitle,
        "date": date or dt.date.today().isoformat(),
        "issued": long_date(date or dt.date.today(), facts["locale"]),
        "kicker": branding.kicker_for(spec.report),
        "colour": branding.colour,
        "logo": facts["consultancy_logo"] or branding.logo_uri,
        "css": _static("report.css"),
        "report_js": _static("report.js"),
        "vega_js": vega_bundle() if vega_js is None else vega_js,
        "vega_locale": _vega_locale_json(),
    }}
    with _exporter_lock:
        body, _resources = _exporter(str(_template_dir())).from_notebook_node(_for_page(nb), resources=resources)
    messages = _key_messages_html(facts["key_messages"])
    if KEY_MESSAGES_SLOT in body:  # the notebook says where they go (its executive summary)
        body = body.replace(_KEY_MESSAGES_MARK, "").replace(KEY_MESSAGES_SLOT, messages, 1)
    else:
        body = body.replace(_KEY_MESSAGES_MARK, messages)
    # Only the report body (between <main> and </main>) is read and marked, never the scripts after it.
    head, marker, rest = body.partition(_TOC_MARK)
    main_start = rest.find('<main class="report">')
    main_end = rest.find("</main>", main_start)
    if not marker or main_start < 0 or main_end < 0:
        return body.replace(_TOC_MARK, "")
    main, contents = with_contents(describe_images(rest[main_start:main_end], _(NO_ALT)))
    return head + _contents_html(contents) + rest[:main_start] + mark_small_tables(main) + rest[main_end:]


_exporter_lock = threading.Lock()
NO_ALT = N_("No description has been provided for this image")
"""What an image of the report without a description is given, as nbconvert's own HTML exporter gives it."""


@cache
def _exporter(template_dir: str):
    """The report's HTML exporter, made once per process: its Jinja templates are compiled on first use and kept
    (a tenth of a second a report when made anew each time). Its words are looked up in the current language at
    render time, so one exporter serves every language."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    class ReportExporter(HTMLExporter):
        """nbconvert's HTML exporter less its last pass, which parses the whole page again with BeautifulSoup to
        make notebook cells focusable and give images without one a description: a report shows no notebook
        cells, :func:`export_html` gives the descriptions (in the report body only), and the pass took a third
        of the export of a page whose charts are inline SVG (and lower-cased their ``viewBox``); and its
        preprocessors are checked against the notebook format once, not after every step. (nbconvert still
        deep-copies the notebook before them.)"""

        def from_notebook_node(self, nb, resources=None, **kw):
            language = nb.metadata.get("language_info", {})
            lexer = language.get("pygments_lexer", language.get("name"))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

        def _preprocess(self, nb, resources):
            """The preprocessors on the notebook given, which is :func:`export_html`'s own copy: not copied again,
            and checked against the notebook format once at the end rather than after every step."""
            preprocessor = None
            for preprocessor in self._preprocessors:
                nb, resources = preprocessor(nb, resources)
            self._validate_preprocessor(nb, preprocessor)
            return nb, resources

    exporter = ReportExporter(
        template_name="pmo_report", extra_template_basedirs=[template_dir],
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
        config=Config({"NbConvertBase": {"display_data_priority": [
            CHART_MIME, "text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain",
        ]}}),
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    jinja_install(exporter.environment)  # the template's words in the current language
    return exporter


def _vega_locale_json() -> str | None:
    """The current language's d3 locales for the page's vega-embed (``{"format": ..., "time": ...}``, script-safe
    JSON), or ``None`` when vega's own (English) serve."""
    number, time = vega_locale()
    if not number and not time:
        return None
    return _script_json({"format": number, "time": time})


_TOC_MARK = "<!--pmo:contents-->"
_KEY_MESSAGES_MARK = "<!--pmo:key-messages-->"
KEY_MESSAGES_SLOT = '<div class="key-messages-slot"></div>'
"""Where a report notebook wants the engagement's key messages shown (else they follow the title page)."""


def _key_messages_html(messages: list[str]) -> str:
    from markupsafe import escape

    if not messages:
        return ""
    items = "".join(f"<li>{escape(m)}</li>" for m in messages)
    heading = escape(_("Key messages"))
    return f'<section class="key-messages" aria-label="{heading}"><h4>{heading}</h4><ul>{items}</ul></section>'


def _contents_html(contents: list[dict[str, Any]]) -> str:
    """The table of contents: one line per h1, its h2s after it, every entry a link (escaped)."""
    from markupsafe import escape

    if not contents:
        return ""
    lines = []
    for entry in contents:
        children = "".join(f' <span class="toc-sub">· <a href="#{escape(c["id"])}">{escape(c["title"])}</a></span>'
                           for c in entry["children"])
        lines.append(f'<li><a href="#{escape(entry["id"])}">{escape(entry["title"])}</a>{children}</li>')
    title = escape(_("Contents"))
    return f'<nav class="toc" aria-label="{title}"><h2 class="toc-title">{title}</h2><ol>{"".join(lines)}</ol></nav>'


REPORT_KINDS = {"positioning": N_("positioning"), "portfolio": N_("portfolio"), "progress": N_("progress"),
                "competency": N_("competency"), "profile": N_("competency profile")}
"""The kinds of report as the batch index names a failed one."""


def write_index(out_dir: str | Path, outcomes: Sequence[ReportOutcome],
                languages: Mapping[str, str | None] | None = None) -> Path:
    """Write ``index.html``: every report with its PMO types and scores and links, then the failures.

    The page is in the current language; ``languages`` (report name -> language code, ``None`` English) gives
    each report's, shown in a Language column when any report is not in English.
    """
    import jinja2

    from ..i18n import DEFAULT_LANGUAGE, language_name

    out_dir = Path(out_dir)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_template_dir()), autoescape=True)
    jinja_install(env)
    env.filters["num"] = lambda value, digits=1: fmt(value, digits)
    env.filters["signed"] = lambda value, digits=1: (fmt(value, digits) if value is None or value < 0
                                                     else "+" + fmt(value, digits))
    languages = languages or {}
    rows = []
    for o in outcomes:
        links = {fmt_: os.path.relpath(path, out_dir) for fmt_, path in o.files.items()}
        code = languages.get(o.name) or DEFAULT_LANGUAGE
        rows.append({"outcome": o, "links": links, "pmos": _index_pmos(o.records),
                     "headline": o.records.get("headline") or {}, "totals": o.records.get("portfolio") or {},
                     "as_of": _index_date(o.records.get("as_of")), "progress": _index_progress(o.records),
                     "language": code, "language_name": language_name(code).capitalize(),
                     "title": _(REPORT_KINDS[o.report]) if o.report in REPORT_KINDS else o.report})
    page = env.get_template("index.html.j2").render(
        rows=[r for r in rows if r["outcome"].status != "failed"],
        failures=[r for r in rows if r["outcome"].status == "failed"],
        generated=_index_date(dt.datetime.now(), time=True), version=__version__, missing=MISSING,
        css=_static("report.css"), lang=current_language(),
        show_language=any(r["language"] != DEFAULT_LANGUAGE for r in rows),
    )
    return write_text(out_dir / "index.html", page)


# --- the index's cells in the index's language (a report's records hold ids and its own language's words) -------

def _index_date(value: Any, *, time: bool = False) -> Any:
    """A date of the index: ISO in English, as the index has always written it, the language's short form
    elsewhere (``31.05.2026``, with ``time`` ``04.12.2026 00:31``); anything not a date as given."""
    from ..i18n import DEFAULT_LANGUAGE, format_date

    if isinstance(value, dt.datetime):
        day, clock = value.date(), f" {value:%H:%M}" if time else ""
    else:
        try:
            day, clock = dt.date.fromisoformat(str(value)[:10]), ""
        except ValueError:
            return value
    if current_language() == DEFAULT_LANGUAGE:
        return day.isoformat() + clock
    return format_date(day, "medium") + clock


@cache
def _type_labels(instrument: str, version: str, language: str) -> dict[str, str]:
    """An instrument's type labels in ``language`` (``{}`` when the instrument cannot be loaded again)."""
    from ..assessment.instrument import AD_HOC, load_instrument
    from ..errors import PmoWorkbenchError

    try:
        ins = load_instrument(f"{instrument}@{version}" if version else instrument, language=language)
    except (PmoWorkbenchError, OSError, ValueError):
        return {}
    return {AD_HOC: ins.type_label(AD_HOC), **{t.id: t.label for t in ins.types}}


def _index_pmos(records: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A positioning report's PMOs with their type and target named in the index's language (re-labelled from the
    type ids with the report's instrument; the report's own words when it cannot be loaded)."""
    instrument = records.get("instrument") if isinstance(records.get("instrument"), Mapping) else {}
    labels = (_type_labels(str(instrument.get("id")), str(instrument.get("version") or ""), current_language())
              if instrument.get("id") else {})
    pmos = []
    for p in records.get("pmos", []) or []:
        p = dict(p)
        for key in ("type", "target"):
            if p.get(key) in labels:
                p[f"{key}_label"] = labels[p[key]]
        pmos.append(p)
    return pmos


def _index_progress(records: Mapping[str, Any]) -> dict[str, Any]:
    """A progress report's record with its overall verdict in the index's language."""
    from ..assessment.progress import VERDICTS

    progress = dict(records.get("progress") or {})
    overall = progress.get("overall")
    if isinstance(overall, Mapping) and overall.get("verdict") in VERDICTS:
        progress["overall"] = {**overall, "verdict_text": _(VERDICTS[overall["verdict"]])}
    return progress
