"""File safety: images typed by their bytes, SVGs without scripts or external references, paths kept in a folder.

The images are built here byte by byte (Pillow is not a dependency): a 1x1 grey
PNG (signature, IHDR, one zlib-compressed scanline, IEND), a 1x1 grey baseline
JPEG (one quantisation table, one-code Huffman tables, a single all-zero block)
and the classic 43-byte 1x1 transparent GIF.
"""

from __future__ import annotations

import base64
import os
import pickle
import struct
import zlib
from pathlib import Path

import pytest

from pmo_workbench import _safety
from pmo_workbench._safety import (
    MAX_IMAGE_BYTES,
    FileSafetyError,
    ImageFileError,
    OutsideFolderError,
    image_type,
    logo_data_uri,
    resolve_inside,
)
from pmo_workbench.errors import PmoWorkbenchError


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


PNG = (b"\x89PNG\r\n\x1a\n"
       + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))  # 1x1, 8-bit grey
       + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))  # filter byte 0, one mid-grey pixel
       + _png_chunk(b"IEND", b""))
JPEG = (b"\xff\xd8"  # SOI
        + b"\xff\xdb\x00\x43\x00" + b"\x01" * 64  # DQT: table 0, all ones
        + b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00"  # SOF0: 8-bit, 1x1, one component
        + b"\xff\xc4\x00\x14\x00\x01" + b"\x00" * 15 + b"\x00"  # DHT DC 0: one 1-bit code for category 0
        + b"\xff\xc4\x00\x14\x10\x01" + b"\x00" * 15 + b"\x00"  # DHT AC 0: one 1-bit code for end-of-block
        + b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"  # SOS
        + b"\x3f"  # DC difference 0, end of block: bits 00, padded with ones
        + b"\xff\xd9")  # EOI
GIF = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
       b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
GIF87 = b"GIF87a" + GIF[6:]
SECRET = b"root:x:0:0:root:/root:/bin/bash\nhunter2-secret-line\n"

SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
PIXEL = "data:image/png;base64," + base64.b64encode(PNG).decode("ascii")
PLAIN_SVG = f"""<?xml version="1.0" encoding="UTF-8"?>
{SVG_HEAD}
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#123"/><stop offset="1" stop-color="#fff"/></linearGradient>
    <circle id="dot" r="2" fill="url(#g)"/>
  </defs>
  <style>.a {{ fill: url(#g); stroke: url('#g') }} /* a comment */</style>
  <use href="#dot" x="2" y="2"/>
  <use xlink:href="#dot" x="6" y="6" style="fill: url( &quot;#g&quot; )"/>
  <image href="{PIXEL}" width="1" height="1"/>
  <a href=""><text x="0" y="9">PMO</text></a>
</svg>
"""


def _svg(body: str) -> bytes:
    return f"{SVG_HEAD}{body}</svg>".encode()


def test_the_hand_built_images_are_what_they_claim():
    assert PNG[12:16] == b"IHDR" and zlib.decompress(PNG[41:51]) == b"\x00\x80"
    assert len(GIF) == 43 and GIF.endswith(b";")
    assert JPEG.startswith(b"\xff\xd8\xff") and JPEG.endswith(b"\xff\xd9")


# --- image_type: accepted ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "expected"), [
    ("logo.png", PNG, "image/png"),
    ("LOGO.PNG", PNG, "image/png"),  # the extension's case does not matter
    ("logo.jpg", JPEG, "image/jpeg"),
    ("logo.jpeg", JPEG, "image/jpeg"),
    ("logo.gif", GIF, "image/gif"),
    ("logo.gif", GIF87, "image/gif"),
    ("logo.svg", PLAIN_SVG.encode(), "image/svg+xml"),  # #fragment uses, url(#g), a data:image/png href
    ("bare.svg", b'<svg width="1" height="1"><rect width="1" height="1"/></svg>', "image/svg+xml"),  # no namespace
    ("doctype.svg", b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
                    + _svg('<rect width="1" height="1"/>'), "image/svg+xml"),  # a DOCTYPE without declarations
    ("bom.svg", "\ufeff".encode() + _svg("<g/>"), "image/svg+xml"),
    ("utf16.svg", '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + _svg("<g/>").decode().encode(
        "utf-16")[2:], "image/svg+xml"),
])
def test_image_type_accepts_images_whose_bytes_match_their_extension(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    assert image_type(path) == expected


# --- image_type: refused -------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "message"), [
    ("logo.png", SECRET, "the extension .png says a PNG image but the content is text, not an image"),
    ("logo.png", GIF, "the extension .png says a PNG image but the content is a GIF image"),
    ("logo.jpg", PNG, "the extension .jpg says a JPEG image but the content is a PNG image"),
    ("logo.gif", JPEG, "the extension .gif says a GIF image but the content is a JPEG image"),
    ("logo.svg", PNG, "the extension .svg says an SVG image but the content is a PNG image"),
    ("logo.png", PLAIN_SVG.encode(), "says a PNG image but the content is XML or HTML text, not an image"),
    ("logo.png", b"", "says a PNG image but the content is empty"),
    ("logo.png", b"\x00\x01\x02\xfe\xff" * 10, "but the content is binary data of an unknown kind"),
    ("logo.png", b"\x89PNG\r\n", "but the content is binary data of an unknown kind"),  # a cut signature
    ("logo.svg", SECRET, "the extension .svg says an SVG image but the content is text, not an image"),
    ("logo.svg", b"", "the extension .svg says an SVG image but the content is empty"),
    ("logo.svg", b"<svg><g></svg>", "is not a well-formed SVG (XML) file: mismatched tag at line 1, column 11"),
    ("logo.svg", b"<<<<", "is not a well-formed SVG (XML) file: not well-formed (invalid token) at line 1, column 2"),
    ("logo.bmp", PNG, "must be a PNG, JPEG, GIF or SVG file with the extension .png, .jpg, .jpeg, .gif or .svg, "
                      "not '.bmp'"),
    ("logo.svgz", PNG, "not '.svgz'"),
    ("logo", PNG, "not no extension"),
    ("logo.png.txt", PNG, "not '.txt'"),
])
def test_image_type_refuses_bytes_that_are_not_what_the_extension_says(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ImageFileError) as caught:
        image_type(path)
    assert str(caught.value) == f"{path}: {caught.value.reason}"
    assert message in caught.value.reason
    assert "root:x" not in str(caught.value) and "hunter2" not in str(caught.value)  # never quotes the file


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY a "lol">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
  <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>
"""
EXTERNAL_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                   b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>')
PARAMETER_ENTITY = (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY % p SYSTEM "http://evil.example/x.dtd"> %p;]>'
                    b'<svg xmlns="http://www.w3.org/2000/svg"/>')


@pytest.mark.parametrize(("content", "message"), [
    (b'<?xml version="1.0"?><!DOCTYPE svg SYSTEM "http://evil.example/svg.dtd">'
     b'<svg xmlns="http://www.w3.org/2000/svg"/>', "a DTD outside the file"),
    (_svg("<script>alert(1)</script>"), "a <script> element"),
    (_svg('<script xlink:href="http://evil.example/x.js"/>'), "a <script> element"),
    (_svg('<SCRIPT xmlns="">alert(1)</SCRIPT>'), "a <script> element"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "an event attribute onload= on <svg>"),
    (_svg('<rect width="1" height="1" onclick="alert(1)"/>'), "an event attribute onclick= on <rect>"),
    (_svg('<rect width="1" height="1" ONMOUSEOVER="alert(1)"/>'), "an event attribute ONMOUSEOVER= on <rect>"),
    (_svg('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">hi</p></foreignObject>'),
     "a <foreignObject> element"),
    (_svg('<g><iframe xmlns="http://www.w3.org/1999/xhtml" src="#x"/></g>'), "an HTML <iframe> element"),
    (_svg('<image href="http://evil.example/track.png"/>'), "a href= on <image> that is neither a #fragment"),
    (_svg('<image xlink:href="file:///etc/passwd"/>'), "a href= on <image>"),
    (_svg('<image href="/etc/shadow"/>'), "a href= on <image>"),
    (_svg('<use href="other.svg#dot"/>'), "a href= on <use>"),
    (_svg('<a href="javascript:alert(1)"><text>x</text></a>'), "a href= on <a>"),
    (_svg('<a href=" java&#9;script:alert(1)"><text>x</text></a>'), "a href= on <a>"),
    (_svg('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>'), "a href= on <image>"),  # an SVG inside, unchecked
    (_svg('<image href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;"/>'), "a href= on <image>"),
    (_svg('<image src="http://evil.example/x.png"/>'), "a src= on <image>"),
    (_svg('<rect style="fill: url(http://evil.example/x.svg#g)"/>'), "a style= on <rect> with a url(...)"),
    (_svg("<rect style=\"fill: url('https://evil.example/x.svg#g')\"/>"), "a style= on <rect> with a url(...)"),
    (_svg(r'<rect style="fill: u\72l(http://evil.example/x)"/>'), "a style= on <rect> with a url(...)"),  # escaped
    (_svg('<rect style="fill: URL(//evil.example/x)"/>'), "a style= on <rect> with a url(...)"),
    (_svg('<rect fill="url(http://evil.example/x.svg#g)"/>'), "a fill= on <rect> with a url(...)"),
    (_svg('<rect filter="url(x.svg#f)"/>'), "a filter= on <rect> with a url(...)"),
    (_svg("<style>rect { fill: url(http://evil.example/x) }</style>"), "a <style> element with a url(...)"),
    (_svg("<style><![CDATA[rect { background: url( 'file:///etc/passwd' ) }]]></style>"),
     "a <style> element with a url(...)"),
    (_svg('<style>@import "http://evil.example/x.css";</style>'), "a <style> element with an @import rule"),
    (_svg("<style>@im/**/port url(x.css);</style>"), "a <style> element with"),
    (_svg(r"<style>@\69mport 'x.css';</style>"), "a <style> element with an @import rule"),
    (_svg('<style>rect { fill: image-set("http://evil.example/x.png" 1x) }</style>'),
     "a <style> element with a CSS image-set(...)"),
    (_svg('<set attributeName="href" to="javascript:alert(1)"/>'), "an <set> that changes href="),
    (_svg('<animate attributeName="xlink:href" values="http://evil.example/x"/>'), "an <animate> that changes"),
    (_svg('<set attributeName="onclick" to="alert(1)"/>'), "an <set> that changes onclick="),
    (BILLION_LAUGHS, "a DTD with declarations (entities are not allowed"),
    (EXTERNAL_ENTITY, "a DTD with declarations"),
    (PARAMETER_ENTITY, "a DTD with declarations"),
    (b'<?xml version="1.0"?><?xml-stylesheet href="http://evil.example/x.css"?><svg/>',
     "an <?xml-stylesheet?> instruction"),
    (b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "its root element is html"),
    (b'<svg xmlns="http://evil.example/ns"/>', "its root element is svg (namespace http://evil.example/ns), not svg"),
])
def test_image_type_refuses_svgs_with_scripts_or_external_references(tmp_path, content, message):
    path = tmp_path / "logo.svg"
    path.write_bytes(content)
    with pytest.raises(ImageFileError) as caught:
        image_type(path)
    assert message in caught.value.reason
    if "root element" in message:
        assert caught.value.reason.startswith("is not an SVG image: its root element is ")
    else:
        assert caught.value.reason.startswith("SVG refused: it holds ")


def test_an_entity_never_declared_is_a_parse_error_not_an_expansion(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_bytes(_svg("<text>&x;</text>"))
    with pytest.raises(ImageFileError, match="not a well-formed SVG .*undefined entity"):
        image_type(path)


@pytest.mark.parametrize(("size", "max_bytes", "message"), [
    (MAX_IMAGE_BYTES + 1, MAX_IMAGE_BYTES, "is 5.0 MB; an image may be at most 5.0 MB (shrink or compress it)"),
    (3 * 2**20, 2**20, "is 3.0 MB; an image may be at most 1.0 MB"),
    (101, 100, "an image may be at most 0.0 MB"),
])
def test_image_type_refuses_files_beyond_the_size_limit(tmp_path, size, max_bytes, message):
    path = tmp_path / "logo.png"
    with path.open("wb") as file:
        file.write(PNG)
        file.truncate(size)  # sparse: no need to write megabytes
    with pytest.raises(ImageFileError) as caught:
        image_type(path, max_bytes=max_bytes)
    assert message in caught.value.reason


def test_image_type_accepts_a_file_of_exactly_the_size_limit(tmp_path):
    path = tmp_path / "logo.png"
    path.write_bytes(PNG)
    assert image_type(path, max_bytes=len(PNG)) == "image/png"


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: None, "does not exist"),
    (lambda p: p.mkdir(), "is not a regular file"),
    (lambda p: os.mkfifo(p), "is not a regular file"),  # opened without blocking, then refused
])
def test_image_type_refuses_what_is_not_a_regular_file(tmp_path, make, message):
    path = tmp_path / "logo.png"
    make(path)
    with pytest.raises(ImageFileError) as caught:
        image_type(path)
    assert caught.value.reason.startswith(message)


# --- resolve_inside ------------------------------------------------------------------------------

@pytest.fixture
def tree(tmp_path):
    """tmp/a/b is the folder; tmp/a/bc its sibling sharing a prefix; tmp/outside holds a secret."""
    folder = tmp_path / "a" / "b"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "x.txt").write_text("inside")
    (tmp_path / "a" / "bc").mkdir()
    (tmp_path / "a" / "bc" / "x").write_text("sibling")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_text("secret")
    (folder / "escape").symlink_to(outside / "secret")  # inside, pointing out
    (folder / "escape_dir").symlink_to(outside, target_is_directory=True)
    (outside / "in").symlink_to(folder / "sub" / "x.txt")  # outside, pointing in
    (tmp_path / "folder_link").symlink_to(folder, target_is_directory=True)
    return tmp_path


@pytest.mark.parametrize(("path", "allowed", "expected"), [
    ("x.csv", [], "a/b/x.csv"),  # need not exist
    ("sub/x.txt", [], "a/b/sub/x.txt"),
    ("./sub/../sub/x.txt", [], "a/b/sub/x.txt"),
    ("sub/../x.csv", [], "a/b/x.csv"),
    (".", [], "a/b"),
    ("{tmp}/a/b/sub/x.txt", [], "a/b/sub/x.txt"),  # absolute, inside
    ("{tmp}/outside/in", [], "a/b/sub/x.txt"),  # a symlink outside pointing inside
    ("{tmp}/folder_link/sub/x.txt", [], "a/b/sub/x.txt"),  # through a symlink to the folder
    ("../../outside/secret", ["{tmp}/outside"], "outside/secret"),  # an allowed folder
    ("escape", ["{tmp}/outside"], "outside/secret"),
    ("escape_dir/secret", ["{tmp}/outside"], "outside/secret"),
    ("../bc/x", ["{tmp}/a/bc"], "a/bc/x"),
])
def test_resolve_inside_accepts_paths_that_stay_inside(tree, path, allowed, expected):
    allowed_paths = [Path(a.format(tmp=tree)) for a in allowed]
    got = resolve_inside(path.format(tmp=tree), tree / "a" / "b", allowed=allowed_paths)
    assert got == (tree / expected).resolve()
    assert got.is_absolute()


@pytest.mark.parametrize(("path", "allowed", "resolves_to"), [
    ("../x", [], "{tmp}/a/x"),
    ("sub/../../x", [], "{tmp}/a/x"),
    ("../../outside/secret", [], "{tmp}/outside/secret"),
    ("{tmp}/outside/secret", [], "{tmp}/outside/secret"),  # absolute, outside
    ("/etc/passwd", [], "/etc/passwd"),
    ("escape", [], "{tmp}/outside/secret"),  # a symlink inside pointing out
    ("escape_dir/secret", [], "{tmp}/outside/secret"),  # through a symlinked folder
    ("escape_dir/../b/sub/x.txt", [], "{tmp}/b/sub/x.txt"),  # '..' after a symlink is taken from its target
    ("../bc/x", [], "{tmp}/a/bc/x"),  # a sibling sharing the prefix: /a/bc is not inside /a/b
    ("{tmp}/a/bc/x", [], "{tmp}/a/bc/x"),
    ("{tmp}/a/b2", [], "{tmp}/a/b2"),
    ("../bc/x", ["{tmp}/a/b"], "{tmp}/a/bc/x"),  # allowing the folder itself permits nothing more
    ("../bc/x", ["{tmp}/outside"], "{tmp}/a/bc/x"),
])
def test_resolve_inside_refuses_paths_that_leave(tree, path, allowed, resolves_to):
    folder = tree / "a" / "b"
    allowed_paths = [Path(a.format(tmp=tree)) for a in allowed]
    with pytest.raises(OutsideFolderError) as caught:
        resolve_inside(path.format(tmp=tree), folder, allowed=allowed_paths)
    error = caught.value
    assert error.path == path.format(tmp=tree)
    assert error.resolved == Path(resolves_to.format(tmp=tree)).resolve()
    assert error.folder == folder.resolve()
    assert str(error).startswith(f"{error.path} resolves to {error.resolved}, outside {error.folder}")
    assert f"files named here must stay inside {error.folder}" in str(error)
    assert str(error).endswith("To use a file elsewhere, pass --allow-outside PATH naming the folder that holds it.")


def test_the_refusal_names_the_allowed_folders(tree):
    with pytest.raises(OutsideFolderError) as caught:
        resolve_inside("/etc/passwd", tree / "a" / "b", allowed=[tree / "outside", tree / "a" / "bc"])
    assert (f"/etc/passwd resolves to {Path('/etc/passwd').resolve()}, outside {tree / 'a' / 'b'} and outside "
            f"the allowed folders {tree / 'outside'}, {tree / 'a' / 'bc'}; ") in str(caught.value)


@pytest.mark.parametrize(("home", "accepted"), [("a/b/sub", True), ("outside", False)])
def test_resolve_inside_expands_the_home_folder(tree, monkeypatch, home, accepted):
    monkeypatch.setenv("HOME", str(tree / home))
    if accepted:
        assert resolve_inside("~/x.txt", tree / "a" / "b") == tree / "a" / "b" / "sub" / "x.txt"
    else:
        with pytest.raises(OutsideFolderError, match="outside"):
            resolve_inside("~/secret", tree / "a" / "b")


def test_resolve_inside_refuses_an_unknown_user_home_clearly(tree):
    with pytest.raises(FileSafetyError, match="~no-such-user-here/x: cannot be resolved"):
        resolve_inside("~no-such-user-here/x", tree / "a" / "b")


def test_resolve_inside_accepts_a_relative_folder(tree, monkeypatch):
    monkeypatch.chdir(tree / "a")
    assert resolve_inside("sub/x.txt", Path("b")) == tree / "a" / "b" / "sub" / "x.txt"
    with pytest.raises(OutsideFolderError):
        resolve_inside("../bc/x", Path("b"))


def test_resolve_inside_refuses_a_symlink_loop_clearly(tree):
    loop = tree / "a" / "b" / "loop"
    loop.symlink_to(loop)
    try:
        resolved = resolve_inside("loop/x", tree / "a" / "b")
    except FileSafetyError as error:  # Python < 3.13 refuses the loop
        assert "loop/x: cannot be resolved" in str(error)
    else:  # Python >= 3.13 leaves the loop as it is, inside the folder
        assert resolved.is_relative_to(tree / "a" / "b")


def test_the_errors_are_value_errors_of_the_package_and_pickle(tree):
    outside = OutsideFolderError("../x", tree / "x", tree / "a", (tree / "o",))
    image = ImageFileError(tree / "logo.png", "is empty")
    for error in (outside, image):
        assert isinstance(error, ValueError) and isinstance(error, PmoWorkbenchError)
        again = pickle.loads(pickle.dumps(error))
        assert type(again) is type(error) and str(again) == str(error)


# --- logo_data_uri -------------------------------------------------------------------------------

@pytest.fixture
def branding(tmp_path):
    """A branding file in tmp/brand, a secret outside it."""
    folder = tmp_path / "brand"
    folder.mkdir()
    (folder / "branding.yaml").write_text("logo: logo.png\n")
    (tmp_path / "outside").mkdir()
    return folder / "branding.yaml"


@pytest.mark.parametrize(("name", "content", "mime"), [
    ("logo.png", PNG, "image/png"),
    ("logo.jpeg", JPEG, "image/jpeg"),
    ("logo.gif", GIF, "image/gif"),
    ("logo.svg", PLAIN_SVG.encode(), "image/svg+xml"),
    ("img/logo.png", PNG, "image/png"),
])
def test_logo_data_uri_embeds_an_image_inside_the_branding_folder(branding, name, content, mime):
    (branding.parent / name).parent.mkdir(exist_ok=True)
    (branding.parent / name).write_bytes(content)
    uri = logo_data_uri(Path(name), branding)
    assert uri == f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
    assert logo_data_uri(branding.parent / name, branding) == uri  # absolute, inside


def test_logo_data_uri_follows_a_symlink_that_stays_inside(branding):
    (branding.parent / "real.png").write_bytes(PNG)
    (branding.parent / "logo.png").symlink_to(branding.parent / "real.png")
    assert logo_data_uri(Path("logo.png"), branding).startswith("data:image/png;base64,iVBORw0KGgo")


@pytest.mark.parametrize(("setup", "logo", "error", "message"), [
    ("shadow", "shadow.svg", OutsideFolderError, "shadow.svg resolves to /etc/shadow, outside "),
    ("outside-svg", "shadow.svg", OutsideFolderError, "outside"),  # a valid SVG, still outside
    ("outside-png", "../outside/logo.png", OutsideFolderError, "outside"),
    ("outside-png", "{tmp}/outside/logo.png", OutsideFolderError, "outside"),
    ("text", "logo.png", ImageFileError, "says a PNG image but the content is text"),
    ("gif-as-png", "logo.png", ImageFileError, "says a PNG image but the content is a GIF image"),
    ("script-svg", "logo.svg", ImageFileError, "SVG refused: it holds a <script> element"),
    ("folder", "logo.png", ImageFileError, "is not a regular file"),
    ("missing", "logo.png", ImageFileError, "does not exist"),
])
def test_logo_data_uri_refuses_files_outside_or_not_images(branding, setup, logo, error, message):
    folder, outside = branding.parent, branding.parent.parent / "outside"
    if setup == "shadow":
        (folder / "shadow.svg").symlink_to("/etc/shadow")
    elif setup == "outside-svg":
        (outside / "secret.svg").write_bytes(_svg("<g/>"))
        (folder / "shadow.svg").symlink_to(outside / "secret.svg")
    elif setup == "outside-png":
        (outside / "logo.png").write_bytes(PNG)
    elif setup == "text":
        (folder / "logo.png").write_bytes(SECRET)
    elif setup == "gif-as-png":
        (folder / "logo.png").write_bytes(GIF)
    elif setup == "script-svg":
        (folder / "logo.svg").write_bytes(_svg("<script>alert(1)</script>"))
    elif setup == "folder":
        (folder / "logo.png").mkdir()
    with pytest.raises(error) as caught:
        logo_data_uri(Path(logo.format(tmp=folder.parent)), branding)
    assert message in str(caught.value)
    assert "root:x" not in str(caught.value)


def test_logo_data_uri_accepts_a_logo_in_an_allowed_folder(branding):
    outside = branding.parent.parent / "outside"
    (outside / "logo.gif").write_bytes(GIF)
    assert logo_data_uri(Path("../outside/logo.gif"), branding, allowed=[outside]).startswith("data:image/gif;")


def test_logo_data_uri_refuses_a_symlink_swapped_in_after_resolving(branding, monkeypatch):
    """The file read is opened without following symlinks, so a swap between the check and the read fails."""
    folder = branding.parent
    (folder / "logo.png").write_bytes(PNG)
    real = _safety.resolve_inside

    def swap(*args, **kwargs):
        resolved = real(*args, **kwargs)
        resolved.unlink()
        resolved.symlink_to(folder / "elsewhere.png")
        (folder / "elsewhere.png").write_bytes(PNG)
        return resolved

    monkeypatch.setattr(_safety, "resolve_inside", swap)
    with pytest.raises(ImageFileError, match="is a symbolic link"):
        logo_data_uri(Path("logo.png"), branding)


@pytest.mark.parametrize("url", ["sqlite:///{db}", "sqlite:///file:{db}?mode=ro&uri=true", "{db}"])
def test_a_manifest_store_outside_its_folder_is_refused_in_any_spelling(tmp_path, url):
    from pmo_workbench.errors import InputValidationError
    from pmo_workbench.reports.manifest import read_manifest

    outside = tmp_path / "elsewhere" / "s.db"
    outside.parent.mkdir()
    folder = tmp_path / "manifests"
    folder.mkdir()
    manifest = folder / "m.csv"
    manifest.write_text(f"report,organisation,store,assessment\npositioning,Org,{url.format(db=outside)},1\n",
                        encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "store")]
    assert "--allow-outside" in caught.value.problems[0].message and not outside.exists()


def test_an_engagement_file_beside_the_responses_must_stay_in_the_manifest_folder(tmp_path):
    from pmo_workbench.errors import InputValidationError
    from pmo_workbench.reports.manifest import read_manifest
    from pmo_workbench.resources import examples_dir

    folder = tmp_path / "m"
    folder.mkdir()
    lines = (examples_dir() / "pmo_responses.csv").read_text(encoding="utf-8").splitlines()
    (folder / "answers.csv").write_text("\n".join([lines[0], *[x for x in lines if x.startswith("Aldergate")]])
                                        + "\n", encoding="utf-8")
    outside = tmp_path / "outside.yaml"
    outside.write_text("pmos:\n  - {organisation: Aldergate Logistics, pmo: Logistics PMO, target: strategic}\n",
                       encoding="utf-8")
    (folder / "engagement.yaml").symlink_to(outside)
    manifest = folder / "manifest.csv"
    manifest.write_text("report,organisation,responses\npositioning,Aldergate Logistics,answers.csv\n",
                        encoding="utf-8")
    with pytest.raises(InputValidationError) as caught:
        read_manifest(manifest)
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "responses")]
    assert caught.value.problems[0].message.startswith("the engagement.yaml beside it: ")
    (spec,) = read_manifest(manifest, allowed=(tmp_path,))  # allowed: read, and an input of the report
    assert spec.parameters["engagement"] == str(folder / "engagement.yaml")
