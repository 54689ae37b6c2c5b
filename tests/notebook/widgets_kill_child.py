"""Child process of the kill test in test_widgets.py (not a test module).

Usage: python widgets_kill_child.py DB_URL INSTRUMENT_PATH ASSESSMENT_ID RESPONDENT_ID DEBOUNCE

Reads "ITEM VALUE" pairs as JSON lists from argv[6] (answered before "ready") and
argv[7] (answered after "ready"). Answers the first list through the widgets,
waits three debounce periods, prints "ready", answers the second list, prints
"more" and sleeps until it is killed. The live panel's charts are a stub (not rendered).
"""

from __future__ import annotations

import json
import sys
import time

from pmo_workbench import load_instrument
from pmo_workbench.store import Store
from pmo_workbench.notebook import form as widgets
from pmo_workbench.notebook.form import NOT_APPLICABLE, AssessmentForm


def _no_chart(*args: object) -> dict:
    """A stub for the live panel's SVG charts: what is saved, not what is drawn, is under test."""
    return {"output_type": "display_data", "metadata": {}, "data": {"text/plain": "<chart>"}}


def main() -> None:
    widgets._chart_output = _no_chart
    url, instrument_path, assessment_id, respondent_id, debounce, before, after = sys.argv[1:8]
    debounce = float(debounce)
    form = AssessmentForm(load_instrument(instrument_path), Store(url), int(assessment_id), int(respondent_id),
                          debounce=debounce)

    def answer(pairs: list) -> None:
        for item, value, comment in pairs:
            choice, text = form.item_widgets[item]
            choice.value = NOT_APPLICABLE if value is None else value  # as a user clicks
            if comment:
                text.value = comment

    answer(json.loads(before))
    time.sleep(3 * debounce)
    print("ready", flush=True)
    answer(json.loads(after))
    print("more", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
