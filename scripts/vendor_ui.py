"""Vendor the console's design system from the npm registry into src/manara/web/static/vendor/.

Run by hand when upgrading (``python scripts/vendor_ui.py``); the result is committed, so neither
``make run`` nor the server ever needs npm or the network. Pinned versions below; each package's
licence is copied beside its files.

- Bootstrap 5.3 (CSS, its right-to-left build, and the JS bundle for collapse/dropdown/modal),
- Tabler Icons (outline): only the icons the console names in ``ICONS``, as one SVG sprite,
- Noto Sans (Latin, Latin Extended, Cyrillic) and Noto Sans Arabic, regular and bold, as woff2.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "manara" / "web" / "static" / "vendor"
PACKAGES = (
    "bootstrap@5.3.8",
    "@tabler/icons@3.35.0",
    "@fontsource/noto-sans@5.3.0",
    "@fontsource/noto-sans-arabic@5.3.0",
)
# The icons the console uses (templates call {{ icon("name") }}); add a name here and re-run to vendor more.
ICONS = """
layout-dashboard device-tv bell-ringing arrows-exchange map-2 file-alert user-search search folders affiliate
currency-bitcoin photo-scan drone school users shield-check user-circle logout moon sun contrast-2
alert-triangle circle-check clock x chevron-down keyboard command arrow-right info-circle inbox plus filter
arrows-sort arrow-up arrow-down menu-2 language flag alarm target-arrow trending-up trending-down minus world
id-badge fingerprint face-id hand-stop checks eye lock player-play external-link settings briefcase
device-desktop maximize refresh
message-circle paperclip key list-check history send arrow-left home login user-plus hourglass building
file-text device-floppy check shield-lock calendar notes user-check circle-x link
""".split()
FONTS = (
    ("noto-sans", ("latin", "latin-ext", "cyrillic")),
    ("noto-sans-arabic", ("arabic",)),
)
UNICODE_RANGES = {
    "latin": "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, "
    "U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD",
    "latin-ext": "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, U+0308, U+0329, "
    "U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF",
    "cyrillic": "U+0301, U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116",
    "arabic": "U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0897-08E1, U+08E3-08FF, U+200C-200E, "
    "U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC, U+102E0-102FB, U+10E60-10E7E, "
    "U+10EC2-10EC4, U+10EFC-10EFF, U+1EE00-1EEFF",
}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "init", "-y"], cwd=tmp, check=True, capture_output=True)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", *PACKAGES], cwd=tmp, check=True)
        modules = Path(tmp) / "node_modules"
        bootstrap = VENDOR / "bootstrap"
        bootstrap.mkdir(parents=True, exist_ok=True)
        for name in ("css/bootstrap.min.css", "css/bootstrap.rtl.min.css", "js/bootstrap.bundle.min.js"):
            text = (modules / "bootstrap" / "dist" / name).read_text()
            text = re.sub(r"/\*# sourceMappingURL=.*?\*/|//# sourceMappingURL=\S+", "", text)  # no map shipped
            (bootstrap / Path(name).name).write_text(text)
        shutil.copy(modules / "bootstrap" / "LICENSE", bootstrap / "LICENSE")
        sprite = ['<svg xmlns="http://www.w3.org/2000/svg">']
        for name in ICONS:
            svg = (modules / "@tabler" / "icons" / "icons" / "outline" / f"{name}.svg").read_text()
            body = re.search(r">(.*)</svg>", svg, re.S)
            assert body is not None, name
            paths = re.sub(r'<path stroke="none" d="M0 0h24v24H0z" fill="none"\s*/>', "", body.group(1))
            paths = re.sub(r"\s+", " ", paths).strip()
            sprite.append(
                f'<symbol id="i-{name}" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
                f'stroke-linecap="round" stroke-linejoin="round">{paths}</symbol>'
            )
        sprite.append("</svg>\n")
        icons = VENDOR / "tabler-icons"
        icons.mkdir(parents=True, exist_ok=True)
        (icons / "sprite.svg").write_text("\n".join(sprite))
        shutil.copy(modules / "@tabler" / "icons" / "LICENSE", icons / "LICENSE")
        fonts = VENDOR / "fonts"
        fonts.mkdir(parents=True, exist_ok=True)
        faces = []
        for family, subsets in FONTS:
            package = modules / "@fontsource" / family
            shutil.copy(package / "LICENSE", fonts / f"{family}.LICENSE")
            for subset in subsets:
                for weight in (400, 700):
                    file = f"{family}-{subset}-{weight}-normal.woff2"
                    shutil.copy(package / "files" / file, fonts / file)
                    label = "Noto Sans Arabic" if family.endswith("arabic") else "Noto Sans"
                    faces.append(
                        f'@font-face {{ font-family: "{label}"; font-style: normal; font-weight: {weight}; '
                        f'font-display: swap; src: url("{file}") format("woff2"); '
                        f"unicode-range: {UNICODE_RANGES[subset]}; }}"
                    )
        (fonts / "fonts.css").write_text("\n".join(faces) + "\n")
    print(f"vendored into {VENDOR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
