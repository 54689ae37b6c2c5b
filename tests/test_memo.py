"""The file cache: a hit only for the same path and the same bytes, values copied where callers may change them,
nothing kept from a read that failed, and the readers built on it (instrument, library, responses, pool, YAML)."""

from __future__ import annotations

import os
import shutil

import pandas as pd
import pytest

from pmo_workbench import _memo, load_instrument
from pmo_workbench._yaml import load_yaml
from pmo_workbench.assessment.responses import read_responses
from pmo_workbench.errors import InputValidationError


@pytest.fixture(autouse=True)
def _empty_cache():
    _memo.clear()
    yield
    _memo.clear()


def _rewrite_same_size_and_time(path, text: str) -> None:
    """Change a file's bytes but keep its size and modification time (what a stat-based cache would miss)."""
    before = path.stat()
    assert len(text.encode()) == before.st_size
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def test_a_hit_needs_the_same_bytes_not_only_the_same_size_and_time(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("one", encoding="utf-8")
    calls = []

    def load():
        calls.append(1)
        return path.read_text(encoding="utf-8")

    assert _memo.cached(path, "k", load) == "one"
    assert _memo.cached(path, "k", load) == "one"
    assert len(calls) == 1
    _rewrite_same_size_and_time(path, "two")
    assert _memo.cached(path, "k", load) == "two"
    assert len(calls) == 2
    assert _memo.cached(path, "other key", load) == "two"  # another way of reading it is another entry
    assert _memo.stats() == {"hits": 1, "misses": 3, "entries": 2}  # "one" was replaced by "two"


def test_nothing_is_kept_from_a_read_that_failed_nor_for_a_file_that_cannot_be_read(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    outcomes = iter([ValueError("bad"), "good"])

    def load():
        found = next(outcomes)
        if isinstance(found, Exception):
            raise found
        return found

    with pytest.raises(ValueError, match="bad"):
        _memo.cached(path, "k", load)
    assert _memo.cached(path, "k", load) == "good"
    missing = tmp_path / "missing.txt"
    reads = iter(range(2))
    assert [_memo.cached(missing, "k", lambda: next(reads)) for _ in range(2)] == [0, 1]  # read through, not kept


def test_values_go_out_through_the_copy_so_a_caller_cannot_change_the_kept_one(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x", encoding="utf-8")
    first = _memo.cached(path, "k", lambda: pd.DataFrame({"v": [1, 2]}), pd.DataFrame.copy)
    first.loc[0, "v"] = 99
    assert _memo.cached(path, "k", lambda: None, pd.DataFrame.copy)["v"].tolist() == [1, 2]


def test_the_cache_holds_at_most_its_bound_and_drops_the_least_recently_used(tmp_path, monkeypatch):
    monkeypatch.setattr(_memo, "MAX_ENTRIES", 2)
    paths = []
    for n in range(3):
        paths.append(tmp_path / f"{n}.txt")
        paths[-1].write_text(str(n), encoding="utf-8")
    _memo.cached(paths[0], "k", lambda: 0)
    _memo.cached(paths[1], "k", lambda: 1)
    _memo.cached(paths[0], "k", lambda: "not read again")  # used again: now the most recent
    _memo.cached(paths[2], "k", lambda: 2)  # pushes out paths[1]
    assert _memo.stats()["entries"] == 2
    assert _memo.cached(paths[0], "k", lambda: "dropped") == 0
    assert _memo.cached(paths[1], "k", lambda: "read again") == "read again"


def test_responses_are_read_once_per_bytes_and_each_caller_gets_its_own_frame(tmp_path, tiny_path):
    tiny = load_instrument(tiny_path)
    path = tmp_path / "responses.csv"
    path.write_text("organisation,pmo,respondent,role,item,value\nAlpha,Main,r1,executive,G1,4\n", encoding="utf-8")
    first = read_responses(path, tiny)
    first.loc[0, "value"] = 1.0
    assert read_responses(path, tiny)["value"].tolist() == [4.0]
    assert _memo.stats()["hits"] >= 1
    _rewrite_same_size_and_time(path, path.read_text(encoding="utf-8").replace(",4\n", ",2\n"))
    assert read_responses(path, tiny)["value"].tolist() == [2.0]
    _rewrite_same_size_and_time(path, path.read_text(encoding="utf-8").replace(",2\n", ",9\n"))
    with pytest.raises(InputValidationError, match="responses.csv:2"):  # off the scale: the new bytes are checked
        read_responses(path, tiny)


def test_an_instrument_is_read_once_per_bytes_and_each_caller_gets_its_own(tmp_path, tiny_path):
    path = tmp_path / "tiny.yaml"
    shutil.copy(tiny_path, path)
    first = load_instrument(path)
    first.level_names[9] = "added by one caller"
    first.items.loc[first.items.index[0], "text"] = "changed too"
    second = load_instrument(path)
    assert second is not first and _memo.stats()["hits"] >= 1
    assert 9 not in second.level_names and second.items.iloc[0]["text"] == "g one"
    text = path.read_text(encoding="utf-8")
    _rewrite_same_size_and_time(path, text.replace("title: ", "title= ", 1) if "title: " in text else text + "#")
    with pytest.raises(InputValidationError):
        load_instrument(path)


def test_answers_are_checked_against_the_instrument_given_not_the_file_it_came_from(tmp_path, tiny_path):
    tiny = load_instrument(tiny_path)
    path = tmp_path / "responses.csv"
    path.write_text("organisation,pmo,respondent,role,item,value\nAlpha,Main,r1,executive,G1,5\n", encoding="utf-8")
    assert read_responses(path, tiny)["value"].tolist() == [5.0]  # kept for this instrument
    narrower = tiny.model_copy(update={"scale": tiny.scale.model_copy(update={"max": 4})})
    with pytest.raises(InputValidationError, match="outside the scale"):  # as in a process that read nothing before
        read_responses(path, narrower)


def test_a_library_changed_by_one_caller_is_not_the_next_callers(tiny_path):
    from pmo_workbench.assessment.recommendations import library_for

    instrument = load_instrument("pmo-core")
    first = library_for(instrument)
    varied = next(r for r in first.recommendations if r.variants)
    varied.variants.clear()
    again = next(r for r in library_for(load_instrument("pmo-core")).recommendations if r.id == varied.id)
    assert again.variants and again is not varied


def test_a_file_saved_again_replaces_its_earlier_version_in_the_cache(tmp_path):
    path = tmp_path / "a.txt"
    for n in range(5):
        path.write_text(f"version {n}", encoding="utf-8")
        assert _memo.cached(path, "k", lambda n=n: n) == n
    assert _memo.cached(path, "other way", lambda: "x") == "x"
    assert _memo.stats()["entries"] == 2  # the last version, read two ways


def test_a_value_read_while_its_file_changed_is_not_kept(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("one", encoding="utf-8")

    def load_then_save():  # another program saves the file while it is being read
        value = path.read_text(encoding="utf-8")
        path.write_text("two", encoding="utf-8")
        return value

    assert _memo.cached(path, "k", load_then_save) == "one"
    path.write_text("one", encoding="utf-8")
    assert _memo.cached(path, "k", lambda: "read again") == "read again"  # "one" was never kept under a hash


def test_what_is_read_pinned_stays_whatever_is_read_afterwards(tmp_path, monkeypatch):
    monkeypatch.setattr(_memo, "MAX_ENTRIES", 2)
    shared = tmp_path / "shared.txt"
    shared.write_text("s", encoding="utf-8")
    with _memo.pinned():
        _memo.cached(shared, "k", lambda: "shared")
    for n in range(5):
        other = tmp_path / f"{n}.txt"
        other.write_text(str(n), encoding="utf-8")
        _memo.cached(other, "k", lambda n=n: n)
    assert _memo.cached(shared, "k", lambda: "read again") == "shared"
    assert _memo.stats()["entries"] == 3  # the pinned one and the bound's two


def test_a_symlink_loop_is_left_to_the_reader_to_report(tmp_path):
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    assert _memo.file_digest(loop) is None
    assert _memo.cached(loop, "k", lambda: "the reader's own answer") == "the reader's own answer"


def test_a_pipe_is_not_read_for_its_hash_its_bytes_are_the_readers(tmp_path):
    fifo = tmp_path / "answers.csv"
    os.mkfifo(fifo)
    assert _memo.file_digest(fifo) is None  # returns at once: opening a pipe with no writer would block
    assert _memo.file_digest(tmp_path) is None  # nor a folder


def test_a_yaml_document_is_the_callers_own(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text("a: [1, 2]\n", encoding="utf-8")
    data, _ = load_yaml(path)
    data["a"].append(3)
    assert load_yaml(path)[0] == {"a": [1, 2]}
