"""XLSX rows for the tabular reader: the first worksheet, streamed with openpyxl read-only.

A formula cell without a cached value (the file was written by a program that does not
calculate) has no value to read: it is reported with its cell reference (``C7``), never read
as an empty cell."""
from __future__ import annotations

import io
import zipfile
from typing import Iterator

from flask_babel import gettext as _

from oversight.tabular_files import FileProblem


def _problem(message: str, cell: str):
    from oversight.tabular import _Problem
    return _Problem(message, cell)


def xlsx_records(data: bytes, with_formulas: bool) -> Iterator[tuple[int, list]]:
    """(sheet row number, cell values) for every row of the first worksheet."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        formulas = None
        if with_formulas:
            formula_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            formulas = formula_book.worksheets[0].iter_rows()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError) as exc:
        raise FileProblem(_("Excel-filen kan inte läsas (trasig eller inte XLSX): %(reason)s",
                            reason=type(exc).__name__)) from None
    try:
        for cells in sheet.iter_rows():
            number = next((c.row for c in cells if getattr(c, "row", None)), None)
            values = [c.value for c in cells]
            if formulas is not None:
                formula_cells = next(formulas, ())
                for i, cell in enumerate(formula_cells):
                    text = getattr(cell, "value", None)
                    if isinstance(text, str) and text.startswith("=") and i < len(values) \
                            and values[i] is None:
                        ref = f"{get_column_letter(i + 1)}{cell.row}"
                        values[i] = _problem(_(
                            "Cellen %(cell)s innehåller en formel utan sparat värde (%(formula)s). "
                            "Öppna filen i Excel och spara den igen, eller spara som CSV.",
                            cell=ref, formula=text[:40]), ref)
            if number is None:
                continue
            yield number, values
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileProblem(_("Excel-filen kan inte läsas till slut (trasig): %(reason)s",
                            reason=type(exc).__name__)) from None
    finally:
        book.close()
