"""``python -m pmo_workbench`` and the ``pmo-workbench`` console script."""

from __future__ import annotations


def main() -> None:
    """Run the command line, without paying for optional imports it never uses."""
    import signal
    import sys

    from . import _skip_slow_optional_imports

    # A terminated run cleans up as after Ctrl-C: kernels, workers, temporary files.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    _skip_slow_optional_imports()
    from .cli.app import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
