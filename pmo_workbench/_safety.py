"""Safety of the files a user names: images checked by content, paths kept inside a folder.

A branding YAML names a logo that is embedded (base64) in the reports, and a batch
manifest names the files of its reports relative to its own folder. Both come from
the user, so both are checked here before anything is read:

- :func:`image_type` decides an image's type from its bytes (magic numbers, or a
  safe XML parse for SVG), requires the extension to agree, and refuses SVGs that
  hold scripts or load anything from outside themselves;
- :func:`resolve_inside` resolves a path (``~`` expanded, symlinks followed) and
  refuses it unless it lands inside a given folder or one of the allowed ones;
- :func:`logo_data_uri` does both for a branding logo and returns the data URI.

Only the standard library is used: the SVG is parsed with :mod:`xml.parsers.expat`
refusing any DTD internal subset and entity declaration, so an entity bomb
("billion laughs") is refused before anything is expanded, and no external
entity or DTD is ever fetched.

Error messages never quote the contents of a refused file: they are shown to
whoever wrote the YAML, who may be trying to read a file they should not.
"""

from __future__ import annotations

import base64
import os
import re
import stat
from collections.abc import Sequence
from pathlib import Path
from xml.parsers import expat

from .errors import FileSafetyError, ImageFileError, OutsideFolderError

__all__ = [
    "MAX_IMAGE_BYTES",
    "FileSafetyError",
    "ImageFileError",
    "OutsideFolderError",
    "image_type",
    "logo_data_uri",
    "resolve_inside",
]

#: The largest image (logo) read, in bytes: 5 MB.
MAX_IMAGE_BYTES = 5 * 1024 * 1024

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

_PNG, _JPEG, _GIF, _SVG = "image/png", "image/jpeg", "image/gif", "image/svg+xml"
_LABEL = {_PNG: "PNG", _JPEG: "JPEG", _GIF: "GIF", _SVG: "SVG"}
_BY_EXTENSION = {".png": _PNG, ".jpg": _JPEG, ".jpeg": _JPEG, ".gif": _GIF, ".svg": _SVG}
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", _PNG),
    (b"\xff\xd8\xff", _JPEG),
    (b"GIF87a", _GIF),
    (b"GIF89a", _GIF),
)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


# --- paths -------------------------------------------------------------------------------------

def resolve_inside(path: str | Path, folder: Path, *, allowed: Sequence[Path] = ()) -> Path:
    """Resolve ``path`` and return it if it lies inside ``folder`` or one of the ``allowed`` folders.

    Parameters
    ----------
    path
        The path the user wrote; ``~`` is expanded, and a relative path is taken
        relative to ``folder``.
    folder
        The folder the path must stay in (a relative folder is relative to the
        current directory).
    allowed
        Further folders the path may lie in (``--allow-outside``); relative ones
        are relative to the current directory.

    Returns
    -------
    Path
        The absolute path, every symlink resolved (``Path.resolve(strict=False)``:
        the file need not exist).

    Raises
    ------
    OutsideFolderError
        When the resolved path is in none of the folders. Containment is decided
        component by component, so ``/a/bc`` is not inside ``/a/b``; a symlink in
        the folder that points outside is refused, one outside that points in is
        accepted.
    FileSafetyError
        When the path cannot be resolved (a symlink loop, a NUL byte).
    """
    base = _expand(folder)
    candidate = _expand(path)
    if not candidate.is_absolute():
        candidate = base / candidate
    resolved = _resolve(candidate, path)
    root = _resolve(base, folder)
    others = tuple(_resolve(_expand(a), a) for a in allowed)
    if any(resolved.is_relative_to(r) for r in (root, *others)):
        return resolved
    raise OutsideFolderError(path, resolved, root, others)


def _expand(path: str | Path) -> Path:
    try:
        return Path(path).expanduser()
    except RuntimeError as exc:  # ~user of no known user
        raise FileSafetyError(f"{path}: cannot be resolved ({exc})") from None


def _resolve(path: Path, named: str | Path) -> Path:
    try:
        return path.resolve(strict=False)
    except (OSError, RuntimeError, ValueError) as exc:  # RuntimeError: a symlink loop before Python 3.13
        raise FileSafetyError(f"{named}: cannot be resolved ({exc})") from None


# --- images ------------------------------------------------------------------------------------

def image_type(path: Path, *, max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """The MIME type of an image, decided by its content, which must agree with its extension.

    Parameters
    ----------
    path
        The image file (symlinks are followed: see :func:`logo_data_uri` to keep
        them inside a folder). Its extension must be ``.png``, ``.jpg``/``.jpeg``,
        ``.gif`` or ``.svg`` (any case).
    max_bytes
        The largest file accepted.

    Returns
    -------
    str
        ``image/png``, ``image/jpeg``, ``image/gif`` or ``image/svg+xml``.

    Raises
    ------
    ImageFileError
        When the file is missing, not a regular file, larger than ``max_bytes``,
        has another extension, holds something else than its extension says
        (PNG, JPEG and GIF by magic number; SVG by an XML parse with root ``svg``),
        or is an SVG with a DTD internal subset (entities), scripts, event
        handlers, ``foreignObject``, or references to anything but its own
        ``#fragments`` and ``data:image/...`` URIs.
    """
    return _read_image(Path(path), max_bytes, follow_symlinks=True)[0]


def logo_data_uri(path: Path, branding_file: Path, *, allowed: Sequence[Path] = (),
                  max_bytes: int = MAX_IMAGE_BYTES) -> str:
    """The ``data:`` URI of a branding logo, after checking where it is and what it holds.

    Parameters
    ----------
    path
        The logo as the branding file names it (relative to the branding file's
        folder, or absolute).
    branding_file
        The branding YAML file; the logo must resolve inside its folder.
    allowed
        Further folders the logo may lie in (``--allow-outside``).
    max_bytes
        The largest logo accepted.

    Returns
    -------
    str
        ``data:<mime>;base64,<bytes>``; the type is decided as by :func:`image_type`,
        from the bytes and the extension of the resolved file. The bytes checked
        are the bytes encoded (the file is read once).

    Raises
    ------
    OutsideFolderError
        When the logo resolves (symlinks followed) outside the branding file's
        folder and the ``allowed`` folders.
    ImageFileError
        When it is not a regular file or not an acceptable image (:func:`image_type`).
    """
    resolved = resolve_inside(path, Path(branding_file).parent, allowed=allowed)
    mime, data = _read_image(resolved, max_bytes, follow_symlinks=False)
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _read_image(path: Path, max_bytes: int, *, follow_symlinks: bool) -> tuple[str, bytes]:
    suffix = path.suffix.lower()
    expected = _BY_EXTENSION.get(suffix)
    if expected is None:
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise ImageFileError(path, f"an image must be a PNG, JPEG, GIF or SVG file with the extension .png, "
                                   f".jpg, .jpeg, .gif or .svg, not {shown}")
    data = _read_regular_file(path, max_bytes, follow_symlinks=follow_symlinks)
    found = _sniff(data)
    if expected == _SVG:
        if found is not None or not data.lstrip(b" \t\r\n").startswith((b"<", *_BOMS)):
            raise ImageFileError(path, f"the extension {path.suffix} says an SVG image but the content is "
                                       f"{_describe(data)}")
        _check_svg(path, data)
    elif found != expected:
        raise ImageFileError(path, f"the extension {path.suffix} says a {_LABEL[expected]} image but the "
                                   f"content is {_describe(data)}")
    return expected, data


def _read_regular_file(path: Path, max_bytes: int, *, follow_symlinks: bool) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_symlinks:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise ImageFileError(path, "does not exist") from None
    except IsADirectoryError:
        raise ImageFileError(path, _NOT_REGULAR) from None
    except OSError as exc:
        if not follow_symlinks and path.is_symlink():
            raise ImageFileError(path, "is a symbolic link; name the file it points to") from None
        raise ImageFileError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImageFileError(path, _NOT_REGULAR)
        if info.st_size > max_bytes:
            raise ImageFileError(path, _too_large(info.st_size, max_bytes))
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImageFileError(path, _too_large(None, max_bytes))
    return data


_NOT_REGULAR = "is not a regular file (a folder, device or pipe cannot be an image)"


def _too_large(size: int | None, max_bytes: int) -> str:
    shown = "more than that" if size is None else _mb(size)
    return f"is {shown}; an image may be at most {_mb(max_bytes)} (shrink or compress it)"


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _sniff(data: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)


def _describe(data: bytes) -> str:
    """What the bytes look like, without quoting them (the file may be a secret)."""
    kind = _sniff(data)
    if kind is not None:
        return f"a {_LABEL[kind]} image"
    if not data.strip():
        return "empty"
    head = data[:4096]
    if head.startswith(_BOMS):
        return "text (with a byte-order mark), not an image"
    if head.lstrip().startswith(b"<"):
        return "XML or HTML text, not an image"
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not just a character cut at the 4096th byte
            return "binary data of an unknown kind, not a PNG, JPEG, GIF or SVG image"
        text = head[:exc.start].decode("utf-8")
    if all(c.isprintable() or c in "\t\r\n\f" for c in text):
        return "text, not an image"
    return "binary data of an unknown kind, not a PNG, JPEG, GIF or SVG image"


# --- SVG ---------------------------------------------------------------------------------------

class _Refused(Exception):
    """Raised inside the expat handlers to stop the parse with a reason."""


_XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
_FORBIDDEN_ELEMENTS = {
    "script": "a <script> element (scripts are not allowed in an image)",
    "foreignobject": "a <foreignObject> element (embedded HTML is not allowed in an image)",
    "handler": "a <handler> element (scripts are not allowed in an image)",
}
_ANIMATIONS = {"animate", "set", "animatecolor", "animatemotion", "animatetransform"}
_REFERENCE_ATTRIBUTES = {"href", "src"}
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|\r\n|(.))", re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*")
_CSS_LOADERS = re.compile(r"(?:-webkit-)?image-set\(|(?<![\w-])(?:image|src|cross-fade|element)\(")


def _check_svg(path: Path, data: bytes) -> None:
    """Parse ``data`` as XML (no DTD internal subset, no entities) and refuse active or external content."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    state = {"root": None, "style_depth": 0, "style_text": []}

    def start_doctype(name, system_id, public_id, has_internal_subset):
        # The W3C's own SVG DOCTYPE, as drawing programs write it, is never fetched (no external entity is
        # loaded here, and a browser showing an image loads none); any other external DTD is refused.
        w3c_svg = (public_id or "").startswith("-//W3C//DTD SVG ")
        if (system_id or public_id) and not w3c_svg:
            raise _Refused("a DTD outside the file (a SYSTEM or PUBLIC identifier: an external reference)")
        if has_internal_subset:
            raise _Refused("a DTD with declarations (entities are not allowed: they can expand without bound)")

    def entity_declaration(*_args):
        raise _Refused("an entity declaration (entities are not allowed: they can expand without bound)")

    def external_entity(*_args):
        raise _Refused("a reference to an external entity")

    def processing_instruction(target, _data):
        if target.lower() == "xml-stylesheet":
            raise _Refused("an <?xml-stylesheet?> instruction (external style sheets are not allowed)")

    def start_element(name, attributes):
        namespace, local = _split(name)
        if state["root"] is None:
            state["root"] = name
            if local != "svg" or namespace not in ("", SVG_NAMESPACE):
                shown = local if not namespace else f"{local} (namespace {namespace})"
                raise ImageFileError(path, f"is not an SVG image: its root element is {shown}, not svg")
        lowered = local.lower()
        if lowered in _FORBIDDEN_ELEMENTS:
            raise _Refused(_FORBIDDEN_ELEMENTS[lowered])
        if namespace == _XHTML_NAMESPACE:
            raise _Refused(f"an HTML <{local}> element (HTML is not allowed in an image)")
        for attribute, value in attributes.items():
            _check_attribute(local, attribute, value, attributes)
        if lowered == "style" or state["style_depth"]:
            state["style_depth"] += 1

    def end_element(_name):
        if state["style_depth"]:
            state["style_depth"] -= 1
            if not state["style_depth"]:
                problem = _css_problem("".join(state["style_text"]), full=True)
                if problem:
                    raise _Refused(f"a <style> element with {problem}")
                state["style_text"].clear()

    def character_data(text):
        if state["style_depth"]:
            state["style_text"].append(text)

    parser.StartDoctypeDeclHandler = start_doctype
    parser.EntityDeclHandler = entity_declaration
    parser.UnparsedEntityDeclHandler = entity_declaration
    parser.ExternalEntityRefHandler = external_entity
    parser.ProcessingInstructionHandler = processing_instruction
    parser.StartElementHandler = start_element
    parser.EndElementHandler = end_element
    parser.CharacterDataHandler = character_data
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise ImageFileError(path, f"SVG refused: it holds {refused}") from None
    except expat.ExpatError as exc:
        raise ImageFileError(path, f"is not a well-formed SVG (XML) file: {expat.errors.messages[exc.code]} at "
                                   f"line {exc.lineno}, column {exc.offset + 1}") from None
    if state["root"] is None:
        raise ImageFileError(path, "is not an SVG image: it has no root element")


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(" ")
    return namespace, local


def _check_attribute(element: str, attribute: str, value: str, attributes: dict[str, str]) -> None:
    _namespace, local = _split(attribute)
    lowered = local.lower()
    if lowered.startswith("on"):
        raise _Refused(f"an event attribute {local}= on <{element}> (scripts are not allowed in an image)")
    if lowered in _REFERENCE_ATTRIBUTES:
        if not _local_reference(value):
            raise _Refused(f"a {local}= on <{element}> that is neither a #fragment of the image nor a "
                           f"data:image/... URI (an image may not load anything)")
        return
    if lowered == "attributename" and element.lower() in _ANIMATIONS:
        target = value.strip().rpartition(":")[2].lower()
        if target in _REFERENCE_ATTRIBUTES or target.startswith("on"):
            raise _Refused(f"an <{element}> that changes {value.strip()}= (an image may not load anything)")
        return
    problem = _css_problem(value, full=lowered == "style")
    if problem:
        raise _Refused(f"a {local}= on <{element}> with {problem}")


def _local_reference(value: str) -> bool:
    """Whether an href/src value stays inside the image: empty, ``#fragment`` or a raster ``data:image/``."""
    squeezed = re.sub(r"[\x00-\x20]+", "", value).lower()  # browsers drop these inside URLs
    return (squeezed == "" or squeezed.startswith("#")
            or (squeezed.startswith("data:image/") and not squeezed.startswith("data:image/svg")))


def _css_problem(css: str, *, full: bool) -> str | None:
    """What in ``css`` could load something from outside the image, or ``None``.

    ``full`` checks a style sheet or style attribute (also ``@import`` and the
    image functions); otherwise only ``url(...)`` is looked for (presentation
    attributes such as ``fill`` or ``filter``).
    """
    if "\\" not in css and "url(" not in css.lower() and not full:
        return None
    text = _CSS_COMMENT.sub(" ", _CSS_ESCAPE.sub(_unescape, css)).lower()
    if full and "@import" in text:
        return "an @import rule (external style sheets are not allowed)"
    for match in _CSS_URL.finditer(text):
        target = re.sub(r"[\x00-\x20]+", "", text[match.end():match.end() + 64])
        if not (target.startswith("#") or (target.startswith("data:") and not target.startswith("data:image/svg"))):
            return "a url(...) that is neither a #fragment nor a data: URI (an image may not load anything)"
    if full:
        loader = _CSS_LOADERS.search(text)
        if loader:
            return f"a CSS {loader.group(0)}...) (an image may not load anything)"
    return None


def _unescape(match: re.Match[str]) -> str:
    hexadecimal, character = match.group(1), match.group(2)
    if hexadecimal:
        code = int(hexadecimal, 16)
        return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
    return character or ""
