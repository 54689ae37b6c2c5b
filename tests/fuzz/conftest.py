"""The fuzz tests' summary: after a run, how many inputs each reader was given, loaded, refused with a located error,
and how many broke the property (with each distinct failure once)."""

from __future__ import annotations

from . import support


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not support.TRIED:
        return
    write = terminalreporter.write_line
    profile = "long" if support.LONG else "quick"
    terminalreporter.section(f"fuzzed readers ({profile} profile)")
    width = max(len(r) for r in support.TRIED)
    write(f"{'reader':<{width}}  {'tried':>7}  {'loaded':>7}  {'refused':>7}  {'failed':>7}")
    for reader in sorted(support.TRIED):
        write(f"{reader:<{width}}  {support.TRIED[reader]:>7}  {support.LOADED[reader]:>7}  "
              f"{support.REFUSED[reader]:>7}  {support.FAILED[reader]:>7}")
    write(f"{'total':<{width}}  {sum(support.TRIED.values()):>7}  {sum(support.LOADED.values()):>7}  "
          f"{sum(support.REFUSED.values()):>7}  {sum(support.FAILED.values()):>7}")
    for reader, failures in sorted(support.FAILURES.items()):
        for failure in sorted(failures):
            write(f"failure: {reader}: {failure}")
