"""Charts of the analysis pages, drawn on the server as SVG (no script, no CDN): the opinion
map, participation per municipality and responses over time.

Nothing is told by colour alone: each group has its own marker shape and letter in the legend,
and every bar has its value written at its end. Each chart is an ``<svg role="img">`` with a
title and a description; the page shows the same numbers in a table beside it. The DOCX
report draws the same pictures as PNG (:mod:`facilitate.analysis.pictures`).
"""

from markupsafe import Markup, escape

from .queries import Count

#: Colour-blind-safe (Okabe–Ito, darkened to 3:1 or more on white), one per group A–E.
GROUP_COLOURS = ("#0072B2", "#C04A00", "#007A5E", "#A0458A", "#6F5A00")
#: Marker per group, so shape tells the groups apart as well as colour.
GROUP_SHAPES = ("circle", "square", "triangle", "diamond", "cross")
BAR_COLOUR = "#1F4E79"
INK = "#191919"
MUTED = "#595959"
FONT = "font-family:system-ui,sans-serif;font-size:14px"


def _svg(width: int, height: int, title: str, description: str, body: list[str], ident: str):
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{ident}-t {ident}-d" class="chart" '
        f'style="max-width:{width}px;{FONT}">'
        f'<title id="{ident}-t">{escape(title)}</title>'
        f'<desc id="{ident}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def bars(counts: list[Count], title: str, description: str, ident: str) -> Markup:
    """Horizontal bars, one row per count, scaled to the largest."""
    row, label_width, width = 28, 170, 640
    room = width - label_width - 90
    largest = max((c.value for c in counts if c.value is not None), default=0) or 1
    body = []
    for i, count in enumerate(counts):
        y = 8 + i * row
        length = 0 if count.value is None else round(room * count.value / largest)
        if count.value:
            length = max(length, 2)
        body.append(
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{INK}">'
            f"{escape(count.label)}</text>"
        )
        if length:
            body.append(
                f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row - 10}" '
                f'fill="{BAR_COLOUR}"/>'
            )
        colour = MUTED if count.value is None else INK
        body.append(
            f'<text x="{label_width + length + 6}" y="{y + 18}" fill="{colour}">'
            f"{escape(str(count.shown))}</text>"
        )
    height = 16 + row * max(len(counts), 1)
    body.append(
        f'<line x1="{label_width}" y1="4" x2="{label_width}" y2="{height - 4}" stroke="{MUTED}"/>'
    )
    return _svg(width, height, title, description, body, ident)


def columns(counts: list[Count], title: str, description: str, ident: str) -> Markup:
    """Vertical columns over time, a label under every few so they do not overlap."""
    width, height, left, bottom, top = 640, 260, 40, 40, 24
    room_x, room_y = width - left - 10, height - top - bottom
    largest = max((c.value for c in counts if c.value is not None), default=0) or 1
    slot = room_x / max(len(counts), 1)
    every = max(1, round(len(counts) / 10))
    body = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" '
        f'stroke="{MUTED}"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{MUTED}">{largest}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" fill="{MUTED}">0</text>',
    ]
    for i, count in enumerate(counts):
        x = left + i * slot
        if count.value:
            tall = max(room_y * count.value / largest, 2)
            body.append(
                f'<rect x="{x + slot * 0.15:.1f}" y="{height - bottom - tall:.1f}" '
                f'width="{max(slot * 0.7, 1):.1f}" height="{tall:.1f}" fill="{BAR_COLOUR}">'
                f"<title>{escape(count.label)}: {escape(str(count.shown))}</title></rect>"
            )
        if i % every == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle" '
                f'fill="{INK}" style="font-size:12px">{escape(count.label)}</text>'
            )
    return _svg(width, height, title, description, body, ident)


def _marker(shape: str, x: float, y: float, colour: str, size: float = 5) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{size}" fill="{colour}"/>'
    if shape == "square":
        return (
            f'<rect x="{x - size:.1f}" y="{y - size:.1f}" width="{2 * size}" '
            f'height="{2 * size}" fill="{colour}"/>'
        )
    if shape == "triangle":
        corners = ((x, y - size - 1), (x - size - 1, y + size), (x + size + 1, y + size))
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in corners)
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "diamond":
        corners = ((x, y - size - 1), (x + size + 1, y), (x, y + size + 1), (x - size - 1, y))
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in corners)
        return f'<polygon points="{points}" fill="{colour}"/>'
    return (
        f'<path d="M{x - size:.1f} {y - size:.1f}L{x + size:.1f} {y + size:.1f}M{x - size:.1f} '
        f'{y + size:.1f}L{x + size:.1f} {y - size:.1f}" stroke="{colour}" stroke-width="3"/>'
    )


def scale(values: list[float], low: float, high: float):
    """A function mapping ``values``' range onto ``low``–``high`` (centred when flat)."""
    least, most = min(values, default=0.0), max(values, default=0.0)
    span = (most - least) or 1.0
    return lambda v: low + (v - least) / span * (high - low) if most > least else (low + high) / 2


def opinion_map(body: dict, names: list[str], title: str, description: str, ident: str):
    """Every person of a shown group as a marker on the two PCA axes (``body`` as
    :func:`facilitate.analysis.explain.opinions_body` gives it); ``names`` are the groups'
    legend texts."""
    width, height, pad, legend = 640, 420, 24, 170
    letters = [g["group"] for g in body["groups"]]
    to_x = scale([p[0] for p in body["points"]], pad, width - legend - pad)
    to_y = scale([p[1] for p in body["points"]], height - pad, pad)  # up is positive
    body_svg = [
        f'<rect x="1" y="1" width="{width - legend - 2}" height="{height - 2}" fill="none" '
        f'stroke="{MUTED}"/>'
    ]
    for x, y, letter in body["points"]:
        index = letters.index(letter)
        body_svg.append(
            _marker(GROUP_SHAPES[index], to_x(x), to_y(y), GROUP_COLOURS[index], size=4)
        )
    for group in body["groups"]:
        cx, cy = to_x(group["centre"][0]), to_y(group["centre"][1])
        body_svg.append(
            f'<text x="{cx:.1f}" y="{cy + 8:.1f}" text-anchor="middle" '
            f'style="font-size:22px;font-weight:700" fill="{INK}" stroke="#fff" '
            f'stroke-width="4" paint-order="stroke">{group["group"]}</text>'
        )
    for index, name in enumerate(names):
        y = pad + index * 28
        x = width - legend + 14
        body_svg.append(_marker(GROUP_SHAPES[index], x, y, GROUP_COLOURS[index], 6))
        body_svg.append(f'<text x="{x + 14}" y="{y + 5}" fill="{INK}">{escape(name)}</text>')
    return _svg(width, height, title, description, body_svg, ident)
