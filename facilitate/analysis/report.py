"""The analysis sections of the DOCX report "Underlag till beredningsgruppen": themes of open
input, opinion groups of statements steps, and participation per municipality and over time.
Every picture has its content in words as alternative text and its numbers in a table, as the
report's other charts."""

import io

from docx.shared import Cm
from flask_babel import gettext as _

from ..exports.charts import ChartBar
from ..exports.labels import printable
from . import explain
from .pictures import opinion_map_png

PICTURE_WIDTH = Cm(15)
#: Most themes described in the report (the largest); the page and the API have them all.
MAX_THEMES = 15


def write(report) -> None:
    """Add the sections to ``report`` (a :class:`facilitate.exports.docx_writer._Report`),
    computed where they do not hold up live sessions (:func:`.explain.sections_of`)."""
    found = explain.sections_of(report.dataset)
    themes(report, found["themes"])
    opinions(report, found["opinions"])
    participation(report, *found["participation"])


def themes(report, body: dict) -> None:
    report.heading(_("Teman i öppna bidrag"), 1)
    report.paragraph(body["method"])
    found = body["themes"]
    if not found:
        report.paragraph(_("Urvalet har inga öppna bidrag eller ordmoln."))
        return
    report.table(
        _("Teman i öppna bidrag"),
        [_("Tema"), _("Bidrag"), _("Personer"), _("Förslag på tagg")],
        [
            [
                t["name"],
                str(t["count"]),
                _("färre än %(n)d", n=report.threshold)
                if t["people"] is None
                else str(t["people"]),
                t["suggested_tag"]["label"] if t["suggested_tag"] else "–",
            ]
            for t in found
        ],
    )
    for theme in found[:MAX_THEMES]:
        report.heading(theme["name"], 2)
        if theme["source"] == "leader":
            report.paragraph(_("Tema som ledaren har satt."))
        for quote in theme["quotes"]:
            report.paragraph(f"”{quote}”", "Quote")
    if len(found) > MAX_THEMES:
        report.paragraph(
            _(
                "… och %(count)d teman till; alla finns på analyssidan Teman.",
                count=len(found) - MAX_THEMES,
            )
        )


def opinions(report, steps: list[dict]) -> None:
    report.heading(_("Opinionsgrupper"), 1)
    report.paragraph(explain.method_opinions())
    if not steps:
        report.paragraph(_("Urvalet har inga svar på påståenden."))
    for body in steps:
        report.heading(body["prompt"], 2)
        report.paragraph(body["summary"])
        if not body["groups"]:
            continue
        names = [explain.group_name(g["group"], g["size"]) for g in body["groups"]]
        _picture(
            report,
            opinion_map_png(body, names),
            _("Opinionskarta: %(prompt)s", prompt=body["prompt"]),
            _(
                "Punktdiagram, opinionskarta. %(summary)s %(groups)s",
                summary=body["summary"],
                groups=" ".join(
                    f"{n}: {g['explanation']}" for n, g in zip(names, body["groups"], strict=True)
                ),
            ),
        )
        report.table(
            _("Opinionsgrupper: %(prompt)s", prompt=body["prompt"]),
            [_("Grupp"), _("Personer"), _("Vad som skiljer gruppen ut")],
            [
                [_("Grupp %(group)s", group=g["group"]), str(g["size"]), g["explanation"]]
                for g in body["groups"]
            ],
        )
        report.paragraph(_("Det alla grupper är överens om:"))
        for entry in body["consensus"] or [None]:
            report.paragraph(
                entry["explanation"]
                if entry
                else _("Inget påstående som alla grupper håller med om, eller inte håller med om."),
                "List Bullet",
            )


def participation(report, places, unit: str, times) -> None:
    report.heading(_("Deltagande"), 1)
    title = _("Deltagare per kommun")
    report.chart(title, _bars(places))
    report.table(
        title,
        [_("Kommun"), _("Sessioner"), _("Deltagare")],
        [[c.label, str(c.sessions), str(c.shown)] for c in places],
    )
    if times:
        title = _("Svar per dag") if unit == "day" else _("Svar per vecka")
        report.chart(title, _bars(times))
        report.table(
            title,
            [_("Dag") if unit == "day" else _("Vecka"), _("Svar")],
            [[c.label, str(c.shown)] for c in times],
        )


def _bars(counts) -> list[ChartBar]:
    return [
        ChartBar(c.label, None if c.value is None else float(c.value), str(c.shown)) for c in counts
    ]


def _picture(report, png: bytes, caption: str, description: str) -> None:
    """An image with alternative text and a numbered caption, as the report's charts."""
    report.figures += 1
    run = report.doc.add_paragraph().add_run()
    shape = run.add_picture(io.BytesIO(png), width=PICTURE_WIDTH)
    properties = shape._inline.docPr
    properties.set("descr", printable(description)[:2000])
    properties.set("title", _("Figur %(number)d", number=report.figures))
    report.paragraph(
        _("Figur %(number)d. %(caption)s", number=report.figures, caption=caption), "Caption"
    )
