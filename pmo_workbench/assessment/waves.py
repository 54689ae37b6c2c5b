"""Waves: one PMO assessed again later, told apart by the optional ``wave`` column of a responses file.

Pure functions on the tidy frame of :func:`~pmo_workbench.assessment.responses.read_responses`. Scoring never
mixes two waves of one PMO (:func:`check_one_wave`); a command reporting on one assessment picks one with
:func:`choose_wave`.
"""

from __future__ import annotations

import pandas as pd

from ..errors import InputValidationError, Problem


def _waves_column(frame: pd.DataFrame) -> pd.Series:
    """The ``wave`` of every row (``None`` where no wave is named or the frame has no such column)."""
    if "wave" not in frame:
        return pd.Series([None] * len(frame), index=frame.index, dtype=object)
    wave = frame["wave"].astype(object)
    return wave.where(wave.notna(), None)


def waves_of(frame: pd.DataFrame, organisation: str, pmo: str) -> list[str | None]:
    """The waves of one PMO in chronological order.

    Waves are ordered by the earliest ``assessed_on`` of their rows; waves
    without any date come after the dated ones, then by label (the rows with
    no wave named, ``None``, last among those).

    Parameters
    ----------
    frame
        A tidy responses frame.
    organisation, pmo
        The PMO.

    Returns
    -------
    list of str or None
        The distinct wave labels of the PMO's rows; ``[None]`` when its rows
        name no wave, ``[]`` when it has no rows.

    Examples
    --------
    >>> rows = pd.DataFrame({"organisation": ["A"] * 3, "pmo": ["P"] * 3, "wave": ["2026", "2025", None],
    ...                      "assessed_on": pd.to_datetime(["2026-03-01", "2025-03-01", None])})
    >>> waves_of(rows, "A", "P")
    ['2025', '2026', None]
    """
    mine = (frame["organisation"].astype(str) == organisation) & (frame["pmo"].astype(str) == pmo)
    if not mine.any():
        return []
    wave = _waves_column(frame)[mine]
    dates = (pd.to_datetime(frame.loc[mine, "assessed_on"]) if "assessed_on" in frame
             else pd.Series(pd.NaT, index=wave.index))
    first = pd.DataFrame({"wave": wave.fillna(""), "date": dates}).groupby("wave", sort=False)["date"].min()
    ordered = sorted(first.items(), key=lambda kv: (pd.isna(kv[1]), kv[1] if pd.notna(kv[1]) else pd.Timestamp(0),
                                                    kv[0] == "", kv[0]))
    return [label or None for label, _ in ordered]


def select_wave(frame: pd.DataFrame, wave: str | None) -> pd.DataFrame:
    """The rows of one wave.

    Parameters
    ----------
    frame
        A tidy responses frame.
    wave
        The label; ``None`` selects the rows with no wave named.

    Returns
    -------
    pandas.DataFrame
        Those rows, index reset, unused categories kept (so the frame scores
        as the file would).
    """
    column = _waves_column(frame)
    keep = column.isna() if wave is None else column.eq(wave)
    return frame[keep.to_numpy()].reset_index(drop=True)


def mixed_waves(frame: pd.DataFrame) -> dict[tuple[str, str], list[str | None]]:
    """The PMOs whose rows carry more than one wave, with their waves in chronological order."""
    if "wave" not in frame or frame.empty:
        return {}
    pairs = pd.DataFrame({"organisation": frame["organisation"].astype(str), "pmo": frame["pmo"].astype(str),
                          "wave": _waves_column(frame).fillna("")})
    counts = pairs.drop_duplicates().groupby(["organisation", "pmo"], sort=False).size()
    return {(org, pmo): waves_of(frame, org, pmo) for (org, pmo), n in counts.items() if n > 1}


def _label(wave: str | None) -> str:
    return "(none named)" if wave is None else wave


def check_one_wave(frame: pd.DataFrame, *, where: str = "responses") -> None:
    """Raise :class:`InputValidationError` when a PMO's rows carry more than one wave.

    Two waves of one PMO are two assessments: scoring them together would
    count different people of different years as one group.
    """
    problems = [Problem(where, None, "wave", f"PMO {pmo!r} of {org!r} has answers of several waves "
                        f"({', '.join(_label(w) for w in waves)}); score one at a time: choose one with --wave")
                for (org, pmo), waves in mixed_waves(frame).items()]
    if problems:
        raise InputValidationError(problems)


def choose_wave(frame: pd.DataFrame, wave: str | None = None, *, organisation: str | None = None,
                pmo: str | None = None, where: str = "responses") -> tuple[pd.DataFrame, list[str]]:
    """The rows to report on: one wave of each PMO, so that :func:`~pmo_workbench.assessment.results.assess`
    never mixes two.

    Parameters
    ----------
    frame
        A tidy responses frame.
    wave
        The wave asked for (``--wave``, a manifest's ``wave`` column): the rows of that wave of the PMOs reported
        on. ``None``: each PMO's latest wave (:func:`waves_of`).
    organisation, pmo
        The PMOs reported on (``None``: every PMO in ``frame``); other PMOs (peers in the same file) keep
        their latest wave.
    where
        How an error locates the responses.

    Returns
    -------
    (pandas.DataFrame, list of str)
        The rows kept (index reset), and one note per PMO reported on whose latest wave was taken among
        several (for the user's stderr).

    Raises
    ------
    InputValidationError
        When ``wave`` is named but no row of the PMOs reported on carries it.
    """
    orgs, pmos = frame["organisation"].astype(str), frame["pmo"].astype(str)
    subject = pd.Series(True, index=frame.index)
    if organisation is not None:
        subject &= orgs.eq(organisation)
    if pmo is not None:
        subject &= pmos.eq(pmo)
    column = _waves_column(frame)
    keep = pd.Series(True, index=frame.index)
    if wave is not None:
        known = [w for w in dict.fromkeys(column[subject]) if w is not None]
        if wave not in known:
            hint = f"the waves here are {', '.join(known)}" if known else "the responses name no wave"
            raise InputValidationError([Problem(where, None, "wave", f"no answers of wave {wave!r}; {hint}")])
        keep &= ~subject | column.eq(wave)
    notes = []
    if wave is not None:
        pairs = pd.DataFrame({"organisation": orgs, "pmo": pmos, "has": column.eq(wave)})[subject]
        without = [f"{p} of {o}" for (o, p), has in pairs.groupby(["organisation", "pmo"], sort=False)["has"].any()
                   .items() if not has]
        if without:
            shown = ", ".join(without[:3]) + (f" and {len(without) - 3} more" if len(without) > 3 else "")
            notes.append(f"wave {wave!r}: {len(without)} PMO{'s' if len(without) != 1 else ''} without that wave "
                         f"left out ({shown})")
    for (org, name), waves in mixed_waves(frame).items():
        here = orgs.eq(org) & pmos.eq(name)
        if wave is not None and (here & subject).any():
            continue
        latest = waves[-1]
        keep &= ~here | (column.isna() if latest is None else column.eq(latest))
        if (here & subject).any():
            notes.append(f"PMO {name!r} of {org!r} has waves {', '.join(_label(w) for w in waves)}: "
                         f"reporting on {_label(latest)}; choose with --wave")
    if keep.all():
        return frame, notes
    return frame[keep.to_numpy()].reset_index(drop=True), notes
