"""DOCX (python-docx): "Underlag till beredningsgruppen", a readable report in the export's
language (Swedish unless asked otherwise).

What was run where and when; then per focus area (2024–2026) and development area (2021–2023)
what participants chose and said, with counts, a bar chart (an image with its numbers in words
as alternative text, and the same numbers in a table) and quotes of open contributions; the
questions no area applies to; the quiz knowledge per part, apart from that policy input; and how
the report was made. A question several areas apply to is shown once, under the first, with
its areas named; the others point to it.
Headings use Word's heading styles and tables have a repeated header row, for screen readers.
"""

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _

from ..analysis.report import write as analysis_sections
from ..content import library
from ..core.i18n import current_locale, language_name, local_date, localized
from ..steps import kind_of
from .charts import ChartBar, bar_chart, description
from .labels import cell_text, column_headings, filter_lines, kind_names, percent, printable
from .queries import Dataset
from .summaries import (
    REPORT_GROUPS,
    Fewer,
    PartKnowledge,
    QuestionSummary,
    by_tag,
    knowledge,
    min_group_size,
    outside_groups,
    small,
)

#: The language tags Word knows the export's languages by (spelling, hyphenation, voices).
LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB", "fi": "fi-FI"}
#: Most quotes of open contributions per question (the most upvoted first); the XLSX, CSV and
#: JSON exports hold every one.
MAX_QUOTES = 25
CHART_WIDTH = Cm(15)


class _Report:
    def __init__(self, dataset: Dataset):
        self.dataset = dataset
        self.threshold = min_group_size()
        self.doc: DocumentType = Document()
        self.tables = 0
        self.figures = 0
        self._style_ids: dict[str, str] = {}
        self._charts: dict[tuple[ChartBar, ...], bytes] = {}
        #: Where each question shown in full is, by (module, part, step): the area's name.
        self._shown: dict[tuple[str, str, str], str] = {}

    # --- building blocks -------------------------------------------------------------------

    def style_id(self, name: str) -> str:
        """A style's id, looked up once: python-docx looks it up by scanning every style."""
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def heading(self, text: str, level: int) -> None:
        self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def paragraph(self, text: str, style: str | None = None):
        paragraph = self.doc.add_paragraph(printable(text))
        if style is not None:
            paragraph._p.style = self.style_id(style)
        return paragraph

    def table(self, caption: str, headings: list[str], rows: list[list[str]]) -> None:
        self.tables += 1
        self.paragraph(
            _("Tabell %(number)d. %(caption)s", number=self.tables, caption=caption), "Caption"
        )
        table = self.doc.add_table(rows=1, cols=len(headings))
        table._tbl.tblPr.style = self.style_id("Light Grid Accent 1")
        for cell, heading in zip(table.rows[0].cells, headings, strict=True):
            cell.text = heading
        _repeat_header(table.rows[0])
        for values in rows:
            for cell, value in zip(table.add_row().cells, values, strict=True):
                cell.text = printable(value)

    def chart(self, title: str, bars: list[ChartBar]) -> None:
        if not bars:
            return
        if all(bar.value is None for bar in bars):
            self.paragraph(
                _(
                    "Inget diagram: för få svarade för att visa siffrorna (färre än %(n)d "
                    "personer per alternativ).",
                    n=self.threshold,
                )
            )
            return
        self.figures += 1
        key = tuple(bars)  # a question under several areas has the same chart in each
        if key not in self._charts:
            self._charts[key] = bar_chart(bars)
        run = self.doc.add_paragraph().add_run()
        shape = run.add_picture(io.BytesIO(self._charts[key]), width=CHART_WIDTH)
        properties = shape._inline.docPr
        properties.set("descr", printable(description(title, bars))[:2000])
        properties.set("title", _("Figur %(number)d", number=self.figures))
        self.paragraph(
            _("Figur %(number)d. %(caption)s", number=self.figures, caption=title), "Caption"
        )

    def count(self, value: int) -> str:
        return str(small(value, self.threshold))

    # --- the report -------------------------------------------------------------------------

    def build(self) -> bytes:
        language = LANGUAGE_TAGS.get(current_locale(), current_locale())
        _set_language(self.doc, language)
        properties = self.doc.core_properties
        title = _("Underlag till beredningsgruppen")
        properties.title = title
        properties.language = language
        properties.subject = _("Sammanställning från facilitate")
        properties.author = "facilitate"
        self.heading(title, 0)
        self.introduction()
        self.what_was_run()
        vocabulary = library().vocabulary
        for group in REPORT_GROUPS:
            self.heading(localized(vocabulary.groups[group]), 1)
            for section in by_tag(self.dataset, group):
                area = localized(section.tag.label)
                self.heading(area, 2)
                policy = [q for q in section.questions if not kind_of(q.step).scored]
                if not policy:
                    self.paragraph(_("Inget i urvalet rör det här området."))
                for question in policy:
                    self.area_question(question, section.tag.id, area)
        others = [q for q in outside_groups(self.dataset) if not kind_of(q.step).scored]
        if others:
            self.heading(_("Övriga frågor"), 1)
            self.paragraph(
                _(
                    "Frågor och bidrag som inget fokusområde eller utvecklingsområde är kopplat "
                    "till."
                )
            )
            for question in others:
                self.question(question)
        self.knowledge(knowledge(self.dataset))
        analysis_sections(self)
        self.method()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def introduction(self) -> None:
        dataset = self.dataset
        created = format_datetime(dataset.generated_at, "medium")
        self.paragraph(
            _(
                "Sammanställning av vad deltagare i studiecirklar och dialoger har valt och sagt, "
                "ordnad efter handlingsplanens fokusområden och utvecklingsområden. "
                "Skapad %(time)s.",
                time=created,
            )
        )
        self.paragraph(_("Urval:"))
        for line in filter_lines(dataset):
            self.paragraph(line, style="List Bullet")
        self.heading(_("Sammanfattning"), 1)
        days = [s.started_at for s in dataset.sessions]
        places = {s.municipality_name for s in dataset.sessions if s.municipality_name}
        people = len({row.participant for row in dataset.rows})
        self.paragraph(
            " ".join(
                [
                    ngettext("%(num)d session", "%(num)d sessioner", len(dataset.sessions)),
                    ngettext(
                        "i %(num)d cirkel eller grupp",
                        "i %(num)d cirklar och grupper",
                        len(dataset.circles),
                    ),
                    ngettext("i %(num)d kommun", "i %(num)d kommuner", len(places)) + ",",
                    _(
                        "från %(first)s till %(last)s.",
                        first=local_date(min(days)),
                        last=local_date(max(days)),
                    )
                    if days
                    else "",
                    _(
                        "%(answers)d svar från %(people)s deltagare.",
                        answers=len(dataset.rows),
                        people=self.count(people),
                    ),
                ]
            )
        )

    def what_was_run(self) -> None:
        self.heading(_("Vad som genomfördes, var och när"), 1)
        rows = []
        for s in self.dataset.sessions:
            circle = s.circle
            rows.append(
                [
                    local_date(s.started_at),
                    s.municipality_name or "–",
                    circle.name if circle else _("(ingen cirkel)"),
                    circle.organiser if circle else "–",
                    f"{s.module_title}: {s.part_title}"
                    + (" " + _("(från %(origin)s)", origin=s.origin) if s.origin else ""),
                    self.count(s.participants),
                ]
            )
        self.table(
            _("Sessioner i urvalet"),
            [
                _("Datum"),
                _("Kommun"),
                _("Cirkel eller grupp"),
                _("Arrangör"),
                _("Modul och del"),
                _("Deltagare"),
            ],
            rows,
        )

    def area_question(self, question: QuestionSummary, tag: str, area: str) -> None:
        """A question under an area: in full the first time its step's own tags bring it up,
        a pointer to that place after; a question here only through the leader's tags on some
        contributions shows those."""
        key = (question.module, question.part, question.step.id)
        if tag in question.step.tags and key in self._shown:
            self.paragraph(
                _(
                    "”%(prompt)s” – se under %(area)s.",
                    prompt=localized(question.prompt),
                    area=self._shown[key],
                )
            )
            return
        if tag in question.step.tags:
            self._shown[key] = area
        self.question(question)

    def question(self, question: QuestionSummary) -> None:
        prompt = localized(question.prompt)
        self.heading(prompt, 3)
        facts = [
            kind_names().get(question.kind, question.kind),
            ngettext(
                "svar från %(people)s personer i %(num)d session",
                "svar från %(people)s personer i %(num)d sessioner",
                question.sessions,
                people=cell_text(question.respondents),
            ),
        ]
        areas = _area_names(question)
        if len(areas) > 1:
            facts.append(_("områden: %(areas)s", areas=", ".join(areas)))
        if kind_of(question.step).scored:
            facts.append(_("andel rätt") + " " + percent(question.correct_share))
        if question.mean is not None:
            facts.append(_("medelvärde") + " " + cell_text(question.mean))
        self.paragraph(" · ".join(facts) + ".")
        table = question.table
        if table is not None and table.rows:
            headings = [column_headings()[c] for c in table.columns]
            if table.chart is not None:
                self.chart(prompt, _bars(question))
            self.table(
                prompt,
                headings,
                [
                    [cell_text(v, c) for c, v in zip(table.columns, values, strict=True)]
                    for values in table.rows
                ],
            )
        if kind_of(question.step).quoted and question.contributions:
            self.quotes(question)

    def quotes(self, question: QuestionSummary) -> None:
        chosen = sorted(question.contributions, key=lambda r: (-(r.votes or 0), r.response))
        self.paragraph(_("Bidrag (%(count)d):", count=len(chosen)))
        export_language = current_locale()
        for row in chosen[:MAX_QUOTES]:
            where = ", ".join(x for x in (row.circle_name, row.municipality) if x)
            theme = f" [{row.theme}]" if row.theme else ""
            other = row.language != export_language
            # i18n: marks a quote written in another language than the report's, e.g. "(Suomi)"
            language = " " + _("(%(language)s)", language=language_name(row.language))
            quote = self.paragraph(
                f"”{row.value}”{theme}"
                + (language if other else "")
                + (f" – {where}" if where else ""),
                "Quote",
            )
            if other:
                _set_run_language(quote.runs[0], LANGUAGE_TAGS.get(row.language, row.language))
        if len(chosen) > MAX_QUOTES:
            self.paragraph(
                _(
                    "… och %(count)d bidrag till; alla finns i XLSX-, CSV- och JSON-exporten.",
                    count=len(chosen) - MAX_QUOTES,
                )
            )

    def knowledge(self, parts: list[PartKnowledge]) -> None:
        self.heading(_("Kunskap per del"), 1)
        if not parts:
            self.paragraph(_("Urvalet har inga svar på quizfrågor."))
        for part in parts:
            title = localized(part.title)
            self.heading(title, 2)
            lines = [_("Genomsnittlig andel rätt: %(share)s.", share=percent(part.average_share))]
            if part.most_known is not None and part.least_known is not part.most_known:
                lines.append(
                    _("Mest känt: ”%(prompt)s”.", prompt=localized(part.most_known.prompt))
                )
                lines.append(
                    _("Minst känt: ”%(prompt)s”.", prompt=localized(part.least_known.prompt))
                )
            self.paragraph(" ".join(lines))
            caption = _("Andel rätt per quizfråga, %(part)s", part=title)
            self.chart(
                caption,
                [
                    ChartBar(
                        printable(localized(q.prompt)),
                        None if q.correct_share is None else 100 * q.correct_share,
                        percent(q.correct_share),
                    )
                    for q in part.questions
                ],
            )
            self.table(
                caption,
                [_("Fråga"), _("Svarande"), _("Andel rätt")],
                [
                    [localized(q.prompt), cell_text(q.respondents), percent(q.correct_share)]
                    for q in part.questions
                ],
            )

    def method(self) -> None:
        self.heading(_("Om underlaget"), 1)
        hidden = self.dataset.filter.include_hidden
        for line in (
            _(
                "Underlaget innehåller inga namn, inga tokens och inga IP-adresser. Deltagare "
                "känns bara igen inom en cirkel, och bara om de själva har valt det."
            ),
            _(
                "Antal från färre än %(n)d personer visas som ”färre än %(n)d”; andelar och "
                "medelvärden visas bara när minst %(n)d har svarat.",
                n=self.threshold,
            ),
            _("Bidrag som deltagare har tagit tillbaka finns aldrig med.")
            + " "
            + (
                _("Bidrag som ledaren har dolt eller inte har godkänt finns med på begäran.")
                if hidden
                else _("Bidrag som ledaren har dolt eller inte har godkänt är inte med.")
            ),
            _(
                "Varje deltagares senaste svar räknas. Rangordningar räknas med Borda-poäng: med "
                "n alternativ ger förstaplatsen n−1 poäng och sista platsen 0."
            ),
            _(
                "Ett bidrag hör till ett område om frågan är kopplad till området eller om "
                "ledaren har taggat bidraget med det."
            ),
        ):
            self.paragraph(line, style="List Bullet")


def _bars(question: QuestionSummary) -> list[ChartBar]:
    table = question.table
    column = table.columns[table.chart]
    bars = []
    for values in table.rows:
        value = values[table.chart]
        label = cell_text(values[0])
        if table.columns[0] == "option" and kind_of(question.step).scored and values[2]:
            label += " " + _("(rätt svar)")
        if isinstance(value, Fewer) or value is None:
            bars.append(ChartBar(label, None, cell_text(value, column)))
        else:
            bars.append(ChartBar(label, float(value), cell_text(value, column)))
    return bars


def _area_names(question: QuestionSummary) -> list[str]:
    """The names of the report's areas (focus and development) its step's own tags name."""
    vocabulary = library().vocabulary.tags
    return [
        localized(vocabulary[t].label)
        for t in vocabulary
        if t in question.step.tags and vocabulary[t].group in REPORT_GROUPS
    ]


def _set_run_language(run, language: str) -> None:
    """A run's language, so a screen reader reads a Finnish quote in Finnish."""
    properties = run._r.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), language)
    properties.append(element)


def _repeat_header(row) -> None:
    """Mark a table's first row as its header, repeated on each page and read as such."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _set_language(doc: DocumentType, language: str) -> None:
    """The document's language (spelling, hyphenation, screen readers)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run.find(qn("w:rPr")) if run is not None else None
    if properties is None:
        properties = doc.styles["Normal"].element.get_or_add_rPr()
    element = properties.find(qn("w:lang"))
    if element is None:
        element = OxmlElement("w:lang")
        properties.append(element)
    element.set(qn("w:val"), language)


def write(dataset: Dataset) -> bytes:
    return _Report(dataset).build()
