"""Every public exception lives in pmo_workbench.errors, derives from one root, and pickles (batches run reports in
worker processes), keeping its message."""

from __future__ import annotations

import inspect
import pickle
from pathlib import Path

import pytest

from pmo_workbench import errors

EXAMPLES = {
    "PmoWorkbenchError": ("something failed",),
    "InputValidationError": ([errors.Problem("a.csv", 2, "value", "bad")],),
    "InstrumentNotFoundError": ("x", ("pmo-core",)),
    "StoreError": ("no assessment 9",),
    "NoAnswersError": ((3, 5),),
    "ReportError": ("Acme: failed in cell 3", "Acme", 3, "KeyError", "'x'", None),
    "ReportParameterError": ("unknown parameter",),
    "PdfUnavailableError": ("no Chromium",),
    "KernelStartError": ("no template",),
    "ClusterError": ("no worker joined tcp://127.0.0.1:8786 within 30 s",),
    "UnsavedAnswersError": ("2 answers not saved",),
    "FileError": ("write", "/x/y", "No space left on device", 28),
    "MissingExtraError": ("pdf", "PDF printing", "playwright"),
    "FileSafetyError": ("refused",),
    "ImageFileError": ("logo.png", "is text, not an image"),
    "OutsideFolderError": ("../x", Path("/x"), Path("/m"), (Path("/a"),)),
}
DECLARED = {name for name, value in vars(errors).items()
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == errors.__name__}


def test_every_public_exception_is_exemplified_here():
    assert DECLARED == set(EXAMPLES)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_each_error_derives_from_the_root_and_pickles_with_its_message(name):
    error = getattr(errors, name)(*EXAMPLES[name])
    assert isinstance(error, errors.PmoWorkbenchError)
    assert (getattr(errors, name).__doc__ or "").startswith("Raised when")
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is type(error) and str(clone) == str(error)


@pytest.mark.parametrize(("ids", "message"), [
    (3, "assessment 3 has no answers yet"),
    ((3,), "assessment 3 has no answers yet"),
    ([3, 5], "assessments 3, 5 have no answers yet"),
])
def test_no_answers_names_the_assessments(ids, message):
    error = errors.NoAnswersError(ids)
    assert isinstance(error, errors.StoreError)
    assert str(error) == message and str(pickle.loads(pickle.dumps(error))) == message
