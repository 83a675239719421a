"""Uploads that cannot take the service down (security issue, defect 5): a workbook that
unpacks to far more than it weighs, or declares millions of rows, is refused before it is
parsed, from its declared sizes and first bytes."""
from __future__ import annotations

import io
import zipfile

import pytest

from oversight.tabular import Column, Limits, TableError, read_table
from oversight.tabular_files import CappedReader, FileProblem

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def _bomb(rows: int, dimension_rows: int | None = None) -> bytes:
    """A workbook-shaped zip whose sheet is ``rows`` rows of a repeated cell (compresses
    about 300:1, like the issue's 1.1 MB file that unpacks to 340 MB)."""
    declared = dimension_rows or rows
    sheet = io.BytesIO()
    sheet.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main"><dimension ref="A1:C%d"/><sheetData>' % declared)
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c><c><v>2</v></c></row>'
    sheet.write(row * rows)
    sheet.write(b"</sheetData></worksheet>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", sheet.getvalue())
    return buffer.getvalue()


COLUMNS = [Column("namn"), Column("a", kind="int"), Column("b", kind="int")]


def test_a_workbook_that_unpacks_far_beyond_the_limit_is_refused_before_parsing():
    data = _bomb(200_000)  # ~16 MB unpacked, a few hundred kB packed
    assert len(data) < 1_000_000
    with pytest.raises(TableError) as exc:
        read_table(data, "bomb.xlsx", COLUMNS, limits=Limits(max_uncompressed_bytes=4 << 20))
    assert "packas upp till" in str(exc.value)


def test_a_workbook_declaring_millions_of_rows_is_refused_from_its_first_bytes():
    data = _bomb(10, dimension_rows=2_000_001)
    with pytest.raises(TableError, match="2000001 rader"):
        read_table(data, "bomb.xlsx", COLUMNS)


def test_unpacking_stops_at_the_limit_whatever_the_member_declares():
    reader = CappedReader(io.BytesIO(b"x" * 5000), limit=1000)
    with pytest.raises(FileProblem, match="mer än gränsen"):
        io.BufferedReader(reader).read()
