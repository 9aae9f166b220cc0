"""Photos: refused from the header when too large, scaled down, turned upright, re-encoded without EXIF or GPS.

A decompression bomb is a small file declaring huge dimensions (a 336 KB PNG of 9400 x 9400 RGBA pixels needs
about 350 MB once decoded, and more to turn it). ``Image.open`` only reads the header, so the size is checked
before a single pixel is decoded. JPEGs (what phone cameras write) are decoded at a reduced scale (``draft``); PNG and
WebP cannot be, so their full size must stay under ``max_decoded_pixels``: one photo in memory costs at most about
4 bytes a decoded pixel, twice while it is scaled and turned.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# Pillow's own guard warns above MAX_IMAGE_PIXELS and refuses at twice that; a warning must refuse too, in every
# thread (catch_warnings is not thread-safe, so the filter is set once for the process).
warnings.simplefilter("error", Image.DecompressionBombWarning)


@dataclass(frozen=True)
class PhotoLimits:
    max_pixels: int  # the header's width x height; above it nothing is decoded
    max_decoded_pixels: int  # what may be decoded at once (a JPEG after scaling down in the decoder)
    max_side: int  # the stored photo's long side


class PhotoTooLarge(Exception):
    pass


class PhotoUnreadable(Exception):
    pass


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    scale = min(1.0, max_side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _decoded_size(image: Image.Image, content_type: str, target: tuple[int, int]) -> tuple[int, int]:
    """What the decoder will produce: libjpeg scales by 1/2, 1/4 or 1/8 but never below the size asked for."""
    if content_type != "image/jpeg":
        return image.size
    width, height = image.size
    scale = 1
    while scale < 8 and width // (scale * 2) >= target[0] and height // (scale * 2) >= target[1]:
        scale *= 2
    return -(-width // scale), -(-height // scale)


def decoded_pixels(data: bytes, content_type: str, limits: PhotoLimits) -> int:
    """The pixels cleaning this photo will decode, read from its header alone (0 when it cannot be read: cleaning
    then refuses it without decoding)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = _decoded_size(image, content_type, _fit(image.size, limits.max_side))
            return width * height
    except (Image.DecompressionBombError, Image.DecompressionBombWarning, UnidentifiedImageError, OSError, ValueError):
        return 0


def clean_photo(data: bytes, content_type: str, limits: PhotoLimits) -> bytes:
    """Return the photo re-encoded without metadata, at most ``limits.max_side`` pixels on its long side."""
    Image.MAX_IMAGE_PIXELS = limits.max_pixels  # Pillow's check in Image.open then agrees with ours
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > limits.max_pixels:
                raise PhotoTooLarge
            # The orientation lives in the EXIF data we are about to drop: read it before decoding.
            orientation = image.getexif().get(0x0112)
            target = _fit(image.size, limits.max_side)
            if content_type == "image/jpeg" and target != image.size:
                # libjpeg decodes at 1/2, 1/4 or 1/8 scale, never below the size asked for: a 50 megapixel photo
                # is decoded at about 12 megapixels, then resampled to the target.
                image.draft("RGB" if image.mode != "L" else "L", target)
            if image.size[0] * image.size[1] > limits.max_decoded_pixels:
                raise PhotoTooLarge  # a PNG or WebP is decoded whole: its full size is what memory pays
            image.load()
            small = image
            if content_type == "image/jpeg" and image.size[0] > target[0]:
                # Only JPEGs are scaled (to ``max_side``): resampling a whole PNG would take two more copies of it.
                small = image.resize(_fit(image.size, limits.max_side))
            if orientation:
                small.getexif()[0x0112] = orientation
            upright = ImageOps.exif_transpose(small)
            if upright.mode not in ("RGB", "RGBA", "L", "LA", "P") or (
                content_type == "image/jpeg" and upright.mode not in ("RGB", "L")
            ):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            options = {"quality": 90} if content_type != "image/png" else {"optimize": True}
            upright.save(out, format=PHOTO_FORMATS[content_type], **options)
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoTooLarge from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as error:
        raise PhotoUnreadable from error
