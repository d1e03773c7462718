"""CSV downloads that Excel and LibreOffice open correctly."""

import csv

from django.http import HttpResponse

# Excel reads a CSV without a byte-order mark in the system's legacy code page, so
# "Økonomi" arrives as "Ã˜konomi"; with the UTF-8 BOM both Excel and LibreOffice read UTF-8.
BOM = "\ufeff"


def csv_response(filename: str):
    """An attachment response named ``filename`` starting with the BOM, and a csv writer
    on it. Cells go in as they are: write numbers as numbers (see ``plain``)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write(BOM)
    return response, csv.writer(response)


def plain(value) -> str:
    """A number as a spreadsheet parses it in any locale: ``4.25``, ``80``, never "4,25"
    or "80 %"; None (a figure withheld) is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
