"""Competency inputs a user can get wrong: ratings files, instruments, engagement edits, the development library.
Each problem is located (file, row or line, column) and says what was expected."""

from __future__ import annotations

import openpyxl
import pytest

from pmo_workbench.assessment.competency import engagement_required, load_competency_instrument
from pmo_workbench.assessment.competency_library import development_suggestions, load_development_library
from pmo_workbench.assessment.competency_responses import read_competency_responses
from pmo_workbench.assessment.competency_scoring import person_profile, score_competency
from pmo_workbench.errors import InputValidationError
from tests.competency_mini import MINI_INSTRUMENT, write_mini

HEADER = "organisation,cohort,subject,job_level,rater,role,r1,r2,r3,s1,s2"


@pytest.fixture
def mini(tmp_path):
    instrument_file, _ = write_mini(tmp_path)
    return load_competency_instrument(instrument_file, language="en")


def problems(path, instrument) -> list[str]:
    with pytest.raises(InputValidationError) as caught:
        read_competency_responses(path, instrument)
    return [str(p) for p in caught.value.problems]


def write(tmp_path, *lines, name="r.csv"):
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_every_problem_of_a_wide_file_is_located(tmp_path, mini):
    path = write(tmp_path, HEADER,
                 "Acme,PMs,Ana,senior,Ana,boss,3,3,3,3,3",          # 2: unknown role
                 "Acme,PMs,Ana,senior,Max,manager,6,x,2.5,,",       # 3: values off the scale
                 "Acme,PMs,Ana,senior,Bo,self,3,3,3,3,3",           # 4: a self-rating by someone else
                 "Acme,PMs,Ben,junior,Ben,peer,3,3,,3,3",           # 5: rates himself as a peer
                 "Acme,PMs,Ben,junior,Max,manager,3,3,4,3,3",       # 6: r3 not expected of a junior
                 "Acme,PMs,Ben,grand,P1,peer,3,3,,3,3",             # 7: unknown job level
                 "Acme,PMs,Ana,junior,P2,peer,3,3,,3,3",            # 8: Ana was senior in row 2
                 ",PMs,Cara,junior,,self,3,3,,3,3")                 # 9: no organisation
    found = problems(path, mini)
    where = str(path)
    assert f"{where}:2:role: unknown role 'boss'; expected one of self, manager, peer" in found
    assert any(p.startswith(f"{where}:3:r1: value '6' is not on the scale; expected a whole number from 1 to 5")
               for p in found)
    assert any(p.startswith(f"{where}:3:r2: value 'x'") for p in found)
    assert any(p.startswith(f"{where}:3:r3: value '2.5'") for p in found)
    assert f"{where}:4:rater: a self-rating's rater is the person rated: 'Bo' rates 'Ana' with role self" in found
    assert f"{where}:5:role: 'Ben' rates themself with role peer; a person rates themself with role self" in found
    assert (f"{where}:6:r3: item r3 is not expected of a junior project manager ('Ben'); leave it blank"
            in found)
    assert any(p.startswith(f"{where}:7:job_level: unknown job level 'grand'") for p in found)
    assert any(p.startswith(f"{where}:8:job_level: 'Ana' is a junior here but a senior in row 2") for p in found)
    assert f"{where}:9:organisation: missing organisation; every rating needs one" in found


def test_long_file_problems(tmp_path, mini):
    path = write(tmp_path, "organisation,cohort,subject,job_level,rater,role,item,value,assesed_on",
                 "Acme,PMs,Ana,senior,Max,manager,r1,3,",
                 "Acme,PMs,Ana,senior,Max,manager,r1,4,",           # the same rating, another value
                 "Acme,PMs,Ana,senior,Max,manager,r11,4,",          # unknown item
                 "Acme,PMs,Ana,senior,Max,peer,r2,4,",              # Max is Ana's manager in row 2
                 "Acme,PMs,An\x1ba,senior,Max,manager,r2,4,")       # a control character in a name
    found = problems(path, mini)
    where = str(path)
    assert f"{where}:1:assesed_on: unknown column 'assesed_on' (did you mean 'assessed_on'?)" in found
    assert any(p.startswith(f"{where}:3:value: 'Max' rated 'Ana' on item r1 twice with different values")
               for p in found)
    assert any(p.startswith(f"{where}:4:item: unknown item id 'r11'; the instrument mini-competency@1.0 has no such"
                            " item (did you mean 'r1'?)") for p in found)
    assert any(p.startswith(f"{where}:5:role: 'Max' rates 'Ana' as peer here but as manager in row 2") for p in found)
    assert any(p.startswith(f"{where}:6:subject:") and "control character" in p for p in found)


def test_identical_repeats_and_letter_case_are_one_rating(tmp_path, mini):
    path = write(tmp_path, "organisation,cohort,subject,job_level,rater,role,item,value",
                 "Acme,PMs,Ana,senior,Max,manager,r1,3", "Acme,PMs,ana,senior,max,Line manager,r1,3",
                 "Acme,PMs,Ana,Senior project manager,,self,r1,dk")
    frame = read_competency_responses(path, mini)
    assert len(frame) == 2 and set(frame["subject"]) == {"Ana"} and set(frame["rater"]) == {"Max", "Ana"}
    assert frame.loc[frame["role"] == "self", "dont_know"].item()


def test_missing_columns_empty_files_and_bad_dates(tmp_path, mini):
    found = problems(write(tmp_path, "organisation,cohort,rater,role,r1", "Acme,PMs,Max,manager,3"), mini)
    assert any(":1:subject: missing required column 'subject' (wide form needs" in p for p in found)
    found = problems(write(tmp_path, HEADER, name="empty.csv"), mini)
    assert any(":2:-: no ratings below the header row" in p for p in found)
    dated = write(tmp_path, HEADER + ",assessed_on", "Acme,PMs,Ana,senior,,self,3,3,3,3,3,3026-05-01",
                  name="dated.csv")
    assert any(":2:assessed_on: '3026-05-01' is outside the years 1950-2150; expected the day assessed as "
               "YYYY-MM-DD" in p
               for p in problems(dated, mini))


def test_a_workbook_is_read_from_its_responses_sheet(tmp_path, mini):
    book = openpyxl.Workbook()
    book.active.title = "notes"
    sheet = book.create_sheet("responses")
    sheet.append(HEADER.split(","))
    sheet.append(["Acme", "PMs", "Ana", "senior", None, "self", 4, 4, 4, 3, "DK"])
    path = tmp_path / "ratings.xlsx"
    book.save(path)
    frame = read_competency_responses(path, mini)
    assert frame["value"].tolist()[:4] == [4.0, 4.0, 4.0, 3.0] and frame["dont_know"].tolist()[4]
    sheet.append(["Acme", "PMs", "Ana", "senior", "Max", "manager", 9, 4, 4, 3, 3])
    book.save(path)
    assert any(p.startswith(f"{path}[responses]:3:r1: value '9'") for p in problems(path, mini))


@pytest.mark.parametrize(("change", "message"), [
    (("  - {id: peer, label: Peer}\n", ""), "roles are exactly self, manager, peer"),
    (("{1: a1, 2: a2, 3: a3, 4: a4, 5: a5}", "{1: a1, 2: a2, 5: a5}"), "needs one anchor for each point 1-5"),
    (("not_expected_for: [junior]", "not_expected_for: [intern]"), "unknown job levels in not_expected_for: intern"),
    (("senior: {risk: 4, stakeholder: 4}", "senior: {risk: 4, budget: 4}"), "unknown area 'budget'"),
    (("min_raters: 3", "min_raters: 1"), "greater than or equal to 2"),
])
def test_instrument_problems_are_located(tmp_path, change, message):
    path = tmp_path / "bad.yaml"
    path.write_text(MINI_INSTRUMENT.replace(*change), encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        load_competency_instrument(path, language="en")
    (problem,) = caught.value.problems
    assert problem.path == str(path) and problem.row is not None and message in problem.message


def test_engagement_required_is_checked_where_written(tmp_path, mini):
    path = tmp_path / "engagement.yaml"
    path.write_text("organisation: Acme\ncompetency:\n  required:\n    junior: {risk: 4}\n", encoding="utf-8")
    assert engagement_required(path, mini) == {"junior": {"risk": 4.0}}
    path.write_text("competency:\n  required:\n    junior:\n      risk: 7\n    intern: {risk: 2}\n",
                    encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        engagement_required(path, mini)
    found = [(p.row, p.message) for p in caught.value.problems]
    assert (4, "competency.required.junior.risk: 7 is not a level on the scale 1-5") in found
    assert any(row == 5 and "unknown job level 'intern'" in message for row, message in found)
    path.write_text("competency: {levels: 3}\n", encoding="utf-8")
    with pytest.raises(InputValidationError, match="expected a map with the key 'required'"):
        engagement_required(path, mini)
    assert engagement_required(None, mini) == {}


def test_development_suggestions_for_the_areas_below(tmp_path, mini):
    library = tmp_path / "development.yaml"
    library.write_text(
        "kind: competency-development\nversion: '1.0'\nkinds: {course: Course, coaching: Coaching}\n"
        "suggestions:\n"
        "  - {id: s-basic, area: stakeholder, kind: course, below: 3, text: Take the stakeholder course}\n"
        "  - {id: s-adv, area: stakeholder, kind: coaching, below: 5, text: Lead a stakeholder review}\n"
        "  - {id: r-adv, area: risk, kind: coaching, below: 5, text: Run the risk review}\n", encoding="utf-8")
    _, ratings = write_mini(tmp_path)
    results = score_competency(read_competency_responses(ratings, mini), mini)
    lib = load_development_library(library, language="en", instrument=mini)
    # Ben: stakeholder 1.0 below 2 (both suggestions fit: 1 < 3 and 1 < 5); risk 3.5 meets 3: nothing
    ben = development_suggestions(person_profile(results, "Ben"), lib)
    assert ben[["area", "text", "kind_label"]].values.tolist() == [
        ["stakeholder", "Take the stakeholder course", "Course"],
        ["stakeholder", "Lead a stakeholder review", "Coaching"]]
    # Ana: risk short by 0.5 first, then stakeholder by 0.125 (3.875 is not below 3: the advanced one only)
    ana = development_suggestions(person_profile(results, "Ana"), lib)
    assert ana["text"].tolist() == ["Run the risk review", "Lead a stakeholder review"]
    library.write_text(library.read_text(encoding="utf-8").replace("area: risk", "area: budget"), encoding="utf-8")
    with pytest.raises(InputValidationError, match="unknown area 'budget'"):
        load_development_library(library, language="en", instrument=mini)


def test_one_person_however_their_name_is_typed(tmp_path, mini):
    # "José" composed and decomposed, and a no-break space: one person each, as a spreadsheet user means
    path = write(tmp_path, HEADER,
                 "Acme,PMs,Jos\u00e9 Ruiz,junior,,self,4,4,,3,3",
                 "Acme,PMs,Jose\u0301 Ruiz,junior,Max,manager,2,2,,3,3",
                 "Acme,PMs,Ann\u00a0Lee,junior,Ann  Lee,self,5,5,,3,3",
                 "Acme,PMs,Ann Lee,junior,Jos\u00e9 Ruiz,peer,3,3,,3,3")
    frame = read_competency_responses(path, mini)
    assert set(frame["subject"]) == {"Jos\u00e9 Ruiz", "Ann Lee"}
    results = score_competency(frame, mini)
    assert len(results.people) == 2
    jose = results.profile.set_index(["subject", "area"]).loc[("Jos\u00e9 Ruiz", "risk")]
    assert jose["gap"] == 2.0 and jose["gap_flag"] == "blind_spot"  # self 4, manager 2: one person again
    wrong = write(tmp_path, HEADER, "Acme,PMs,Ann Lee,junior,Ann\u00a0Lee,peer,3,3,,3,3", name="self-peer.csv")
    assert any("'Ann Lee' rates themself with role peer" in p for p in problems(wrong, mini))


def test_a_required_level_needs_a_behaviour_expected_of_that_level(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(MINI_INSTRUMENT.replace("process_group: initiating}", "process_group: initiating, "
                                            "not_expected_for: [junior]}").replace(
        "process_group: executing}", "process_group: executing, not_expected_for: [junior]}"), encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        load_competency_instrument(path, language="en")
    (problem,) = caught.value.problems
    assert problem.row == MINI_INSTRUMENT.splitlines().index("  junior: {risk: 3, stakeholder: 2}") + 1
    assert "required.junior.stakeholder: no behaviour of the area is expected of a junior" in problem.message


def test_a_pmo_instrument_or_library_is_not_a_competency_instrument(tmp_path):
    from pmo_workbench.errors import InstrumentNotFoundError
    from pmo_workbench.resources import templates_dir

    with pytest.raises(InstrumentNotFoundError, match="'pmo-core' is a PMO instrument"):
        load_competency_instrument("pmo-core")
    for path, says in ((templates_dir() / "instruments" / "pmo-core.yaml", "a PMO instrument, not a competency"),
                       (templates_dir() / "competency" / "development.yaml",
                        "a file of kind 'competency-development', not a competency instrument")):
        with pytest.raises(InputValidationError) as caught:
            load_competency_instrument(path, language="en")
        (problem,) = caught.value.problems
        assert says in problem.message and problem.row is not None


def test_meeting_every_requirement_needs_an_assessed_level_in_each(tmp_path, mini):
    # Dee, Eve and Fay meet risk on their own ratings; nobody rated Eve's stakeholder behaviours
    path = write(tmp_path, HEADER, "Acme,PMs,Dee,junior,,self,4,4,,3,3", "Acme,PMs,Eve,junior,,self,4,4,,,",
                 "Acme,PMs,Fay,junior,,self,1,1,,3,3")
    from pmo_workbench.assessment.competency_scoring import competency_summary

    summary = competency_summary(score_competency(read_competency_responses(path, mini), mini))
    assert summary["n_people"] == 3 and summary["n_meeting_all"] == 1  # Dee; not Eve (stakeholder unknown)
    assert summary["n_not_assessed"] == 1
