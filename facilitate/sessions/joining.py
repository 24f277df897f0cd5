"""Join addresses and their QR codes."""

import io

import qrcode
import qrcode.image.svg
from flask import current_app, request

from ..core.network import base_url

#: The port assumed when a request names none (plain HTTP).
DEFAULT_PORT = 80


def join_url(code: str) -> str:
    """The absolute ``/j/<code>`` address phones open: ``PUBLIC_URL`` when set, otherwise this
    machine's LAN address on the port the request came in on, so phones on the same Wi-Fi reach
    a laptop with no internet."""
    port = request.host.rpartition(":")[2] if ":" in request.host else str(DEFAULT_PORT)
    base = base_url(current_app.config["PUBLIC_URL"], int(port) if port.isdigit() else DEFAULT_PORT)
    return f"{base}/j/{code}"


def qr_svg(url: str) -> str:
    """An SVG QR code for ``url`` (scalable, so it stays sharp on a projector)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def spaced(code: str) -> str:
    """A join code in groups of four digits, easier to read aloud and to type: ``1234 5678``."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))
