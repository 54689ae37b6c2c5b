"""Commands on the instrument itself: ``instrument stats``, its reliability and items over a cohort."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .._io import neutralise_frame
from .._values import count, fmt, percent
from ..assessment.reliability import ALPHA_ACCEPTABLE, ITEM_TOTAL_MIN, InstrumentStats, instrument_stats
from ..assessment.scoring import ALPHA_MIN_ITEMS, ALPHA_MIN_RESPONDENTS
from .app import (
    AssessmentsOption,
    InstrumentOption,
    OutFileOption,
    ResponsesArgument,
    StoreUrlOption,
    check_out,
    emit,
    instrument_app,
    usage,
)
from .assess import _load_stored, load


class StatsFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@instrument_app.command("stats")
def stats_command(
    responses: ResponsesArgument = None,
    instrument: InstrumentOption = "pmo-core",
    store_url: StoreUrlOption = None,
    assessment: AssessmentsOption = None,
    format: Annotated[StatsFormat, typer.Option("--format", "-f", help="Output format.")] = StatsFormat.table,
    out: OutFileOption = None,
) -> None:
    """Reliability (Cronbach's alpha) and item analysis of the instrument, pooled over every respondent.

    For improving the instrument: every organisation is pooled, so this is not
    the reliability of any one PMO's scores (its report shows that).
    """
    check_out(out)
    if (responses is None) == (store_url is None):
        usage("give a responses file, or --store URL [--assessment ID]")
    if store_url is not None:
        ins, frame = _load_stored(store_url, assessment, instrument, left_out="left out of the statistics")
    else:
        ins, frame = load(responses, instrument)
    stats = instrument_stats(frame, ins)
    if format is StatsFormat.json:
        emit(out, json.dumps(stats.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
    elif format is StatsFormat.csv:
        emit(out, neutralise_frame(item_rows(stats)).to_csv(index=False, lineterminator="\n"))
    else:
        emit(out, table=lambda shown: print_stats(stats, shown))


# -- presentation ------------------------------------------------------------

def item_rows(stats: InstrumentStats) -> pd.DataFrame:
    """One row per item used, with its dimension's k, n, alpha and note (the CSV output)."""
    dims = stats.dimensions.rename(columns={"note": "alpha_note"})
    frame = dims.merge(stats.items, on="dimension", how="inner", validate="one_to_many")
    for column, digits in (("alpha", 3), ("mean", 2), ("sd", 2), ("item_total_r", 3), ("alpha_if_deleted", 3),
                           ("dont_know_rate", 4)):
        frame[column] = frame[column].astype(float).round(digits)
    return frame


def legend() -> list[str]:
    """What the columns of the table mean, with their cut-offs, in plain words."""
    return [
        f"alpha: how consistently a dimension's items measure one thing ({ALPHA_ACCEPTABLE:.2f} acceptable, "
        f"0.80 good); over the items asked of every role and the respondents who answered all of them "
        f"(needs {ALPHA_MIN_ITEMS} items and {ALPHA_MIN_RESPONDENTS} respondents).",
        f"r item-total: how the item moves with the sum of the other items of its dimension; below "
        f"{ITEM_TOTAL_MIN:.2f} ('low') the item does not move with the others.",
        "alpha if deleted: the dimension's alpha without the item; higher than alpha ('higher') means the "
        "dimension is more consistent without the item.",
        "DK rate: the share of the respondents asked the item who answered \"don't know\".",
        "All organisations are pooled: this judges the instrument, not a PMO; each PMO's own alpha is in its "
        "report.",
    ]


def print_stats(stats: InstrumentStats, out: Console) -> None:
    """Per dimension a line (label, k, n, alpha, note), then its items; the legend below."""
    ins = stats.instrument
    out.print(Text(f"Instrument {ins.id} {ins.version}: {count(stats.respondents, 'respondent')} of "
                   f"{count(stats.organisations, 'organisation')}, pooled"), style="bold")
    for d in stats.dimensions.itertuples(index=False):
        line = f"{d.label} ({d.dimension}): k {d.k}, n {d.n}, alpha {fmt(d.alpha, 2)}"
        if d.left_out:
            line += f" ({count(d.left_out, 'item')} not asked of every role left out of alpha)"
        out.print()
        out.print(Text(line, style="bold"))
        if d.note:
            out.print(Text(f"  {d.note}"))
        items = stats.items[stats.items["dimension"] == d.dimension]
        if items.empty:
            continue
        table = Table(show_edge=False, pad_edge=False, box=None, padding=(0, 2))
        table.add_column("item")
        for column in ("mean", "SD", "r item-total", "alpha if deleted", "DK rate"):
            table.add_column(column, justify="right")
        for i in items.itertuples(index=False):
            if i.in_alpha:
                r = fmt(i.item_total_r, 2) + (" low" if i.item_total_r < ITEM_TOTAL_MIN else "")
                deleted = fmt(i.alpha_if_deleted, 2) + (" higher" if i.alpha_if_deleted > d.alpha else "")
            else:
                r, deleted = "not in alpha", "(some roles)"
            table.add_row(Text(i.item), fmt(i.mean), fmt(i.sd), r, deleted, percent(i.dont_know_rate))
        out.print(table)
    out.print()
    for line in legend():
        out.print(Text(line))
