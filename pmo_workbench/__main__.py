"""``python -m pmo_workbench`` and the ``pmo-workbench`` console script."""

from __future__ import annotations


def main() -> None:
    """Run the command line, without paying for optional imports it never uses."""
    from ._imports import skip_slow_optional_imports

    skip_slow_optional_imports()
    from .cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
