"""Media samples built in the test: decompression bombs, recordings with location tags, PDFs with scripts."""

from __future__ import annotations

import io
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pikepdf
from PIL import Image

FFMPEG = shutil.which("ffmpeg") or "ffmpeg"  # a missing ffmpeg fails the tests that need it, loudly


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(width: int, height: int, rgba: bool = False, orientation: int | None = None) -> bytes:
    """A valid PNG of ``width`` x ``height`` zero pixels, compressed row by row so the test never holds the pixels.

    A 20000 x 20000 1-bit bomb is about 50 KB; a 9400 x 9400 RGBA one about 340 KB (as in the probe's finding).
    """
    color_type, bit_depth, row_bytes = (6, 8, width * 4) if rgba else (0, 1, (width + 7) // 8)
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + row_bytes)  # filter byte + pixels
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    chunks = [_chunk(b"IHDR", header)]
    if orientation:
        exif = Image.Exif()
        exif[0x0112] = orientation
        chunks.append(_chunk(b"eXIf", exif.tobytes()[6:]))  # without the "Exif\0\0" prefix
    chunks += [_chunk(b"IDAT", body), _chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def jpeg(width: int, height: int, orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def recording(tmp: Path, name: str, *inputs: str, codecs: tuple[str, ...] = ()) -> bytes:
    """A short recording made by ffmpeg from its own test sources, tagged with a place and a name."""
    target = tmp / name
    argv = [FFMPEG, "-nostdin", "-v", "error"]
    for source in inputs:
        argv += ["-f", "lavfi", "-i", source]
    argv += [*codecs, "-shortest", "-metadata", "location=+10.7165+025.4727/", "-metadata", "comment=Kolwezi depot"]
    argv += ["-metadata", "artist=Amani Kasongo", "-metadata:s:0", "title=Amani's phone", "-y", str(target)]
    subprocess.run(argv, check=True)
    return target.read_bytes()


def stream_tags(data: bytes, tmp: Path) -> str:
    """Every tag ffprobe sees (format and streams), as one string; fails if ffprobe cannot read the file."""
    path = tmp / "probe.bin"
    path.write_bytes(data)
    result = subprocess.run(
        [shutil.which("ffprobe") or "ffprobe", "-v", "error",
         "-show_entries", "format_tags:stream_tags:format=duration", "-of", "json", str(path)],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout


def pdf_with_script_and_author() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Amani Kasongo"
    pdf.docinfo["/Title"] = "Kolwezi depot"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = ["Amani Kasongo"]
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.launchURL('https://tracker.test/x')"))
    pdf.Root.OpenAction = pdf.make_indirect(script)
    link = pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 100, 100],
        A=pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe")),
    )  # fmt: skip
    pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(link)]))
    alert = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    pdf.pages[0].AA = pikepdf.Dictionary(O=alert)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
