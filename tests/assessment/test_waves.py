"""The optional wave column: read, validated, chosen, and never scored mixed."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.assessment.results import assess
from pmo_workbench.assessment.waves import choose_wave, select_wave, waves_of
from pmo_workbench.errors import InputValidationError

from tests.helpers import write_csv

TWO_WAVES = """\
    organisation,pmo,wave,respondent,role,item,value,assessed_on
    Org,PMO,2026,R1,executive,G1,2,2026-03-02
    Org,PMO,2025,R1,executive,G1,4,2025-03-01
    Org,PMO,2025,R1,pmo_staff,G1,4,2025-03-01
    Org,Other,,R9,executive,G1,3,
    """


def problems_of(path, instrument) -> list[str]:
    with pytest.raises(InputValidationError) as info:
        read_responses(path, instrument)
    return [str(p) for p in info.value.problems]


def test_long_file_with_two_waves_reads_one_respondent_id_per_wave(tiny, tmp_path):
    # R1 answers G1 in both waves (different people of different assessments): no duplicate, no role clash,
    # although R1 is an executive in 2026 and PMO staff in 2025... which is a clash within 2025 only
    path = write_csv(tmp_path / "r.csv", TWO_WAVES)
    assert problems_of(path, tiny) == [
        f"{path}:4:role: respondent 'R1' is given role 'pmo_staff' here but 'executive' in row 3; "
        "a respondent has one role"]
    path.write_text(path.read_text().replace("R1,pmo_staff,G1,4", "R2,pmo_staff,G1,4"))
    frame = read_responses(path, tiny)
    assert frame["wave"].tolist() == ["2026", "2025", "2025", None]
    assert frame["wave"].dtype == object
    assert waves_of(frame, "Org", "PMO") == ["2025", "2026"]  # 2025-03-01 is earlier than 2026-03-02
    assert waves_of(frame, "Org", "Other") == [None]
    assert waves_of(frame, "Org", "Nobody") == []
    assert select_wave(frame, "2025")["respondent"].astype(str).tolist() == ["R1", "R2"]
    assert select_wave(frame, None)["pmo"].astype(str).tolist() == ["Other"]


def test_wide_file_reads_the_wave_and_a_file_without_one_has_none(tiny, tmp_path):
    path = write_csv(tmp_path / "w.csv", """\
        organisation,pmo,respondent,role,Wave,G1,S1
        Org,PMO,R1,executive, 2026 Q3 ,5,2
        """)
    assert read_responses(path, tiny)["wave"].tolist() == ["2026 Q3", "2026 Q3"]
    plain = write_csv(tmp_path / "p.csv", "organisation,pmo,respondent,role,G1\nOrg,PMO,R1,executive,5\n")
    assert read_responses(plain, tiny)["wave"].tolist() == [None]


def test_a_wave_label_too_long_or_with_a_control_character_is_located(tiny, tmp_path):
    long = "x" * 61
    path = write_csv(tmp_path / "r.csv", f"""\
        organisation,pmo,respondent,role,item,value,wave
        Org,PMO,R1,executive,G1,4,{long}
        Org,PMO,R2,executive,G1,4,{"y" * 60}
        Org,PMO,R3,executive,G1,4,a\x1bb
        """)
    assert problems_of(path, tiny) == [
        f"{path}:2:wave: wave 'xxxxxxxxxxxxxxxxxxxx...' is 61 characters long; a wave label has at most 60 "
        "(e.g. 2025 or 2026 Q3)",
        f"{path}:4:wave: wave contains a control character (U+001B at position 2); remove it",
    ]


def test_a_misspelt_wave_column_is_caught(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv",
                     "organisation,pmo,respondent,role,item,value,wavee\nOrg,PMO,R1,executive,G1,4,x\n")
    assert problems_of(path, tiny) == [f"{path}:1:wavee: unknown column 'wavee' (did you mean 'wave'?)"]


def test_assess_refuses_two_waves_of_one_pmo_and_choose_wave_takes_the_latest(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", TWO_WAVES.replace("R1,pmo_staff", "R2,pmo_staff"))
    frame = read_responses(path, tiny)
    with pytest.raises(InputValidationError) as info:
        assess(frame, tiny)
    assert [str(p) for p in info.value.problems] == [
        "responses:-:wave: PMO 'PMO' of 'Org' has answers of several waves (2025, 2026); "
        "score one at a time: choose one with --wave"]
    latest, notes = choose_wave(frame, None)
    assert notes == ["PMO 'PMO' of 'Org' has waves 2025, 2026: reporting on 2026; choose with --wave"]
    assert latest["wave"].tolist() == ["2026", None]  # the other PMO keeps its rows
    # the 2026 wave alone is one executive: scored as one respondent
    result = assess(latest[latest["pmo"] == "PMO"], tiny).get("Org", "PMO")
    assert result.respondents == 1
    chosen, notes = choose_wave(frame, "2025")
    assert chosen["respondent"].astype(str).tolist() == ["R1", "R2"]
    # Org's Other has no wave 2025: left out, and said so
    assert notes == ["wave '2025': 1 PMO without that wave left out (Other of Org)"]
    with pytest.raises(InputValidationError, match="no answers of wave '2027'; the waves here are 2026, 2025"):
        choose_wave(frame, "2027")
    assert choose_wave(frame.assign(wave=None), None)[1] == []
    assert isinstance(select_wave(frame, "2026"), pd.DataFrame)


def test_peers_in_the_same_file_keep_their_latest_wave_when_one_wave_is_named(tiny, tmp_path):
    path = write_csv(tmp_path / "r.csv", textwrap.dedent(TWO_WAVES).replace("R1,pmo_staff", "R2,pmo_staff") +
                     "Peer,P,2024,Q1,executive,G1,1,2024-01-01\nPeer,P,2025,Q1,executive,G1,2,2025-01-01\n")
    frame = read_responses(path, tiny)
    # Org's PMO: the 2025 wave asked for; Peer's P keeps its latest (2025), silently; Org's Other has one wave
    kept, notes = choose_wave(frame, "2025", organisation="Org", pmo="PMO")
    assert notes == []
    assert kept[["organisation", "pmo", "wave"]].astype(object).drop_duplicates().values.tolist() == [
        ["Org", "PMO", "2025"], ["Org", "Other", None], ["Peer", "P", "2025"]]


def test_the_positioning_input_reports_on_the_wave_named_or_the_latest(tiny_path, tiny, tmp_path):
    from pmo_workbench.assessment.report import positioning_input

    path = write_csv(tmp_path / "r.csv", TWO_WAVES.replace("R1,pmo_staff", "R2,pmo_staff"))
    named = positioning_input(path, "Org", "PMO", instrument=str(tiny_path), wave="2025")
    assert [a.respondents for a in named.pmos] == [2]  # R1 and R2 of 2025
    latest = positioning_input(path, "Org", "PMO", instrument=str(tiny_path))
    assert [a.respondents for a in latest.pmos] == [1]  # R1 of 2026
