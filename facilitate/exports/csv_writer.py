"""CSV: one row per response, the columns of :data:`tabular.COLUMNS`.

UTF-8 with a byte-order mark, so that Excel reads å, ä and ö right; semicolons between fields,
as Excel expects with Swedish (and Finnish) regional settings; CRLF line ends (RFC 4180)."""

import csv
import io

from .queries import Dataset
from .tabular import COLUMNS, as_text, cells

DELIMITER = ";"
BOM = "\ufeff"


def write(dataset: Dataset) -> bytes:
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in dataset.rows:
        values = cells(row)
        writer.writerow([as_text(values[column]) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8")
