"""XLSX (openpyxl): a summary sheet, one sheet per question (named by its question) with its
distribution and a native Excel bar chart, a sheet of every response (the CSV's columns) and a
key sheet naming each of its columns' stable CSV id. In the export's language (Swedish unless
asked otherwise)."""

import io
from types import SimpleNamespace
from typing import Any

from flask_babel import format_datetime, pgettext
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..content.model import Text
from ..core.i18n import local_date, localized
from ..steps import kind_of
from .labels import (
    cell_text,
    column_headings,
    filter_lines,
    kind_names,
    percent,
    printable,
    response_headings,
    tag_names,
    yes,
)
from .queries import Dataset
from .summaries import Fewer, QuestionSummary, min_group_size, questions, small
from .tabular import COLUMNS, cells, neutralise

#: Excel's limit on a sheet name's length.
SHEET_NAME_LENGTH = 31
BOLD = Font(bold=True)
HEADING = Font(bold=True, size=14)
WRAP = Alignment(wrap_text=True, vertical="top")


def write(dataset: Dataset) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    # i18n: the name of a spreadsheet's first sheet (at most 31 characters)
    summary.title = _("Sammanfattning")[:SHEET_NAME_LENGTH]
    summaries = questions(dataset)
    sheets = [_question_sheet(workbook, number, q) for number, q in enumerate(summaries, 1)]
    _summary_sheet(summary, dataset, summaries, sheets)
    # i18n: the name of the spreadsheet's sheet of every response (at most 31 characters)
    _responses_sheet(workbook.create_sheet(pgettext("plural", "Svar")[:SHEET_NAME_LENGTH]), dataset)
    # i18n: the name of the sheet that names each column of the responses sheet (≤ 31 characters)
    _key_sheet(workbook.create_sheet(_("Kolumner")[:SHEET_NAME_LENGTH]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> Any:
    """A cell value: texts cleaned and neutralised (never a formula), numbers as they are."""
    if isinstance(value, Text):
        value = localized(value)
    if isinstance(value, Fewer):
        return str(value)
    if isinstance(value, str):
        return neutralise(printable(value))
    return value


def _append(sheet: Worksheet, values: list[Any], font: Font | None = None) -> None:
    sheet.append([_text(v) for v in values])
    if font is not None:
        for cell in sheet[sheet.max_row]:
            cell.font = font


def _summary_sheet(
    sheet: Worksheet, dataset: Dataset, summaries: list[QuestionSummary], sheets: list[str]
) -> None:
    threshold = min_group_size()
    _append(sheet, [_("Underlag till beredningsgruppen")], HEADING)
    _append(sheet, [_("Skapad"), format_datetime(dataset.generated_at, "medium")])
    for line in filter_lines(dataset):
        _append(sheet, [_("Urval"), line])
    municipalities = {s.municipality_name for s in dataset.sessions if s.municipality_name}
    _append(sheet, [_("Sessioner"), len(dataset.sessions)])
    _append(sheet, [_("Cirklar och grupper"), len(dataset.circles)])
    _append(sheet, [_("Kommuner"), len(municipalities)])
    _append(sheet, [pgettext("plural", "Svar"), len(dataset.rows)])
    _append(
        sheet,
        [
            _("Integritet"),
            _(
                "Inga namn eller tokens; deltagare har pseudonymer som bara gäller den här filen. "
                "Antal från färre än %(n)d personer visas som ”färre än %(n)d”.",
                n=threshold,
            ),
        ],
    )
    _append(sheet, [])
    _append(sheet, [_("Frågor")], HEADING)
    _append(
        sheet,
        [
            # i18n: a column heading: the question's number
            _("Nr"),
            # i18n: a column heading: the spreadsheet sheet the question is on
            _("Blad"),
            _("Modul"),
            _("Del"),
            _("Fråga"),
            _("Typ"),
            _("Sessioner"),
            _("Svarande"),
            _("Svar"),
            _("Resultat"),
        ],
        BOLD,
    )
    for number, (question, name) in enumerate(zip(summaries, sheets, strict=True), 1):
        _append(
            sheet,
            [
                number,
                name,
                question.module,
                question.part,
                question.prompt,
                kind_names().get(question.kind, question.kind),
                question.sessions,
                question.respondents,
                question.answers,
                _headline(question),
            ],
        )
        link = sheet.cell(row=sheet.max_row, column=2)
        link.hyperlink = f"#'{name}'!A1"
        link.style = "Hyperlink"
    _append(sheet, [])
    _append(sheet, [_("Sessioner")], HEADING)
    _append(
        sheet,
        [
            _("Session"),
            _("Datum"),
            _("Kommun"),
            _("Cirkel"),
            _("Arrangör"),
            _("Modul"),
            _("Del"),
            _("Deltagare"),
            # i18n: a column heading: the server a session was imported from (empty if here)
            _("Ursprung"),
        ],
        BOLD,
    )
    for s in dataset.sessions:
        circle = s.circle
        _append(
            sheet,
            [
                s.id,
                local_date(s.started_at),
                s.municipality_name,
                circle.name if circle else None,
                circle.organiser if circle else None,
                s.module_title,
                s.part_title,
                small(s.participants, threshold),
                s.origin,
            ],
        )
    for column, width in zip("ABCDEFGHIJ", (12, 16, 20, 20, 60, 14, 10, 12, 8, 30), strict=True):
        sheet.column_dimensions[column].width = width


def _headline(question: QuestionSummary) -> str:
    """The question's result in a few words (``StepKind.headline``), or a dash when too few
    answered to say it."""
    kind = kind_of(question.step)
    if not kind.many and isinstance(question.respondents, Fewer):
        return "–"
    table = question.table
    figures = kind.many or kind.scored or question.mean is not None
    if not figures and (table is None or not table.rows):
        return ""
    return kind.headline(question, WORDS) or "–"


#: What a kind's headline writes its figures with.
WORDS = SimpleNamespace(cell_text=cell_text, percent=percent)


def _sheet_name(number: int, question: QuestionSummary) -> str:
    """``NN question``: the number keeps names unique; Excel allows 31 characters and none
    of ``[]:*?/\\``."""
    title = printable(localized(question.prompt)).translate(_NOT_IN_SHEET_NAMES)
    name = f"{number:02d} {' '.join(title.split())}"[:SHEET_NAME_LENGTH].rstrip()
    return name.strip("'")


#: Characters Excel refuses in a sheet name, each replaced by a space.
_NOT_IN_SHEET_NAMES = dict.fromkeys(map(ord, "[]:*?/\\"), " ")


def _question_sheet(workbook: Workbook, number: int, question: QuestionSummary) -> str:
    name = _sheet_name(number, question)
    sheet = workbook.create_sheet(name)
    _append(sheet, [question.prompt], HEADING)
    _append(sheet, [_("Modul och del"), f"{question.module} / {question.part}"])
    _append(sheet, [_("Steg"), question.step.id])
    _append(sheet, [_("Typ"), kind_names().get(question.kind, question.kind)])
    _append(sheet, [_("Taggar"), tag_names(question.step.tags)])
    _append(sheet, [_("Sessioner"), question.sessions])
    _append(sheet, [_("Svarande"), question.respondents])
    if question.mean is not None:
        _append(sheet, [_("Medelvärde"), question.mean])
    if kind_of(question.step).scored:
        _append(sheet, [_("Andel rätt"), percent(question.correct_share)])
    _append(sheet, [])
    sheet.column_dimensions["A"].width = 50
    for column in "BCDE":
        sheet.column_dimensions[column].width = 16
    if question.table is not None and question.table.rows:
        _distribution(sheet, question)
    if question.contributions:
        _contributions(sheet, question)
    return name


def _distribution(sheet: Worksheet, question: QuestionSummary) -> None:
    table = question.table
    header = sheet.max_row + 1
    headings = column_headings()
    _append(sheet, [headings[c] for c in table.columns], BOLD)
    for values in table.rows:
        row = []
        for column, value in zip(table.columns, values, strict=True):
            if column == "correct":
                value = yes(value)
            row.append(value)
        _append(sheet, row)
        if "agreement" in table.columns:
            sheet.cell(
                row=sheet.max_row, column=table.columns.index("agreement") + 1
            ).number_format = "0%"
    for cell in sheet["A"][header:]:
        cell.alignment = WRAP
    if table.chart is None:
        return
    chart = BarChart()
    chart.type = "bar"  # horizontal: long option texts stay readable
    chart.style = 10
    chart.title = printable(localized(question.prompt))[:250]
    chart.y_axis.title = headings[table.columns[table.chart]]
    chart.x_axis.title = headings[table.columns[0]]
    chart.legend = None
    last = header + len(table.rows)
    data = Reference(sheet, min_col=table.chart + 1, min_row=header, max_row=last)
    categories = Reference(sheet, min_col=1, min_row=header + 1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(categories)
    chart.height = max(7.5, 1.2 * len(table.rows) + 3)
    chart.width = 18
    sheet.add_chart(chart, f"{get_column_letter(len(table.columns) + 2)}{header}")


def _contributions(sheet: Worksheet, question: QuestionSummary) -> None:
    _append(sheet, [])
    _append(
        sheet,
        [_("Bidrag"), _("Cirkel"), _("Kommun"), _("Tema"), _("Taggar"), _("Röster")],
        BOLD,
    )
    for row in question.contributions:
        _append(
            sheet,
            [
                row.value,
                row.circle_name,
                row.municipality,
                row.theme,
                tag_names(row.tags),
                small(row.votes or 0, min_group_size()),
            ],
        )
        sheet.cell(row=sheet.max_row, column=1).alignment = WRAP


#: Column widths of the responses sheet, in characters; others get RESPONSE_WIDTH.
RESPONSE_WIDTHS = {"prompt": 50, "value": 24, "value_text": 40, "statement_text": 40}
RESPONSE_WIDTH = 14


def _responses_sheet(sheet: Worksheet, dataset: Dataset) -> None:
    """Every response: a heading row in the export's language (the key sheet names the stable
    ids), then a row each."""
    headings = response_headings()
    _append(sheet, [headings[column] for column in COLUMNS], BOLD)
    for row in dataset.rows:
        values = cells(row)
        values["tags"] = tag_names(row.tags)
        _append(sheet, [values[column] for column in COLUMNS])
    time_column = COLUMNS.index("time") + 1
    for (cell,) in sheet.iter_rows(min_row=2, min_col=time_column, max_col=time_column):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    for index, column in enumerate(COLUMNS, 1):
        width = RESPONSE_WIDTHS.get(column, RESPONSE_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _key_sheet(sheet: Worksheet) -> None:
    """What each column of the responses sheet is called in the CSV and the JSON (scripts
    read the stable ids; docs/export-format.md says what each means)."""
    headings = response_headings()
    letters = _("Kolumn")
    _append(sheet, [letters, _("Rubrik"), _("Id i CSV och JSON")], BOLD)
    for index, column in enumerate(COLUMNS, 1):
        _append(sheet, [get_column_letter(index), headings[column], column])
    for column, width in zip("ABC", (10, 30, 24), strict=True):
        sheet.column_dimensions[column].width = width
