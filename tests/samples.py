"""Files a person might send, made in memory."""

from __future__ import annotations

import io
import wave

from PIL import Image

from portal.media.documents import strip_pdf


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"  # GPSLatitudeRef
    gps[2] = (10.0, 42.0, 51.0)  # GPSLatitude: Kolwezi
    gps[3] = "E"
    gps[4] = (25.0, 28.0, 22.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def wav_voice_note(seconds: float = 0.5) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(b"\x00\x01" * int(8000 * seconds))
    return out.getvalue()


# A one-page PDF already in the form the portal stores (portal/media/documents.py), so storing it changes nothing.
PDF_BYTES = strip_pdf(
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 1/Kids[3 0 R]>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)
