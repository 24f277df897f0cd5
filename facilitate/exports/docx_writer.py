"""DOCX (python-docx): "Underlag till beredningsgruppen", a readable report in Swedish.

What was run where and when; then per focus area (2024–2026) and development area (2021–2023)
what participants chose and said, with counts, a bar chart (an image with its numbers in words
as alternative text, and the same numbers in a table) and quotes of open contributions; the
questions no area applies to; the quiz knowledge per part; and how the report was made.
Headings use Word's heading styles and tables have a repeated header row, for screen readers.
"""

import io

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

from ..content import library
from .charts import ChartBar, bar_chart, description
from .labels import COLUMN_HEADINGS, KIND_NAMES, cell_text, filter_lines, percent, printable
from .queries import Dataset, local_time
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

TITLE = "Underlag till beredningsgruppen"
LANGUAGE = "sv-SE"
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

    # --- building blocks -------------------------------------------------------------------

    def style_id(self, name: str) -> str:
        """A style's id, looked up once: python-docx looks it up by scanning every style."""
        if name not in self._style_ids:
            self._style_ids[name] = self.doc.styles[name].style_id
        return self._style_ids[name]

    def heading(self, text: str, level: int) -> None:
        self.paragraph(text, "Title" if level == 0 else f"Heading {level}")

    def paragraph(self, text: str, style: str | None = None) -> None:
        paragraph = self.doc.add_paragraph(printable(text))
        if style is not None:
            paragraph._p.style = self.style_id(style)

    def table(self, caption: str, headings: list[str], rows: list[list[str]]) -> None:
        self.tables += 1
        self.paragraph(f"Tabell {self.tables}. {caption}", style="Caption")
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
        self.figures += 1
        key = tuple(bars)  # a question under several areas has the same chart in each
        if key not in self._charts:
            self._charts[key] = bar_chart(bars)
        run = self.doc.add_paragraph().add_run()
        shape = run.add_picture(io.BytesIO(self._charts[key]), width=CHART_WIDTH)
        properties = shape._inline.docPr
        properties.set("descr", printable(description(title, bars))[:2000])
        properties.set("title", f"Figur {self.figures}")
        self.paragraph(f"Figur {self.figures}. {title}", style="Caption")

    def count(self, value: int) -> str:
        return str(small(value, self.threshold))

    # --- the report -------------------------------------------------------------------------

    def build(self) -> bytes:
        _set_language(self.doc)
        properties = self.doc.core_properties
        properties.title = TITLE
        properties.language = LANGUAGE
        properties.subject = "Sammanställning från facilitate"
        properties.author = "facilitate"
        self.heading(TITLE, 0)
        self.introduction()
        self.what_was_run()
        vocabulary = library().vocabulary
        for group in REPORT_GROUPS:
            self.heading(str(vocabulary.groups[group]), 1)
            for section in by_tag(self.dataset, group):
                self.heading(str(section.tag.label), 2)
                if not section.questions:
                    self.paragraph("Inget i urvalet rör det här området.")
                for question in section.questions:
                    self.question(question)
        others = outside_groups(self.dataset)
        if others:
            self.heading("Övriga frågor", 1)
            self.paragraph(
                "Frågor och bidrag som inget fokusområde eller utvecklingsområde är kopplat till."
            )
            for question in others:
                self.question(question)
        self.knowledge(knowledge(self.dataset))
        self.method()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def introduction(self) -> None:
        dataset = self.dataset
        created = local_time(dataset.generated_at).strftime("%Y-%m-%d %H:%M")
        self.paragraph(
            "Sammanställning av vad deltagare i studiecirklar och dialoger har valt och sagt, "
            f"ordnad efter handlingsplanens fokusområden och utvecklingsområden. Skapad {created}."
        )
        self.paragraph("Urval:")
        for line in filter_lines(dataset):
            self.paragraph(line, style="List Bullet")
        self.heading("Sammanfattning", 1)
        days = [local_time(s.started_at).date() for s in dataset.sessions]
        places = {c.municipality for c in dataset.circles}
        people = len({row.participant for row in dataset.rows})
        period = f"från {min(days)} till {max(days)}" if days else ""
        self.paragraph(
            f"{len(dataset.sessions)} sessioner i {len(dataset.circles)} cirklar och grupper i "
            f"{len(places)} kommuner, {period}. {len(dataset.rows)} svar från "
            f"{self.count(people)} deltagare."
        )

    def what_was_run(self) -> None:
        self.heading("Vad som genomfördes, var och när", 1)
        rows = []
        for s in self.dataset.sessions:
            circle = s.circle
            rows.append(
                [
                    local_time(s.started_at).strftime("%Y-%m-%d"),
                    circle.municipality_name if circle else "–",
                    circle.name if circle else "(ingen cirkel)",
                    circle.organiser if circle else "–",
                    f"{s.module_title}: {s.part_title}",
                    self.count(s.participants),
                ]
            )
        self.table(
            "Sessioner i urvalet",
            ["Datum", "Kommun", "Cirkel eller grupp", "Arrangör", "Modul och del", "Deltagare"],
            rows,
        )

    def question(self, question: QuestionSummary) -> None:
        prompt = str(question.prompt)
        self.heading(prompt, 3)
        facts = [
            KIND_NAMES.get(question.kind, question.kind),
            f"svar från {question.respondents} personer i {question.sessions} sessioner",
        ]
        if question.kind == "quiz":
            facts.append(f"andel rätt {percent(question.correct_share)}")
        if question.mean is not None:
            facts.append(f"medelvärde {cell_text(question.mean)}")
        self.paragraph(" · ".join(facts) + ".")
        table = question.table
        if table is not None and table.rows:
            headings = [COLUMN_HEADINGS[c] for c in table.columns]
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
        if question.kind == "open" and question.contributions:
            self.quotes(question)

    def quotes(self, question: QuestionSummary) -> None:
        chosen = sorted(question.contributions, key=lambda r: (-(r.votes or 0), r.response))
        self.paragraph(f"Bidrag ({len(chosen)}):")
        for row in chosen[:MAX_QUOTES]:
            where = ", ".join(x for x in (row.circle_name, row.municipality) if x)
            theme = f" [{row.theme}]" if row.theme else ""
            self.paragraph(f"”{row.value}”{theme}" + (f" – {where}" if where else ""), "Quote")
        if len(chosen) > MAX_QUOTES:
            self.paragraph(
                f"… och {len(chosen) - MAX_QUOTES} bidrag till; alla finns i XLSX-, CSV- och "
                "JSON-exporten."
            )

    def knowledge(self, parts: list[PartKnowledge]) -> None:
        self.heading("Kunskap per del", 1)
        if not parts:
            self.paragraph("Urvalet har inga svar på quizfrågor.")
        for part in parts:
            self.heading(str(part.title), 2)
            lines = [f"Genomsnittlig andel rätt: {percent(part.average_share)}."]
            if part.most_known is not None and part.least_known is not part.most_known:
                lines.append(f"Mest känt: ”{part.most_known.prompt}”.")
                lines.append(f"Minst känt: ”{part.least_known.prompt}”.")
            self.paragraph(" ".join(lines))
            self.table(
                f"Andel rätt per quizfråga, {part.title}",
                ["Fråga", "Svarande", "Andel rätt"],
                [
                    [str(q.prompt), str(q.respondents), percent(q.correct_share)]
                    for q in part.questions
                ],
            )

    def method(self) -> None:
        self.heading("Om underlaget", 1)
        hidden = self.dataset.filter.include_hidden
        for line in (
            "Underlaget innehåller inga namn, inga tokens och inga IP-adresser. Deltagare känns "
            "bara igen inom en cirkel, och bara om de själva har valt det.",
            f"Antal från färre än {self.threshold} personer visas som ”färre än "
            f"{self.threshold}”; andelar och medelvärden visas bara när minst {self.threshold} "
            "har svarat.",
            "Bidrag som deltagare har tagit tillbaka finns aldrig med. "
            + (
                "Bidrag som ledaren har dolt eller inte har godkänt finns med på begäran."
                if hidden
                else "Bidrag som ledaren har dolt eller inte har godkänt är inte med."
            ),
            "Varje deltagares senaste svar räknas. Rangordningar räknas med Borda-poäng: med n "
            "alternativ ger förstaplatsen n−1 poäng och sista platsen 0.",
            "Ett bidrag hör till ett område om frågan är kopplad till området eller om ledaren "
            "har taggat bidraget med det.",
        ):
            self.paragraph(line, style="List Bullet")


def _bars(question: QuestionSummary) -> list[ChartBar]:
    table = question.table
    column = table.columns[table.chart]
    bars = []
    for values in table.rows:
        value = values[table.chart]
        label = cell_text(values[0])
        if table.columns[0] == "option" and question.kind == "quiz" and values[2]:
            label += " (rätt svar)"
        if isinstance(value, Fewer) or value is None:
            bars.append(ChartBar(label, None, cell_text(value, column)))
        else:
            bars.append(ChartBar(label, float(value), cell_text(value, column)))
    return bars


def _repeat_header(row) -> None:
    """Mark a table's first row as its header, repeated on each page and read as such."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _set_language(doc: DocumentType) -> None:
    """Swedish as the document's language (spelling, hyphenation, screen readers)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")) if defaults is not None else None
    properties = run.find(qn("w:rPr")) if run is not None else None
    if properties is None:
        properties = doc.styles["Normal"].element.get_or_add_rPr()
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), LANGUAGE)


def write(dataset: Dataset) -> bytes:
    return _Report(dataset).build()
