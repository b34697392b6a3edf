"""Ways to make a PDF page draw other glyphs than its stored text says, by editing content streams and fonts.

Each trick rewrites the drawing of 双倍 in 出卖人应当双倍返还定金 (a LibreOffice PDF: one Tj per run, each run
placed by its own Tm) while pdfium, pypdf and every text extractor still read 双倍 through a ToUnicode map.
"""

from __future__ import annotations

import re
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

_OP = re.compile(rb"1 0 0 1 ([\d.]+) ([\d.]+) Tm\s*/(F\d+) ([\d.]+) Tf<([0-9A-F]+)>Tj")


def tounicode(font) -> dict[bytes, str]:
    """Read a font's ToUnicode CMap (bfchar and bfrange entries) as code → text."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    out = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[bytes.fromhex(code)] = bytes.fromhex(uni).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for a, b, u in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for k in range(int(a, 16), int(b, 16) + 1):
                out[k.to_bytes(len(a) // 2, "big")] = chr(int(u, 16) + k - int(a, 16))
    return out


def _glyphs(data: bytes, maps: dict) -> list[tuple[int, int, float, float, str, float, bytes, str]]:
    """Return each drawn glyph of the page: (op start, op end, x, y, font, size, code, text)."""
    out = []
    for m in _OP.finditer(data):
        x, y, font, size = float(m[1]), float(m[2]), "/" + m[3].decode(), float(m[4])
        codes = bytes.fromhex(m[5].decode())
        widths = maps[font][1]
        for c in codes:
            code = bytes([c])
            out.append((m.start(), m.end(), x, y, font, size, code, maps[font][0].get(code, "")))
            x += widths[c] * size / 1000
    return out


def _copy_font(writer: PdfWriter, font, changes: dict[bytes, str]):
    """Return a copy of a font whose ToUnicode maps some codes to other text."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    extra = "".join(f"<{c.hex().upper()}> <{t.encode('utf-16-be').hex().upper()}>\n" for c, t in changes.items())
    for c in changes:  # drop the code's own entry: the copy maps it only to the new text
        cmap = re.sub(rf"<{c.hex()}>\s*<[0-9A-Fa-f]+>\n", "", cmap, flags=re.I)
    cmap = cmap.replace("endcmap", f"{len(changes)} beginbfchar\n{extra}endbfchar\nendcmap", 1)
    stream = DecodedStreamObject()
    stream.set_data(cmap.encode("latin-1"))
    copy = DictionaryObject({k: v for k, v in font.items()})
    copy[NameObject("/ToUnicode")] = writer._add_object(stream)
    return writer._add_object(copy)


def redraw(path: Path, how: str, incremental: bool = False) -> None:
    """Redraw 双倍 so that the page shows something else while the stored text still reads 双倍.

    how: "blank" (spaces drawn, mapped to 双 and 倍), "other" (other characters of the font drawn, mapped to
    双 and 倍), "merged" (双倍 not drawn; the glyph 当 before them mapped to 当双倍).
    """
    writer = PdfWriter(str(path), incremental=True) if incremental else PdfWriter(clone_from=PdfReader(path))
    for page in writer.pages:
        fonts = page["/Resources"].get_object()["/Font"].get_object()
        maps = {n: (tounicode(f.get_object()), f.get_object()["/Widths"]) for n, f in fonts.items()}
        data = page.get_contents().get_data()
        glyphs = _glyphs(data, maps)
        text = "".join(g[7] for g in glyphs)
        k = text.find("应当双倍返还定金")
        if k < 0:
            continue
        first = next(i for i, g in enumerate(glyphs) if g[0] == glyphs[k][0])
        last = max(i for i, g in enumerate(glyphs) if g[0] == glyphs[k + 7][0])
        _rewrite(writer, page, fonts, maps, data, glyphs[first : last + 1], how)
        writer.write(path)
        return
    raise AssertionError("clause not found")


def _rewrite(writer, page, fonts, maps, data: bytes, run: list, how: str) -> None:
    start, end = run[0][0], run[-1][1]
    at = "".join(g[7] for g in run).find("应当双倍返还定金")
    targets = set(range(at + 1, at + 4))  # 当双倍 of that clause, not of another on the same line
    ops, added = [], {}
    for i, (_, _, x, y, font, size, code, ch) in enumerate(run):
        target = i in targets
        if how == "merged" and target and ch in "双倍":
            continue
        mapped = ("当双倍" if ch == "当" else None) if how == "merged" else ch if ch in "双倍" else None
        if mapped and target:
            font, drawn = _stand_in(maps, font, how, ch)
            name = f"/FR{len(added)}"
            added[name] = _copy_font(writer, fonts[font].get_object(), {drawn: mapped})
            font, code = name, drawn
        ops.append(b"1 0 0 1 %.3f %.3f Tm %s %.1f Tf<%s>Tj" % (x, y, font.encode(), size, code.hex().upper().encode()))
    for name, ref in added.items():
        fonts[NameObject(name)] = ref
    stream = DecodedStreamObject()
    stream.set_data(data[:start] + b"\n".join(ops) + data[end:])
    page[NameObject("/Contents")] = writer._add_object(stream)


def _stand_in(maps, font: str, how: str, ch: str) -> tuple[str, bytes]:
    """Pick the font and code drawn instead: the glyph itself, a space, or another character of the font."""
    codes = maps[font][0]
    if how == "merged":
        return font, next(c for c, t in codes.items() if t == ch)
    if how == "blank":
        return next((f, c) for f, (m, _) in maps.items() for c, t in m.items() if t == " ")
    return font, next(c for c, t in codes.items() if t not in (ch, " ", "双", "倍") and "\u4e00" <= t <= "\u9fff")
