"""The workbench notebook in JupyterLab, driven in headless Chromium: a click and a key press reach the store."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request

import papermill
import pytest

from pmo_workbench.reports.pdf import CHROMIUM_ARGS
from pmo_workbench.resources import notebooks_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
@pytest.mark.browser
def test_answers_given_in_jupyterlab_are_saved(tmp_path, chromium):
    from playwright.sync_api import sync_playwright

    work, db, port = tmp_path / "work", tmp_path / "b.db", _free_port()
    work.mkdir()
    # The notebook with its parameters set, as a consultant would type them (not executed here).
    papermill.execute_notebook(str(notebooks_dir() / "assessment_workbench.ipynb"), str(work / "wb.ipynb"),
                               parameters={"db": str(db), "organisation": "Acme", "pmo": "PMO",
                                           "respondent_role": "executive"}, prepare_only=True)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--allow-root",
         "--IdentityProvider.token=", f"--ServerApp.root_dir={work}"],
        cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        for _ in range(180):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"http://127.0.0.1:{port}/lab/tree/wb.ipynb")
            page.wait_for_selector(".jp-Notebook", timeout=90_000)
            first = page.locator(".widget-toggle-buttons").first.locator("button")
            for attempt in range(3):  # "Run All Cells" before the kernel is ready can run nothing: try again
                page.wait_for_timeout(3_000)  # the kernel starting
                page.locator(".lm-MenuBar-item", has_text="Run").first.click(timeout=30_000)
                page.locator(".lm-Menu-item", has_text="Run All Cells").first.click(timeout=30_000)
                try:
                    first.nth(3).wait_for(timeout=40_000)
                    break
                except Exception:
                    if attempt == 2:
                        failed = page.locator("[data-mime-type='application/vnd.jupyter.stderr']").all_inner_texts()
                        raise AssertionError(f"the form did not appear; cell errors: {failed}") from None
            labels = [first.nth(i).inner_text() for i in range(first.count())]
            first.nth(3).click()  # MAN1: "4 Agree", with the mouse
            page.keyboard.press("Tab")  # then the keyboard alone: Tab to "5 Strongly agree" and press Space
            focused = page.evaluate("document.activeElement.textContent")
            page.keyboard.press("Space")
            page.wait_for_function("[...document.querySelectorAll('.widget-label, .widget-html')]"
                                   ".some(e => e.textContent.startsWith('saved'))", timeout=30_000)
            time.sleep(1.5)  # the debounce (0.5 s) and the write
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert labels == ["1 Strongly disagree", "2 Disagree", "3 Neither agree nor disagree", "4 Agree",
                      "5 Strongly agree", "Not applicable", "Don't know"]
    assert focused == "5 Strongly agree"
    with sqlite3.connect(db) as con:
        assert con.execute("select item, value from answers").fetchall() == [("MAN1", 5)]
    assert errors == []
