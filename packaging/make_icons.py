"""Draw the Till's icon: one SVG source, rendered to PNG sizes, a Windows .ico and a macOS .icns.

    .venv/bin/python packaging/make_icons.py      (writes resources/icons/; the outputs are committed)

Rendering uses Qt's SVG renderer offscreen, so it runs on a machine without a display; the .ico and .icns
containers are written with Pillow when it is installed (it comes with python-escpos).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512]
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]

# A cash register in front of a receipt, on a rounded blue tile (the stylesheet's accent colours).
SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#3B82F6"/>
      <stop offset="1" stop-color="#1D4ED8"/>
    </linearGradient>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="54" fill="url(#tile)"/>
  <path d="M88 34 L100 42 L112 34 L124 42 L136 34 L148 42 L160 34 L168 40 L168 116 L88 116 Z"
        fill="#FFFFFF"/>
  <rect x="102" y="58" width="52" height="7" rx="3.5" fill="#93C5FD"/>
  <rect x="102" y="74" width="38" height="7" rx="3.5" fill="#93C5FD"/>
  <rect x="102" y="90" width="46" height="7" rx="3.5" fill="#93C5FD"/>
  <path d="M60 108 L196 108 Q204 108 205.5 116 L218 196 Q219.5 206 209 206 L47 206 Q36.5 206 38 196
           L50.5 116 Q52 108 60 108 Z" fill="#F8FAFC"/>
  <rect x="70" y="122" width="116" height="30" rx="7" fill="#0F172A"/>
  <rect x="136" y="131" width="38" height="12" rx="3" fill="#22C55E"/>
  <rect x="72" y="164" width="24" height="12" rx="4" fill="#CBD5E1"/>
  <rect x="104" y="164" width="24" height="12" rx="4" fill="#CBD5E1"/>
  <rect x="136" y="164" width="24" height="12" rx="4" fill="#CBD5E1"/>
  <rect x="168" y="164" width="18" height="12" rx="4" fill="#16A34A"/>
  <rect x="58" y="186" width="140" height="8" rx="4" fill="#94A3B8"/>
  <rect x="38" y="206" width="180" height="18" rx="8" fill="#E2E8F0"/>
  <rect x="116" y="212" width="24" height="6" rx="3" fill="#94A3B8"/>
</svg>
"""


def render_pngs() -> dict[int, Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (keeps Qt alive)
    renderer = QSvgRenderer(QByteArray(SVG.encode()))
    if not renderer.isValid():
        raise SystemExit("the icon SVG did not parse")
    written = {}
    for size in PNG_SIZES:
        image = QImage(size, size, QImage.Format_ARGB32_Premultiplied)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setRenderHint(QPainter.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        path = ICONS / f"till-{size}.png"
        if not image.save(str(path)):
            raise SystemExit(f"could not write {path}")
        written[size] = path
    return written


def write_containers(pngs: dict[int, Path]) -> list[Path]:
    try:
        from PIL import Image
    except ImportError:
        print("Pillow is not installed: till.ico and till.icns were not rewritten")
        return []
    big = Image.open(pngs[256]).convert("RGBA")
    # Each .ico size from its own rendering (sharper small sizes than Pillow's downscaling).
    frames = [Image.open(pngs[s]).convert("RGBA") for s in ICO_SIZES]
    ico = ICONS / "till.ico"
    frames[-1].save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES], append_images=frames[:-1])
    icns = ICONS / "till.icns"
    Image.open(pngs[512]).convert("RGBA").save(icns, format="ICNS",
                                                append_images=[big, Image.open(pngs[128]).convert("RGBA")])
    return [ico, icns]


def main() -> int:
    ICONS.mkdir(parents=True, exist_ok=True)
    (ICONS / "till.svg").write_text(SVG, encoding="utf-8")
    pngs = render_pngs()
    # The name the .desktop entry, the window icon and the spec use.
    (ICONS / "till.png").write_bytes(pngs[256].read_bytes())
    extra = write_containers(pngs)
    for path in [ICONS / "till.svg", *pngs.values(), ICONS / "till.png", *extra]:
        print(path.relative_to(ICONS.parent.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
