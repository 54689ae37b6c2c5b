"""A batch's shared inputs: which they are, and that a report kernel finds them already read."""

from __future__ import annotations

import nbformat
import pytest

from pmo_workbench.reports.shared import shared_inputs
from pmo_workbench.reports.spec import positioning_spec, progress_spec


def test_only_inputs_two_reports_read_are_listed_each_once_in_the_languages_they_are_read_in(tmp_path):
    shared, earlier = tmp_path / "responses.csv", tmp_path / "old" / "responses.csv"
    pool, custom = tmp_path / "pool.txt", tmp_path / "v1.yaml"
    (tmp_path / "engagement.yaml").write_text("language: de\n", encoding="utf-8")
    own = tmp_path / "gamma"
    own.mkdir()
    (own / "engagement.yaml").write_text("{}\n", encoding="utf-8")
    specs = [
        positioning_spec(shared, "Alpha", benchmark=pool),
        positioning_spec(shared, "Beta", benchmark=pool),  # the same inputs again
        positioning_spec(own / "responses.csv", "Gamma", benchmark="sqlite:///pool.db"),  # its own files only
        progress_spec(shared, "Alpha", "Main", earlier_responses=earlier, earlier_instrument=custom),
    ]
    entries = shared_inputs(specs)
    assert list(entries) == [
        # Read in English first, then in the engagement file's language (de), as the notebook does.
        {"kind": "instrument", "instrument": "pmo-core", "language": "en"},
        {"kind": "responses", "path": str(shared), "instrument": "pmo-core", "language": "en"},
        {"kind": "instrument", "instrument": "pmo-core", "language": "de"},
        {"kind": "responses", "path": str(shared), "instrument": "pmo-core", "language": "de"},
        {"kind": "pool", "path": str(pool)},
        {"kind": "yaml", "path": str(tmp_path / "engagement.yaml")},
    ]  # not Gamma's responses or engagement file, nor the one earlier wave's: one report reads each


def test_no_shared_input_for_a_batch_of_one_report_or_of_portfolio_reports(tmp_path):
    from pmo_workbench.reports.spec import portfolio_spec

    (tmp_path / "p").mkdir()
    assert shared_inputs([positioning_spec(tmp_path / "responses.csv", "Alpha")]) == ()
    assert shared_inputs([portfolio_spec(tmp_path / "p", "Alpha"), portfolio_spec(tmp_path / "p", "Beta")]) == ()


def test_warming_passes_over_an_input_it_cannot_read(tmp_path, tiny_path):
    from pmo_workbench import _memo
    from pmo_workbench.reports.shared import warm

    _memo.clear()
    good = {"kind": "instrument", "instrument": str(tiny_path), "language": "en"}
    bad = [{"kind": "responses", "path": str(tmp_path / "missing.csv"), "instrument": str(tiny_path)},
           {"kind": "pool", "path": str(tiny_path)}, {"kind": "unknown"}, {}]
    assert warm([*bad, good]) == 1
    _memo.clear()


@pytest.mark.slow
def test_a_kernel_forked_from_a_warmed_template_reads_the_shared_responses_from_memory(tmp_path, tiny_path):
    """The template reads the responses once; the kernel's reading of them is a cache hit, not a second parse."""
    import papermill

    from pmo_workbench.reports.execute import _kernel_config
    from pmo_workbench.reports.kernels import ForkingKernelManager, KernelTemplate

    responses = tmp_path / "responses.csv"
    responses.write_text("organisation,pmo,respondent,role,item,value\nAlpha,Main,r1,executive,G1,4\n",
                         encoding="utf-8")
    code = ("import json\nfrom pmo_workbench import _memo, load_instrument\n"
            "from pmo_workbench.assessment.responses import read_responses\n"
            "before = _memo.stats()\n"
            f"frame = read_responses({str(responses)!r}, load_instrument({str(tiny_path)!r}))\n"
            "after = _memo.stats()\n"
            "print(json.dumps([{k: after[k] - before[k] for k in after}, frame['value'].tolist()]))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "probe.ipynb")
    # The entry, behind 3,000 the template cannot read: a list far longer than one environment variable may hold.
    unreadable = tuple({"kind": "yaml", "path": str(tmp_path / f"missing-{n:04d}-{'x' * 60}.yaml")}
                       for n in range(3000))
    warm = (*unreadable, {"kind": "responses", "path": str(responses), "instrument": str(tiny_path),
                          "language": "en"})
    with KernelTemplate(warm=warm) as template:
        done = papermill.execute_notebook(
            str(tmp_path / "probe.ipynb"), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
            kernel_manager_class=ForkingKernelManager,
            config=_kernel_config(template.socket_path, str(template.ipc_dir)))
    import json

    stats, values = json.loads(done.cells[0].outputs[0]["text"])
    assert values == [4.0]
    assert stats == {"misses": 0, "hits": 2, "entries": 0}  # the instrument and the responses, from the template
