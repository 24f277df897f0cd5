"""The plot of bench/results.md: push p95 and ack p99 per scenario and baseline, as a plain SVG
bar chart (no plotting library needed)."""

from pathlib import Path
from xml.sax.saxutils import escape

WIDTH, ROW, LEFT, RIGHT, TOP = 900, 44, 260, 80, 40
COLOURS = {"push p95": "#3b6ea5", "ack p99": "#d9822b"}


def write(results: list[dict], path: Path) -> None:
    rows = [r for r in results if not r.get("error") and r.get("push_p95") is not None]
    top = max([r["push_p95"] or 0 for r in rows] + [r["ack_p99"] or 0 for r in rows] + [0.001])
    scale = (WIDTH - LEFT - RIGHT) / top
    height = TOP + ROW * len(rows) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        'font-family="sans-serif" font-size="12">',
        f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
        '<text x="10" y="20" font-size="14" font-weight="bold">'
        "push p95 and ack p99 (ms), same run</text>",
    ]
    for i, (label, colour) in enumerate(COLOURS.items()):
        x = WIDTH - 220 + i * 110
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="19">{label}</text>')
    for i, r in enumerate(rows):
        y = TOP + i * ROW
        title = escape(f"{r['title']} ({r['participants']})")
        parts.append(f'<text x="10" y="{y + 20}">{title}</text>')
        for j, (label, value) in enumerate(
            (("push p95", r["push_p95"]), ("ack p99", r["ack_p99"]))
        ):
            value = value or 0
            w = max(1, value * scale)
            by = y + 4 + j * 18
            parts.append(
                f'<rect x="{LEFT}" y="{by}" width="{w:.1f}" height="15" fill="{COLOURS[label]}"/>'
            )
            parts.append(f'<text x="{LEFT + w + 4:.1f}" y="{by + 12}">{value * 1000:.0f}</text>')
    parts.append("</svg>")
    path.write_text("\n".join(parts) + "\n")
