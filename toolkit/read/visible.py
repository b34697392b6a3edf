"""A DOCX run's effective formatting (document defaults, paragraph and character styles, direct formatting).

Text a reader cannot see is told apart from what is printed: hidden (vanish), coloured like what lies behind it,
shrunk to nothing or squeezed flat. The checks compare only what is printed and report the rest as `doc.hidden`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
MIN_HALF_POINTS = 4  # text under 2 pt cannot be read on paper
MIN_SCALE = 20  # horizontal scale in percent under which characters melt into a line
MEMO = 4096  # run property combinations remembered per set of styles
NEAR = 60  # colour distance (sum of channel differences) under which text does not stand out
_THEME = {"background1": "FFFFFF", "light1": "FFFFFF", "text1": "000000", "dark1": "000000"}
_HIGHLIGHT = {"white": "FFFFFF", "black": "000000", "yellow": "FFFF00", "lightGray": "C0C0C0", "darkGray": "808080"}


@dataclass
class Styles:
    """The document defaults and each style's run properties, with its base style."""

    defaults: dict[str, str] = field(default_factory=dict)
    runs: dict[str, dict[str, str]] = field(default_factory=dict)
    based_on: dict[str, str] = field(default_factory=dict)
    paragraph_default: str = ""
    _chains: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)
    _effective: dict[tuple, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def chain(self, style_id: str) -> dict[str, str]:
        """Return a style's run properties with those of its base styles underneath (resolved once per style)."""
        if style_id not in self._chains:
            self._chains[style_id] = self._resolve(style_id)
        return self._chains[style_id]

    def _resolve(self, style_id: str) -> dict[str, str]:
        seen, order = set(), []
        while style_id and style_id not in seen:
            seen.add(style_id)
            order.append(style_id)
            style_id = self.based_on.get(style_id, "")
        out: dict[str, str] = {}
        for sid in reversed(order):
            out.update(self.runs.get(sid, {}))
        return out


def load_styles(root: etree._Element | None) -> Styles:
    """Read word/styles.xml (None when the document has none)."""
    styles = Styles()
    if root is None:
        return styles
    styles.defaults = run_props(root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr"))
    for st in root.iter(f"{W}style"):
        sid = st.get(f"{W}styleId", "")
        styles.runs[sid] = run_props(st.find(f"{W}rPr"))
        base = st.find(f"{W}basedOn")
        if base is not None:
            styles.based_on[sid] = base.get(f"{W}val", "")
        if st.get(f"{W}type") == "paragraph" and st.get(f"{W}default") in ("1", "true"):
            styles.paragraph_default = sid
    return styles


_VALUED = {f"{W}sz": "sz", f"{W}w": "w", f"{W}highlight": "highlight", f"{W}spacing": "spacing"}
_VANISH = (f"{W}vanish", f"{W}specVanish")


def run_props(rpr: etree._Element | None) -> dict[str, str]:
    """Return the properties that decide whether a run is seen, as written in one rPr.

    One pass over its children, each property taken from its first element (as `find` would): a run's rPr is
    read for every run of a document.
    """
    if rpr is None:
        return {}
    out: dict[str, str] = {}
    first: dict = {}
    nofill = False
    for el in rpr:
        tag = el.tag
        if tag == f"{W14}textFill":
            nofill = nofill or el.find(f"{W14}noFill") is not None
        elif tag not in first:
            first[tag] = el
    for tag in _VANISH:  # specVanish, when both are written, decides
        el = first.get(tag)
        if el is not None:
            out["vanish"] = "0" if el.get(f"{W}val") in ("0", "false", "off") else "1"
    for tag, name in _VALUED.items():
        el = first.get(tag)
        if el is not None and el.get(f"{W}val") is not None:
            out[name] = el.get(f"{W}val")
    color = first.get(f"{W}color")
    if color is not None:
        out["color"] = _THEME.get(color.get(f"{W}themeColor", ""), color.get(f"{W}val", "auto"))
    shd = first.get(f"{W}shd")
    if shd is not None and shd.get(f"{W}fill") not in (None, "auto"):
        out["shd"] = shd.get(f"{W}fill")
    if nofill:
        out["nofill"] = "1"
    return out


def effective(styles: Styles, p_style: str, r_style: str, direct: dict[str, str]) -> dict[str, str]:
    """Resolve a run's properties: defaults, paragraph style, character style, then direct formatting."""
    key = (p_style, r_style, tuple(direct.items()))
    found = styles._effective.get(key)  # most runs of a document share a few combinations
    if found is None:
        found = dict(styles.defaults)
        found.update(styles.chain(p_style or styles.paragraph_default))
        found.update(styles.chain(r_style))
        found.update(direct)
        if len(styles._effective) >= MEMO:
            styles._effective.clear()  # a document of endless combinations does not grow the memory
        styles._effective[key] = found
    return dict(found)


def why_hidden(props: dict[str, str], behind: str = "FFFFFF") -> str:
    """Say why a run with these properties cannot be seen on a background colour, or '' when it can."""
    if props.get("vanish") == "1":
        return "隐藏文字"
    if props.get("nofill") == "1":
        return "文字无填充"
    if _int(props.get("sz"), 21) < MIN_HALF_POINTS:
        return f"字号过小（{_int(props.get('sz'), 0) / 2}磅）"
    if _int(props.get("w"), 100) < MIN_SCALE:
        return f"字符缩放过小（{props.get('w')}%）"
    if _int(props.get("spacing"), 0) <= -5 * _int(props.get("sz"), 21):
        return "字符间距压缩至重叠"
    ground = props.get("shd") or _HIGHLIGHT.get(props.get("highlight", ""), "") or behind
    color = props.get("color", "auto")
    if color not in ("auto", "") and _near(color, ground):
        return f"文字颜色与背景相同（{color}）"
    return ""


def _int(value: str | None, default: int) -> int:
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def _near(a: str, b: str) -> bool:
    try:
        ca, cb = bytes.fromhex(a[-6:]), bytes.fromhex(b[-6:])
    except ValueError:
        return False
    return len(ca) == len(cb) == 3 and sum(abs(x - y) for x, y in zip(ca, cb)) < NEAR
