"""Exports of the same sessions from two servers, made comparable: ids are per database and
pseudonyms per export, so each is replaced by the order it first appears in; the moment an
export was made and the sessions' origin (empty on the laptop, its name on the central server)
are set aside. What remains — every number, text, date and flag — must be equal."""

import csv
import io
import json
import re
from typing import Any

from docx import Document
from openpyxl import load_workbook

PSEUDONYM = re.compile(r"\bd-[0-9a-f]{10}\b")
#: Columns of the CSV and the XLSX raw sheet whose values are ids of one database or export.
ID_COLUMNS = ("session", "circle_id", "participant", "response", "merged_into", "statement")
GENERATED = re.compile(
    r"\d{1,2} \w+\.? \d{4}( kl\.)? \d{1,2}:\d{2}(:\d{2})?|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
)


class Renumber:
    """Values of one kind replaced by their order of first appearance."""

    def __init__(self) -> None:
        self.seen: dict[str, dict[Any, int]] = {}

    def __call__(self, kind: str, value: Any) -> Any:
        if value in (None, ""):
            return value
        if kind == "statement" and not re.fullmatch(r"p\d+", str(value)):
            return value  # a statement of the module: the same id everywhere
        if kind == "merged_into":
            kind = "response"
        numbers = self.seen.setdefault(kind, {})
        return f"{kind}#{numbers.setdefault(str(value), len(numbers) + 1)}"

    def text(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        return PSEUDONYM.sub(lambda m: self("participant", m.group(0)), value)


def _rows(header: list, rows: list[list], renumber: Renumber) -> tuple[list, list, list]:
    """(header without ``origin``, renumbered rows, the origin column's values)."""
    origin = header.index("origin")
    kept = [h for i, h in enumerate(header) if i != origin]
    out, origins = [], []
    for row in rows:
        origins.append(row[origin])
        out.append(
            [
                renumber(h, v) if h in ID_COLUMNS else renumber.text(v)
                for i, (h, v) in enumerate(zip(header, row, strict=True))
                if i != origin
            ]
        )
    return kept, out, origins


def csv_view(content: bytes) -> dict:
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    header, rows, origins = _rows(table[0], table[1:], Renumber())
    return {"header": header, "rows": rows, "origins": sorted(set(origins))}


def xlsx_view(content: bytes) -> dict:
    workbook = load_workbook(io.BytesIO(content))
    renumber = Renumber()
    sheets = {}
    key = workbook.worksheets[-1]  # the key sheet: letter, heading, id of each response column
    ids = {heading: id for _letter, heading, id in key.iter_rows(min_row=2, values_only=True)}
    for sheet in workbook.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        if values and sheet is not key and all(v in ids for v in values[0]):
            values[0] = [ids[v] for v in values[0]]
            header, rows, origins = _rows(values[0], values[1:], renumber)
            sheets[sheet.title] = {"header": header, "rows": rows, "origins": sorted(set(origins))}
        else:
            sheets[sheet.title] = [[_cell(v, renumber) for v in row] for row in values]
    return _without_session_ids_and_origin(sheets)


def _cell(value: Any, renumber: Renumber) -> Any:
    if isinstance(value, str):
        return GENERATED.sub("<time>", renumber.text(value))
    return value


def _without_session_ids_and_origin(sheets: dict) -> dict:
    """The summary's sessions table: its first column (the session id) renumbered, and its
    origin column (``Ursprung``) set aside."""
    summary = next(iter(sheets))
    out, origin, number = [], None, 0
    for row in sheets[summary]:
        if row and row[0] == "Session" and "Ursprung" in row:
            origin = row.index("Ursprung")
        elif origin is not None and row and isinstance(row[0], int):
            number += 1
            row = [f"session#{number}", *row[1:]]
        elif not (row and any(v is not None for v in row)):
            origin = None
        out.append([v for i, v in enumerate(row) if i != origin])
    sheets[summary] = out
    return sheets


def json_view(content: bytes) -> dict:
    document = json.loads(content)
    renumber = Renumber()
    for name in ("generated_at", "source", "filter"):
        document.pop(name)
    for session in document["sessions"]:
        session["id"] = renumber("session", session["id"])
        session["circle"] = renumber("circle_id", session["circle"])
        session.pop("origin")
    for circle in document["circles"]:
        circle["id"] = renumber("circle_id", circle["id"])
    for question in document["questions"]:
        for statement in question.get("statements", ()):
            statement["id"] = renumber("statement", statement["id"])
        _renumber_results(question["results"], renumber)
    for row in document["responses"]:
        for key, kind in (
            ("response", "response"),
            ("session", "session"),
            ("circle", "circle_id"),
            ("participant", "participant"),
            ("merged_into", "response"),
            ("statement", "statement"),
        ):
            row[key] = renumber(kind, row[key])
    return document


def _renumber_results(results: Any, renumber: Renumber) -> None:
    """Statement results are keyed by statement id; open-text results name responses."""
    if isinstance(results, dict):
        for key in list(results):
            value = results[key]
            if isinstance(key, str) and re.fullmatch(r"p\d+", key):
                results[renumber("statement", key)] = results.pop(key)
            if key in ("id", "merged_into") and isinstance(value, int):
                results[key] = renumber("response", value)
            elif key == "statement" and isinstance(value, str):
                results[key] = renumber("statement", value)
            else:
                _renumber_results(value, renumber)
    elif isinstance(results, list):
        for item in results:
            _renumber_results(item, renumber)


def docx_view(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    renumber = Renumber()
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text for cell in row.cells))
    return [
        GENERATED.sub("<time>", renumber.text(re.sub(r" \(från [^)]*\)", "", line)))
        for line in lines
    ]


VIEWS = {"csv": csv_view, "xlsx": xlsx_view, "json": json_view, "docx": docx_view}
