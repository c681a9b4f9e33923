"""QR codes for the printable posters, as inline SVG paths (qrcode's SvgPathImage)."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg


def qr_svg(url: str, label: str) -> str:
    """An inline ``<svg>`` QR code for ``url`` with an accessible name."""
    image = qrcode.make(
        url,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg)
    # Drop fixed sizes so CSS scales the code to the paper; keep the viewBox.
    svg = re.sub(r'\s(width|height)="[^"]*mm"', "", svg, count=2)
    title = label.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return svg.replace(
        "<svg ", f'<svg class="qr" role="img" aria-label="{title}" focusable="false" ', 1
    )
