"""The one place that decides whether an uploaded file is accepted.

The type is detected from the bytes, never trusted from the browser's
Content-Type or the file name; the extension must then agree with the
content, so a file cannot be opened by the recipient's desktop as something
other than what was checked.
"""

import codecs
import hashlib
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"

# Detected content type -> extensions a file of that type may carry.
ALLOWED_TYPES: dict[str, frozenset[str]] = {
    "application/pdf": frozenset({".pdf"}),
    "image/png": frozenset({".png"}),
    "image/jpeg": frozenset({".jpg", ".jpeg"}),
    "image/gif": frozenset({".gif"}),
    "image/webp": frozenset({".webp"}),
    DOCX: frozenset({".docx"}),
    XLSX: frozenset({".xlsx"}),
    PPTX: frozenset({".pptx"}),
    ODT: frozenset({".odt"}),
    ODS: frozenset({".ods"}),
    ODP: frozenset({".odp"}),
    "application/zip": frozenset({".zip"}),
    "application/msword": frozenset({".doc"}),
    "application/vnd.ms-excel": frozenset({".xls"}),
    "application/vnd.ms-powerpoint": frozenset({".ppt"}),
    "text/plain": frozenset({".txt", ".md", ".markdown"}),
    "text/csv": frozenset({".csv"}),
}

ACCEPT_ATTRIBUTE = ",".join(sorted(set().union(*ALLOWED_TYPES.values())))

_OOXML_PARTS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
_ODF_TYPES = {ODT, ODS, ODP}
# An OLE compound file looks the same for .doc, .xls and .ppt; nothing cheap in
# the header tells them apart, so the extension picks among these three only.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_BY_EXTENSION = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
_SNIFF_BYTES = 8 * 1024

_MAX_NAME_LENGTH = 150
_MAX_EXTENSION_LENGTH = 16
_UNSAFE_CHARS = re.compile(r"[^\w.\- ()]", re.UNICODE)
_UNDERSCORE_RUNS = re.compile(r"[ _]*_[ _]*")
_REPEATED_PUNCTUATION = re.compile(r"([. ()-])\1+")


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int
    sha256: str


def allowed_types_help() -> str:
    return gettext(
        "PDF, images (PNG, JPEG, GIF, WebP), Office and OpenDocument files, ZIP, text and CSV"
    )


def sanitize_filename(name: str) -> str:
    # NFKC first: it folds look-alikes such as the fullwidth solidus into "/",
    # which must then count as a directory separator.
    name = unicodedata.normalize("NFKC", name)
    name = re.split(r"[/\\]", name)[-1]
    # Category C also covers the invisible bidi overrides that make
    # "evil\u202efdp.exe" display as "evilexe.pdf".
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE_CHARS.sub("_", name)
    name = _UNDERSCORE_RUNS.sub("_", name)
    name = _REPEATED_PUNCTUATION.sub(r"\1", name)
    # A leading dot would make a hidden file (".htaccess").
    name = name.lstrip(". ").rstrip(" ")
    if len(name) > _MAX_NAME_LENGTH:
        suffix = PurePath(name).suffix
        if len(suffix) > _MAX_EXTENSION_LENGTH:
            suffix = ""
        name = name[: _MAX_NAME_LENGTH - len(suffix)].rstrip(". ") + suffix
    return name or "file"


def _looks_like_text(head: bytes, complete: bool) -> bool:
    if b"\x00" in head:
        return False
    # HTML, SVG and XML are text too, but a browser may render them and run
    # their scripts, so anything that opens with a tag is refused.
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False
    try:
        # Incremental, so a multi-byte character cut at the sniff boundary is
        # not mistaken for invalid UTF-8.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _zip_type(uploaded_file) -> str | None:
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    declared = member.read(100).decode("ascii", "replace").strip()
                if declared in _ODF_TYPES:
                    return declared
            # Macro-enabled documents stay plain ZIPs, so a .docx carrying a
            # vbaProject.bin fails the extension check instead of passing as Word.
            has_macros = any(n.lower().endswith("vbaproject.bin") for n in names)
            if "[Content_Types].xml" in names and not has_macros:
                for prefix, content_type in _OOXML_PARTS.items():
                    if any(n.startswith(prefix) for n in names):
                        return content_type
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        # A damaged or encrypted archive: nobody here can check what is inside.
        return None
    return "application/zip"


def _detect_type(uploaded_file, extension: str) -> str | None:
    uploaded_file.seek(0)
    head = uploaded_file.read(_SNIFF_BYTES)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip_type(uploaded_file)
    if head.startswith(_OLE_MAGIC):
        return _OLE_BY_EXTENSION.get(extension)
    if _looks_like_text(head, complete=len(head) < _SNIFF_BYTES):
        return "text/csv" if extension == ".csv" else "text/plain"
    return None


def check_upload(uploaded_file) -> CheckedUpload:
    """Validate an uploaded file; raise ValidationError or describe it.

    The file is left at position 0 so the caller can save it.
    """
    name = sanitize_filename(uploaded_file.name or "")
    size = uploaded_file.size
    limit_mb = settings.ICSAT_MAX_UPLOAD_MB
    # Size first: it costs nothing and spares reading a huge file.
    if size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s MB."),
            code="file_too_large",
            params={"name": name, "limit": limit_mb},
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty."), code="file_empty", params={"name": name})

    extension = PurePath(name).suffix.lower()
    content_type = _detect_type(uploaded_file, extension)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not an allowed kind of file. Allowed: %(allowed)s."),
            code="file_type_not_allowed",
            params={"name": name, "allowed": allowed_types_help()},
        )
    if extension not in ALLOWED_TYPES[content_type]:
        raise ValidationError(
            _("The extension of %(name)s does not match its content. Allowed: %(allowed)s."),
            code="file_extension_mismatch",
            params={"name": name, "allowed": allowed_types_help()},
        )

    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return CheckedUpload(name=name, content_type=content_type, size=size, sha256=digest.hexdigest())
