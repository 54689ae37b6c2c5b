"""``python -m pmo_workbench.i18n.compile CATALOGUE.po OUT.mo``: what ``make catalogues`` runs.

Babel's own ``pybabel compile`` checks translations as printf formats (``%s``): a message such as "the 95%
range" is then read as holding a ``% r`` conversion its translation "95-%-Bereich" lacks, and refused. The
package's messages are ``str.format`` templates, so they are checked as such here instead: a translation must keep
its message's ``{placeholders}``; an untranslated or fuzzy entry is left out (the English is shown) and counted.
The ``.mo`` is written whole or not at all.
"""

from __future__ import annotations

import io
import string
import sys
from pathlib import Path


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a ``str.format`` template (none when it is not one)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return set()


def compile_catalogue(po: Path, mo: Path) -> tuple[int, int, list[str]]:
    """Compile ``po`` to ``mo``; return (translated, left out, problems). Nothing is written when there are
    problems (a translation that drops or invents a placeholder, a file Babel cannot read)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    from . import check_syntax

    check_syntax(po)
    with po.open("rb") as f:
        catalogue = read_po(f, abort_invalid=True)
    problems, translated, left = [], 0, 0
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, (tuple, list)) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if message.fuzzy or not all(strings):
            left += 1
            continue
        translated += 1
        wanted = placeholders(ids[0])
        for text in strings:
            if placeholders(text) != wanted:
                problems.append(f"{po}:{message.lineno}: the translation's placeholders {sorted(placeholders(text))} "
                                f"are not the message's {sorted(wanted)}")
    if not problems:
        buffer = io.BytesIO()
        write_mo(buffer, catalogue, use_fuzzy=False)
        partial = mo.with_suffix(".mo.partial")
        partial.write_bytes(buffer.getvalue())
        partial.replace(mo)
    return translated, left, problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m pmo_workbench.i18n.compile CATALOGUE.po OUT.mo", file=sys.stderr)
        return 2
    try:
        translated, left, problems = compile_catalogue(Path(args[0]), Path(args[1]))
    except (OSError, ValueError) as exc:  # unreadable file, or a .po Babel cannot parse
        print(f"{args[0]}: {exc}", file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    note = f"; {left} untranslated or fuzzy, shown in English" if left else ""
    print(f"{args[0]}: {translated} messages compiled{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
