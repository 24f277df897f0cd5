"""The opinion map as a PNG (Pillow) for the DOCX report: the same picture as the page's SVG
(:func:`facilitate.analysis.charts.opinion_map`), markers of a shape and colour per group and
the group letters at their centres. The report gives its content in words as alternative text
and the numbers in a table beside it."""

import io

from PIL import Image, ImageDraw

from ..exports.charts import TEXT_COLOUR, _font
from .charts import GROUP_COLOURS, GROUP_SHAPES, scale

WIDTH, HEIGHT, PAD, LEGEND = 1200, 800, 40, 330


def _rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


def _marker(draw: ImageDraw.ImageDraw, shape: str, x: float, y: float, colour, r: float) -> None:
    if shape == "circle":
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    elif shape == "square":
        draw.rectangle((x - r, y - r, x + r, y + r), fill=colour)
    elif shape == "triangle":
        draw.polygon([(x, y - r - 2), (x - r - 2, y + r), (x + r + 2, y + r)], fill=colour)
    elif shape == "diamond":
        draw.polygon([(x, y - r - 2), (x + r + 2, y), (x, y + r + 2), (x - r - 2, y)], fill=colour)
    else:
        draw.line((x - r, y - r, x + r, y + r), fill=colour, width=4)
        draw.line((x - r, y + r, x + r, y - r), fill=colour, width=4)


def opinion_map_png(body: dict, names: list[str]) -> bytes:
    """``body`` as :func:`facilitate.analysis.explain.opinions_body` gives it."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = _font()
    letters = [g["group"] for g in body["groups"]]
    to_x = scale([p[0] for p in body["points"]], PAD, WIDTH - LEGEND - PAD)
    to_y = scale([p[1] for p in body["points"]], HEIGHT - PAD, PAD)
    draw.rectangle((2, 2, WIDTH - LEGEND, HEIGHT - 3), outline=(150, 150, 150), width=2)
    for x, y, letter in body["points"]:
        index = letters.index(letter)
        colour = _rgb(GROUP_COLOURS[index])
        _marker(draw, GROUP_SHAPES[index], to_x(x), to_y(y), colour, 7)
    for group in body["groups"]:
        cx, cy = to_x(group["centre"][0]), to_y(group["centre"][1])
        draw.text(
            (cx, cy),
            group["group"],
            font=font,
            fill=TEXT_COLOUR,
            anchor="mm",
            stroke_width=4,
            stroke_fill="white",
        )
    for index, name in enumerate(names):
        y = PAD + index * 44
        x = WIDTH - LEGEND + 24
        _marker(draw, GROUP_SHAPES[index], x, y, _rgb(GROUP_COLOURS[index]), 10)
        draw.text((x + 22, y), name, font=font, fill=TEXT_COLOUR, anchor="lm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
