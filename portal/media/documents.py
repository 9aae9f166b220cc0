"""PDFs: rewritten by pikepdf (qpdf) without metadata, scripts, embedded files or actions that leave the document.

Removed: the document information (/Author, /Creator, …) and XMP metadata of the document and its pages, the
trailer's file identifiers (replaced by ones computed from the content), /OpenAction, every additional-actions
dictionary (/AA), the JavaScript and EmbeddedFiles name trees, XFA forms, portfolios, file-attachment annotations,
and every action other than a jump inside the document (/GoTo): JavaScript, Launch, SubmitForm and URI links too,
because a link opened by a committee member tells its owner who read the file and when. The text and pages stay.
"""

from __future__ import annotations

import io
import logging

import pikepdf

logger = logging.getLogger(__name__)

KEPT_ACTIONS = {pikepdf.Name.GoTo}
DROPPED_ANNOTATIONS = {pikepdf.Name.FileAttachment, pikepdf.Name.RichMedia, pikepdf.Name.Movie, pikepdf.Name.Sound}


def _is_unsafe_action(value) -> bool:
    return isinstance(value, pikepdf.Dictionary) and value.get("/S") not in KEPT_ACTIONS


def _kept_annotation(annotation) -> bool:
    return isinstance(annotation, pikepdf.Dictionary) and annotation.get("/Subtype") not in DROPPED_ANNOTATIONS


def _clean_dictionary(obj: pikepdf.Dictionary | pikepdf.Stream) -> None:
    for key in ("/AA", "/Metadata", "/PieceInfo", "/Next"):
        if key in obj:
            del obj[key]
    if "/A" in obj and _is_unsafe_action(obj.A):
        del obj["/A"]
    if "/Annots" in obj:
        annotations = obj.Annots if isinstance(obj.Annots, pikepdf.Array) else []
        obj.Annots = pikepdf.Array([a for a in annotations if _kept_annotation(a)])


def strip_pdf(data: bytes) -> bytes | None:
    """The PDF without metadata and active content, or ``None`` when it cannot be read (encrypted, broken)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if "/Info" in pdf.trailer:
                del pdf.trailer["/Info"]
            root = pdf.Root
            for key in ("/OpenAction", "/Collection"):
                if key in root:
                    del root[key]
            if "/Names" in root:
                for key in ("/JavaScript", "/EmbeddedFiles"):
                    if key in root.Names:
                        del root.Names[key]
            if "/AcroForm" in root and "/XFA" in root.AcroForm:
                del root.AcroForm["/XFA"]
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                    _clean_dictionary(obj)
            out = io.BytesIO()
            pdf.save(out, deterministic_id=True)
            return out.getvalue()
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RecursionError) as error:
        logger.info("A PDF could not be cleaned: %s", type(error).__name__)
        return None
