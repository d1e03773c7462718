import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

from requests_app.uploads import (
    ACCEPT_ATTRIBUTE,
    ALLOWED_TYPES,
    CheckedUpload,
    allowed_types_help,
    check_upload,
    sanitize_filename,
)

MB = 1024 * 1024


def png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def ooxml_bytes(part: str) -> bytes:
    return zip_bytes({"[Content_Types].xml": b"<Types/>", part: b"<xml/>"})


def odf_bytes(mimetype: str) -> bytes:
    return zip_bytes({"mimetype": mimetype.encode(), "content.xml": b"<office/>"})


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)

ACCEPTED = [
    ("brief.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n", "application/pdf"),
    ("photo.png", png_bytes(), "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(20), "image/jpeg"),
    ("photo.JPEG", b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00" + bytes(20), "image/jpeg"),
    ("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
    ("pic.webp", b"RIFF\x1a\x00\x00\x00WEBPVP8 \x0e\x00\x00\x00" + bytes(14), "image/webp"),
    (
        "letter.docx",
        ooxml_bytes("word/document.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "budget.xlsx",
        ooxml_bytes("xl/workbook.xml"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "slides.pptx",
        ooxml_bytes("ppt/presentation.xml"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    (
        "letter.odt",
        odf_bytes("application/vnd.oasis.opendocument.text"),
        "application/vnd.oasis.opendocument.text",
    ),
    (
        "budget.ods",
        odf_bytes("application/vnd.oasis.opendocument.spreadsheet"),
        "application/vnd.oasis.opendocument.spreadsheet",
    ),
    (
        "slides.odp",
        odf_bytes("application/vnd.oasis.opendocument.presentation"),
        "application/vnd.oasis.opendocument.presentation",
    ),
    ("bundle.zip", zip_bytes({"a.txt": b"a", "b/c.txt": b"c"}), "application/zip"),
    ("old.doc", OLE, "application/msword"),
    ("old.xls", OLE, "application/vnd.ms-excel"),
    ("old.ppt", OLE, "application/vnd.ms-powerpoint"),
    ("notes.txt", "Søknad om permisjon\n".encode(), "text/plain"),
    ("README.md", b"# Title\n\n* item\n", "text/plain"),
    ("data.csv", b"name,amount\nKari,10\n", "text/csv"),
]


def rejection(upload) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        check_upload(upload)
    return excinfo.value


@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED)
def test_check_upload_accepts_allowed_type(name, data, content_type):
    checked = check_upload(SimpleUploadedFile(name, data, content_type="application/x-bogus"))

    assert checked == CheckedUpload(
        name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_allowed_types_each_covered_by_an_accepted_sample():
    assert {content_type for _, _, content_type in ACCEPTED} == set(ALLOWED_TYPES)


def test_check_upload_hashes_temporary_file_upload():
    data = ooxml_bytes("word/document.xml")
    upload = TemporaryUploadedFile("letter.docx", "application/octet-stream", len(data), None)
    upload.write(data)
    upload.flush()
    try:
        checked = check_upload(upload)
        assert checked.sha256 == hashlib.sha256(data).hexdigest()
        assert checked.size == len(data)
        assert upload.read() == data
    finally:
        upload.close()


def test_check_upload_hashes_file_larger_than_one_chunk():
    data = b"line of text\n" * (6 * MB // 13)
    upload = SimpleUploadedFile("big.txt", data)

    checked = check_upload(upload)

    assert checked.size == len(data)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()


def test_check_upload_leaves_file_at_start():
    data = png_bytes()
    upload = SimpleUploadedFile("photo.png", data)

    check_upload(upload)

    assert upload.tell() == 0
    assert upload.read() == data


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("page.txt", b"\n  <html><body onload='alert(1)'></body></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.txt", b'\xef\xbb\xbf<?xml version="1.0"?><svg/>'),
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50)),
        ("setup.txt", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(50)),
        ("tool.txt", b"\x7fELF\x02\x01\x01\x00" + bytes(56)),
        ("blob.bin", bytes(range(256))),
        ("latin1.txt", "Søknad".encode("latin-1")),
        ("broken.zip", b"PK\x03\x04" + b"not really a zip" * 4),
        ("old.docx", OLE),
    ],
)
def test_check_upload_rejects_disallowed_content(name, data):
    error = rejection(SimpleUploadedFile(name, data))

    assert error.code == "file_type_not_allowed"
    assert name in error.messages[0]
    assert "PDF" in error.messages[0]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", png_bytes()),
        ("tool.exe", b"echo hello\n"),
        ("README", b"plain text without an extension\n"),
        ("letter.zip", ooxml_bytes("word/document.xml")),
        ("bundle.docx", zip_bytes({"a.txt": b"a"})),
        (
            "macro.docx",
            zip_bytes(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<xml/>",
                    "word/vbaProject.bin": b"\x00",
                }
            ),
        ),
        ("data.csv.exe", b"a,b\n1,2\n"),
    ],
)
def test_check_upload_rejects_extension_not_matching_content(name, data):
    error = rejection(SimpleUploadedFile(name, data))

    assert error.code == "file_extension_mismatch"
    assert name in error.messages[0]


def test_check_upload_rejects_file_over_size_limit(settings):
    settings.ICSAT_MAX_UPLOAD_MB = 1

    error = rejection(SimpleUploadedFile("huge.txt", b"a" * (MB + 1)))

    assert error.code == "file_too_large"
    assert error.messages == ["huge.txt is larger than 1 MB."]


def test_check_upload_accepts_file_exactly_at_size_limit(settings):
    settings.ICSAT_MAX_UPLOAD_MB = 1

    assert check_upload(SimpleUploadedFile("exact.txt", b"a" * MB)).size == MB


def test_check_upload_rejects_empty_file():
    error = rejection(SimpleUploadedFile("empty.pdf", b""))

    assert error.code == "file_empty"
    assert error.messages == ["empty.pdf is empty."]


def test_check_upload_accepts_utf8_character_cut_at_sniff_boundary():
    data = b"a" * 8191 + "æ".encode() + b"\n"

    assert check_upload(SimpleUploadedFile("notes.txt", data)).content_type == "text/plain"


def test_check_upload_names_sanitized_file():
    checked = check_upload(SimpleUploadedFile("<notes>?.txt", b"hello\n"))

    assert checked.name == "_notes_.txt"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.pdf", "evil.pdf"),
        ("<script>.pdf", "_script_.pdf"),
        (".htaccess", "htaccess"),
        ("Søknad om permisjon \u2013 æøå.pdf", "Søknad om permisjon_æøå.pdf"),
        ("ñandú (copy).pdf", "ñandú (copy).pdf"),
        ("a\u202efdp.exe", "afdp.exe"),
        ("a\uff0fb.pdf", "b.pdf"),
        ("a...b___c.txt", "a.b_c.txt"),
        ("", "file"),
        ("...", "file"),
    ],
)
def test_sanitize_filename_cleans_name(raw, expected):
    assert sanitize_filename(raw) == expected


def test_sanitize_filename_caps_long_name_keeping_extension():
    result = sanitize_filename("x" * 400 + ".pdf")

    assert len(result) == 150
    assert result.endswith("xx.pdf")


def test_sanitize_filename_never_returns_empty_for_control_characters():
    result = sanitize_filename("\x00\x1f.pdf")

    assert result
    assert not any(ord(ch) < 32 for ch in result)


def test_accept_attribute_lists_allowed_extensions_only():
    extensions = ACCEPT_ATTRIBUTE.split(",")

    assert {".pdf", ".png", ".docx", ".odt", ".zip", ".csv", ".txt"} <= set(extensions)
    assert not {".svg", ".html", ".exe"} & set(extensions)


def test_allowed_types_help_names_kinds():
    assert "PDF" in allowed_types_help()
    assert "CSV" in allowed_types_help()
