"""``python -m pmo_workbench`` and the ``pmo-workbench`` console script."""

from __future__ import annotations


def main() -> None:
    """Run the command line, without paying for optional imports it never uses."""
    import contextlib
    import signal
    import sys

    from . import _skip_slow_optional_imports

    # A terminated run cleans up as after Ctrl-C: kernels, workers, temporary files.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    _skip_slow_optional_imports()
    try:  # Ctrl-C while the commands are imported, before the command's own handling: a word, not a traceback
        from .cli.app import main as cli_main

        cli_main()
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):
            sys.stderr.write("interrupted\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
