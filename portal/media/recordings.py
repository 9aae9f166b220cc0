"""Audio and video: remuxed by ffmpeg without metadata (place, name, device), the streams kept as they are.

A phone writes where and by whom a recording was made into its container (an MP4's ©xyz atom, an Ogg comment
LOCATION=, an ID3 tag). ffmpeg copies the audio and video streams into a new container of the same kind and drops
global, stream and chapter metadata; data and subtitle streams (where GPS tracks live) are not copied. When the
streams cannot be copied as they are, they are transcoded. ffmpeg runs without a shell on files in a private
temporary directory (mode 0700), reading only local files, within a timeout.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

logger = logging.getLogger(__name__)

# Detected type -> (ffmpeg demuxer to read it with, muxer to write it with). The demuxer is named, never guessed,
# so a file cannot make ffmpeg read a playlist or fetch a URL.
FORMATS: dict[str, tuple[str, str]] = {
    "audio/ogg": ("ogg", "ogg"),
    "audio/mp4": ("mov", "mp4"),
    "video/mp4": ("mov", "mp4"),
    "video/3gpp": ("mov", "3gp"),
    "audio/aac": ("aac", "adts"),
    "audio/mpeg": ("mp3", "mp3"),
    "audio/x-wav": ("wav", "wav"),
    "audio/amr": ("amr", "amr"),
}
COPY, TRANSCODE = ["-c", "copy"], []


def _ffmpeg_argv(ffmpeg: str, demuxer: str, muxer: str, source: Path, target: Path, codecs: list[str]) -> list[str]:
    return [
        ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file",
        "-f", demuxer, "-i", str(source),
        "-map", "0:v?", "-map", "0:a?", "-map_metadata", "-1", "-map_chapters", "-1", *codecs,
        # bitexact: no "encoder=Lavf…" tags, nothing that tells which software touched the file.
        "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
        "-f", muxer, "-y", str(target),
    ]  # fmt: skip


def strip_recording(data: bytes, content_type: str, timeout: float) -> bytes | None:
    """The recording without metadata, or ``None`` when ffmpeg is missing or cannot read it."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        logger.warning("ffmpeg is not installed: a recording is stored uncleaned")
        return None
    demuxer, muxer = FORMATS[content_type]
    with tempfile.TemporaryDirectory(prefix="portal-media-") as tmp:
        source, target = Path(tmp) / "in", Path(tmp) / "out"
        descriptor = os.open(source, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        for codecs in (COPY, TRANSCODE):
            try:
                subprocess.run(
                    _ffmpeg_argv(ffmpeg, demuxer, muxer, source, target, codecs),
                    stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=True,
                )  # fmt: skip
            except subprocess.CalledProcessError as error:
                logger.info("ffmpeg could not clean a %s file: %s", content_type, error.stderr[-300:])
                continue
            except subprocess.TimeoutExpired:
                logger.warning("ffmpeg took longer than %s s on a %s file", timeout, content_type)
                return None
            if target.exists() and target.stat().st_size:
                return target.read_bytes()
    return None
