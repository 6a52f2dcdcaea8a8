"""The book's icons without the theme's 1.5 MB icon script.

The theme loads Font Awesome's whole JavaScript bundle (every icon of three sets, 1.5 MB) to draw
about fifteen icons, and its web fonts (up to 0.3 MB) for any icon the script has not replaced
yet. Learners on poor connections pay for it on their first visit. After the build, this step
finds the icons the pages and the theme's scripts use, writes each ``<i class="fa-...">`` of the
HTML as inline SVG (so no font is ever fetched, and icons show without JavaScript), and replaces
the bundle with a small script that holds only those icons, for the few the theme's scripts add
at run time. The icon data is read from the theme's own bundle, so the icons are the same.
The theme's stylesheets still draw a few icons with the icon font (admonition titles, the
"on this page" arrow): the fonts are cut down to those glyphs, a few kB instead of 0.3 MB.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

BUNDLE = Path("_static") / "scripts" / "fontawesome.js"
SHIM = Path("_static") / "scripts" / "icons.js"
STYLES = {"fa-solid": "fas", "fas": "fas", "fa": "fas", "fa-regular": "far", "far": "far",
          "fa-brands": "fab", "fab": "fab"}
MODIFIERS = re.compile(r"^fa-(?:lg|xs|sm|xl|2xs|2xl|fw|[1-9]x|10x|spin|pulse|border|inverse|"
                       r"flip(?:-\w+)?|rotate-\d+|pull-\w+|beat|fade|bounce|shake|li|ul|stack.*)$")
# One pack of the bundle: `var p={...}` ... `d("fas",p)`.
PACK = re.compile(r'var p=\{(.*?)\};.*?d\("(fab|far|fas)",p\)', re.S)
ENTRY = re.compile(r'(?:"([^"]+)"|([A-Za-z0-9_$]+)):\[(\d+),(\d+),\[([^\]]*)\],"[0-9a-f]*",'
                   r'"((?:[^"\\]|\\.)*)"\]')
ICON_TAG = re.compile(r'<(?:i|span) class="([^"]*\bfa-[^"]*)"([^>]*)>\s*</(?:i|span)>')
CLASS_LIST = re.compile(r'fa-[a-z0-9-]+')


@dataclass(frozen=True)
class Icon:
    width: int
    height: int
    path: str


@dataclass
class IconReport:
    """What the step did: icons kept, tags replaced, bytes no longer sent."""

    icons: list[str]
    replaced: int
    bundle_bytes: int
    shim_bytes: int


def icon_definitions(bundle: str) -> dict[tuple[str, str], Icon]:
    """Return every icon of the bundle by (style, name), aliases included."""
    icons: dict[tuple[str, str], Icon] = {}
    for body, style in PACK.findall(bundle):
        for quoted, bare, width, height, aliases, path in ENTRY.findall(body):
            icon = Icon(int(width), int(height), path)
            for name in [quoted or bare, *re.findall(r'"([^"]+)"', aliases)]:
                icons[(style, name)] = icon
    return icons


def parse_classes(classes: str) -> tuple[str, str, list[str]] | None:
    """Return (style, icon name, other classes) of an icon's class list, or None."""
    tokens = classes.split()
    style = next((STYLES[t] for t in tokens if t in STYLES), "fas")
    names = [t for t in tokens if t.startswith("fa-") and t not in STYLES
             and not MODIFIERS.match(t)]
    if not names:
        return None
    others = [t for t in tokens if t not in STYLES and t != names[0]]
    return style, names[0][3:], others


def svg(icon: Icon, name: str, classes: list[str], attributes: str = "") -> str:
    """Return the inline SVG that Font Awesome's script would have drawn."""
    css = " ".join(["svg-inline--fa", f"fa-{name}", *classes])
    return (f'<svg class="{css}"{attributes} aria-hidden="true" focusable="false" role="img" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {icon.width} {icon.height}">'
            f'<path fill="currentColor" d="{icon.path}"></path></svg>')


# Font Awesome's own rules for inline SVG icons (the script injects them at run time).
CSS = (".svg-inline--fa{display:inline-block;height:1em;overflow:visible;"
       "vertical-align:-.125em;box-sizing:content-box}.svg-inline--fa.fa-lg{height:1.25em;"
       "vertical-align:-.2em}.svg-inline--fa.fa-fw{width:1.25em}")

SHIM_CODE = """(function () {
  var icons = %s;
  var styles = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far",
                "fa-brands": "fab", "fab": "fab"};
  function draw(el) {
    var style = "fas", name = null, rest = [];
    el.classList.forEach(function (c) {
      if (styles[c]) { style = styles[c]; }
      else if (!name && c.indexOf("fa-") === 0 && !/^fa-(lg|xs|sm|xl|fw|\\dx)$/.test(c)) {
        name = c.slice(3);
      } else { rest.push(c); }
    });
    var icon = name && (icons[style + " " + name] || icons["fas " + name]);
    if (!icon) { return; }
    var ns = "http://www.w3.org/2000/svg", svg = document.createElementNS(ns, "svg");
    svg.setAttribute("class", ["svg-inline--fa", "fa-" + name].concat(rest).join(" "));
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("viewBox", "0 0 " + icon[0] + " " + icon[1]);
    var path = document.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", icon[2]);
    svg.appendChild(path);
    el.replaceWith(svg);
  }
  function scan(root) {
    if (root.querySelectorAll) {
      root.querySelectorAll("i[class*='fa-'], span[class*='fa-']").forEach(draw);
    }
  }
  var style = document.createElement("style");
  style.textContent = %s;
  document.head.appendChild(style);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1) { return; }
        if (node.matches && node.matches("i[class*='fa-'], span[class*='fa-']")) {
          draw(node);
        } else { scan(node); }
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("DOMContentLoaded", function () { scan(document); });
})();
"""


def used_icons(outdir: Path, icons: dict[tuple[str, str], Icon]) -> set[tuple[str, str]]:
    """Return the icons the pages and the theme's scripts name."""
    used: set[tuple[str, str]] = set()
    for page in outdir.rglob("*.html"):
        for classes, _ in ICON_TAG.findall(page.read_text(encoding="utf-8")):  # noqa: B007
            parsed = parse_classes(classes)
            if parsed and (parsed[0], parsed[1]) in icons:
                used.add((parsed[0], parsed[1]))
    for script in (outdir / "_static" / "scripts").glob("*.js"):
        if script.name in (BUNDLE.name, SHIM.name):
            continue
        for token in CLASS_LIST.findall(script.read_text(encoding="utf-8", errors="replace")):
            if ("fas", token[3:]) in icons:
                used.add(("fas", token[3:]))
    return used


WEBFONTS = Path("_static") / "vendor" / "fontawesome" / "webfonts"
CLASS_RULE = re.compile(r"\.fa-[\w-]+:{1,2}(?:before|after)")


def css_glyphs(outdir: Path) -> set[int]:
    """Return the icon-font code points the stylesheets draw outside the ``.fa-NAME`` classes
    (which the pages no longer use): private-use characters and ``\\fXXX`` escapes."""
    glyphs: set[int] = set()
    for sheet in (outdir / "_static").rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", text):
            if all(CLASS_RULE.fullmatch(s.strip()) for s in selectors.split(",")):
                continue
            glyphs |= {ord(c) for c in body if 0xE000 <= ord(c) <= 0xF8FF}
            glyphs |= {int(h, 16) for h in re.findall(r"\\(f[0-9a-f]{3})", body)}
    return glyphs


def subset_icon_fonts(outdir: Path) -> dict[str, tuple[int, int]]:
    """Cut the icon fonts down to the glyphs the stylesheets use; return name -> (bytes before,
    bytes after)."""
    from fontTools import subset

    glyphs = css_glyphs(outdir)
    sizes: dict[str, tuple[int, int]] = {}
    for font_path in sorted((outdir / WEBFONTS).glob("*.*")):
        if font_path.suffix not in (".woff2", ".ttf"):
            continue
        options = subset.Options()
        options.flavor = "woff2" if font_path.suffix == ".woff2" else None
        options.notdef_outline = True
        font = subset.load_font(str(font_path), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=glyphs)
        before = font_path.stat().st_size
        subsetter.subset(font)
        subset.save_font(font, str(font_path), options)
        sizes[font_path.name] = (before, font_path.stat().st_size)
    return sizes


def prune_icon_class_rules(outdir: Path) -> int:
    """Drop the stylesheets' ``.fa-NAME:before`` rules (one per icon of the font, about 85 kB):
    the pages draw their icons as inline SVG. Return the bytes removed."""
    removed = 0
    for sheet in (outdir / "_static").rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")

        def drop(match: re.Match[str]) -> str:
            nonlocal removed
            if all(CLASS_RULE.fullmatch(s.strip()) for s in match.group(1).split(",")):
                removed += len(match.group(0))
                return ""
            return match.group(0)

        pruned = re.sub(r"([^{}]+)\{([^{}]*)\}", drop, text)
        if pruned != text:
            sheet.write_text(pruned, encoding="utf-8")
    return removed


def lighten_icons(outdir: Path) -> IconReport | None:
    """Replace the icon bundle of a built HTML book by inline SVG and a small script."""
    bundle_path = outdir / BUNDLE
    if not bundle_path.is_file():
        return None
    bundle = bundle_path.read_text(encoding="utf-8")
    icons = icon_definitions(bundle)
    used = used_icons(outdir, icons)
    replaced = 0

    def inline(match: re.Match[str]) -> str:
        nonlocal replaced
        parsed = parse_classes(match.group(1))
        if not parsed or (parsed[0], parsed[1]) not in icons:
            return match.group(0)
        replaced += 1
        extra = re.sub(r'\saria-hidden="[^"]*"', "", match.group(2))
        return svg(icons[(parsed[0], parsed[1])], parsed[1], parsed[2], extra)

    for page in outdir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        new = ICON_TAG.sub(inline, html).replace("scripts/fontawesome.js", "scripts/icons.js")
        if new != html:
            page.write_text(new, encoding="utf-8")
    table = {f"{style} {name}": [icons[(style, name)].width, icons[(style, name)].height,
                                 icons[(style, name)].path] for style, name in sorted(used)}
    licence = (outdir / "_static" / "scripts" / "fontawesome.js.LICENSE.txt")
    header = licence.read_text(encoding="utf-8").strip() if licence.is_file() else ""
    shim = (f"/* Icons from {header.strip('/*! ').strip()} (only those this book uses) */\n"
            if header else "") + SHIM_CODE % (json.dumps(table), json.dumps(CSS))
    (outdir / SHIM).write_text(shim, encoding="utf-8")
    bundle_bytes = bundle_path.stat().st_size
    for leftover in (bundle_path, bundle_path.with_name(bundle_path.name + ".map")):
        leftover.unlink(missing_ok=True)
    subset_icon_fonts(outdir)
    prune_icon_class_rules(outdir)
    return IconReport(sorted(f"{s} {n}" for s, n in used), replaced, bundle_bytes,
                      (outdir / SHIM).stat().st_size)
