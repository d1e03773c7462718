"""Small real files for the demo tickets: PDFs, pictures, spreadsheets and notes.

Each is a valid file of its type, so the pages can show and download it.
"""

import random
import struct
import zlib
from datetime import date, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from demo import data as demo
from requests_app.services.files import UploadPair
from requests_app.uploads import check_upload


def upload(
    kind: str, name: str, *, about: str, person, day: date, rng: random.Random
) -> UploadPair:
    """A file of the kind ("pdf", "png", "csv" or text) as the upload form passes it on."""
    heading = name.rsplit(".", 1)[0].replace("-", " ").capitalize()
    if kind == "pdf":
        lines = [about, f"{person.get_full_name()}, {day.isoformat()}"]
        content, content_type = _pdf_bytes(heading, lines), "application/pdf"
    elif kind == "png":
        content, content_type = _png_bytes(f"{name}{about}"), "image/png"
    elif kind == "csv":
        content, content_type = _csv_bytes(rng, day), "text/csv"
    else:
        text = f"{heading}\n\n{about}\n\n{person.get_full_name()}, {day.isoformat()}\n"
        content, content_type = text.encode(), "text/plain"
    uploaded = SimpleUploadedFile(name, content, content_type=content_type)
    return uploaded, check_upload(uploaded)


def extra_file(
    prefix: str, *, about: str, person, moment: datetime, rng: random.Random
) -> UploadPair:
    """One of the files people of this department's requests tend to attach."""
    kind, name = rng.choice(demo.EXTRA_FILES[prefix])
    return upload(kind, name, about=about, person=person, day=timezone.localdate(moment), rng=rng)


def _pdf_bytes(heading: str, lines: list[str]) -> bytes:
    """A one-page PDF with a heading and a few lines of text, with a correct xref table."""

    def escape(text: str) -> bytes:
        text = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return text.encode("cp1252", "replace")

    content = b"BT /F1 18 Tf 72 740 Td (" + escape(heading) + b") Tj /F1 11 Tf"
    for line in lines:
        content += b" 0 -24 Td (" + escape(line) + b") Tj"
    content += b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _png_bytes(name: str, width: int = 48, height: int = 32) -> bytes:
    """A small gradient picture whose colour depends on the name."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    hue = zlib.crc32(name.encode())
    base = ((hue >> 16) & 0xFF, (hue >> 8) & 0xFF, hue & 0xFF)
    rows = bytearray()
    for y in range(height):
        rows.append(0)
        for x in range(width):
            rows += bytes(
                ((base[0] + 3 * x) % 256, (base[1] + 5 * y) % 256, (base[2] + x + y) % 256)
            )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows)))
        + chunk(b"IEND", b"")
    )


def _csv_bytes(rng: random.Random, day: date) -> bytes:
    """An expense list of a few lines up to the day."""
    items = (
        "Taxi",
        "Hotel",
        "Train",
        "Lunch with customer",
        "Software licence",
        "Printing",
        "Catering",
        "Courier",
    )
    lines = ["date,description,amount,currency"]
    for offset in range(rng.randint(3, 6)):
        lines.append(
            f"{day - timedelta(days=offset * 2)},{rng.choice(items)},"
            f"{rng.uniform(80, 4000):.2f},NOK"
        )
    return ("\n".join(lines) + "\n").encode()
