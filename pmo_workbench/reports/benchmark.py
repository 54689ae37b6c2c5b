"""The positioning report's benchmark section: the report's PMOs compared with a benchmark pool.

The pool is a database holding one (a URL or a SQLite file) or a file ``pmo-workbench benchmark export`` wrote;
the peers are chosen by a filter (``--peers``, default: the PMO's own level). See
:mod:`pmo_workbench.assessment.benchmark` for the definitions.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..assessment.benchmark import MIN_PEERS, BenchmarkComparison, PeerFilter, compare
from ..i18n import N_, _, ngettext

__all__ = ["BenchmarkSection", "benchmark_section", "check_benchmark", "peer_filter"]

METHOD = N_("Peers are the pool's assessments made with the same instrument and version that match the filter, one "
            "per organisation (its latest){own}; at least {min} are needed. Quartiles "
            "use linear interpolation between the sorted peer scores (numpy's default). Rank 1 is the highest "
            "score among the peers and this PMO; a tie shares the better rank. Top quartile: at or above Q3; "
            "second: at or above the median, below Q3; third: at or above Q1, below the median; bottom: below Q1.")
"""How the section's numbers are worked out, as the report states it (``{own}``: see
:attr:`BenchmarkSection.method`; ``{min}``: :data:`MIN_PEERS`); marked for the catalogue."""


@dataclass(frozen=True)
class BenchmarkSection:
    """What the section shows: one comparison per PMO, and what to say about the pool."""

    comparisons: dict[str, BenchmarkComparison]
    synthetic: bool
    own_left_out: bool
    entries: int
    synthetic_entries: int = 0
    merged: bool = False

    @property
    def method(self) -> str:
        """:data:`METHOD` for this pool: it says the client's own entries were left out only when they were."""
        own = _(", the client's own left out") if self.own_left_out and not self.merged else ""
        return _(METHOD).format(own=own, min=MIN_PEERS)

    @property
    def notes(self) -> list[str]:
        """The sentences to show under the heading besides each PMO's own (synthetic pool, own organisation)."""
        notes = []
        if self.synthetic:
            notes.append(_("The benchmark pool is synthetic: made-up assessments for demonstration, not real PMOs. "
                           "Do not read these comparisons as a measure of the field."))
        elif self.synthetic_entries:
            notes.append(ngettext("{k} of the pool's {n} entries is synthetic: a made-up assessment for "
                                  "demonstration, not a real PMO; each comparison says how many of its peers are.",
                                  "{k} of the pool's {n} entries are synthetic: made-up assessments for "
                                  "demonstration, not real PMOs; each comparison says how many of its peers are.",
                                  self.synthetic_entries).format(k=self.synthetic_entries, n=self.entries))
        if not self.own_left_out:
            notes.append(_("The pool was given as an exported file, which cannot tell this organisation's own "
                           "entries apart: compare with the pool's database to leave them out."))
        return notes


def peer_filter(text: str | None, instrument) -> PeerFilter:
    """The peer filter ``text`` (``--peers``), its sectors checked against the instrument's context choices."""
    question = next((q for q in instrument.context if q.id == "sector"), None)
    choices = getattr(question, "choices", None) if question is not None else None
    return PeerFilter.parse(text, sectors=tuple(choices) if choices else None)


def _is_url(source: str | os.PathLike) -> bool:
    return "://" in os.fspath(source)


def check_benchmark(source: str | os.PathLike, peers: str | None, instrument) -> None:
    """Before a report runs: the filter parses and the pool can be read (raises otherwise, exit 2)."""
    from ..errors import StoreError
    from ..store.pool import load_pool

    peer_filter(peers, instrument)
    if not _is_url(source) and not Path(source).exists():
        raise StoreError(f"--benchmark {source}: no such file; give a benchmark pool (a database holding one, or "
                         "a file `pmo-workbench benchmark export` wrote)")
    load_pool(source)


def benchmark_section(source: str | os.PathLike, organisation: str, pmos, *, instrument,
                      peers: str | None = None) -> BenchmarkSection:
    """Compare each of ``pmos`` (assessed PMOs of ``organisation``) with the pool at ``source``.

    Parameters
    ----------
    source
        A database URL or SQLite file holding a pool, or a pool's exported CSV file.
    organisation
        The client: its entries in a pool database are left out of the peers.
    pmos
        The :class:`~pmo_workbench.assessment.results.PmoAssessment` objects reported on.
    instrument
        Their instrument: only the pool's entries of the same instrument id and version are peers.
    peers
        The peer filter (see :meth:`PeerFilter.parse`); ``None``: each PMO's own level.
    """
    from ..store.pool import load_pool

    chosen = peer_filter(peers, instrument)
    pool = load_pool(source, organisation)
    comparisons = {a.pmo: compare(a, pool.table, chosen, pool.own_org_key, instrument=instrument.id,
                                  version=str(instrument.version), synthetic=pool.synthetic, merged=pool.merged)
                   for a in pmos}
    return BenchmarkSection(comparisons, pool.synthetic, pool.own_org_key is not None, len(pool.table),
                            pool.synthetic_entries, pool.merged)
