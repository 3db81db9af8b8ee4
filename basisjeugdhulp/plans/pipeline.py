"""From a phone photo of the A3 plan to a clean, upright, legible JPEG and a thumbnail.

No Django here: plain bytes in, plain bytes out, so the pipeline can be tested and benchmarked
alone (bench/photo.py). The caller turns a `PhotoRefused` into a Dutch message.

What it guarantees about every stored photo (shared/SECURITY.md, "Pillow and the A3 photo"):
- only JPEG (also as MPO, a phone JPEG with a second image), PNG and HEIC/HEIF are opened; every other decoder stays out of reach;
- the declared size is checked against `max_pixels` *before* decoding, so a decompression
  bomb (also a HEIC tile grid) is refused without costing memory;
- EXIF orientation is applied (pillow-heif applies HEIC's own), so the sheet is upright;
- the output is built from pixels only: no EXIF (GPS of the family's home above all), XMP,
  ICC profile, comment or text chunk survives;
- transparency is composited on white, 16-bit images are scaled down, not clipped;
- the result is scaled to `long_side` and saved as JPEG at `quality`, with a thumbnail;
- the result is checked: it decodes, has the promised size and carries no metadata.
"""

import io
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

# The decoders Pillow may try. A phone JPEG with a second embedded image comes out of the JPEG
# decoder as format "MPO"; it is accepted with it (Pillow has no separate MPO opener).
ACCEPTED_FORMATS = ("JPEG", "PNG", "HEIF")


@dataclass(frozen=True)
class Limits:
    max_pixels: int = 60_000_000  # a 48 MP phone camera passes; Pillow's own limit is 89.5 MP
    long_side: int = 2400  # an A3 sheet's handwriting stays readable
    thumbnail_side: int = 320
    quality: int = 85


@dataclass(frozen=True)
class Normalised:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    source_format: str


class PhotoRefused(Exception):
    """The file is not a photo the register keeps. `reason` is one of REASONS."""

    REASONS = ("not_an_image", "too_many_pixels", "broken", "empty")

    def __init__(self, reason, detail=""):
        assert reason in self.REASONS, reason
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def normalise(data, limits=Limits()):
    """`data`: the uploaded bytes (or a binary file object). Returns `Normalised`."""
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    # A truncated file is refused, whatever another library set for the whole process: WeasyPrint
    # (the safety card's PDF) sets Pillow's LOAD_TRUNCATED_IMAGES to True when it is imported,
    # after which half a photo would be kept with grey where the rest should be.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    start = stream.tell()
    head = stream.read(32)
    stream.seek(start)
    if not head:
        raise PhotoRefused("empty")
    try:
        with warnings.catch_warnings():
            # Pillow warns, then raises, on huge images; our own, lower limit decides first.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _normalise(stream, limits)
    except PhotoRefused:
        raise
    except UnidentifiedImageError as error:
        # A file that starts as a photo but cannot be read is a broken photo (take it again),
        # not "no photo"; a PNG that declares more pixels than allowed is too large.
        if _declared_pixels(head) > limits.max_pixels:
            raise PhotoRefused("too_many_pixels", str(error)) from error
        raise PhotoRefused("broken" if _starts_as_a_photo(head) else "not_an_image", str(error)) from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoRefused("too_many_pixels", str(error)) from error
    # Decoders fail in many ways on hostile or damaged files: OSError for truncation,
    # SyntaxError from PNG chunks, IndexError from verify(), RuntimeError from libheif,
    # ValueError/struct errors from odd headers. All of them mean: not a photo we keep.
    except (OSError, SyntaxError, IndexError, RuntimeError, ValueError, EOFError, TypeError) as error:
        raise PhotoRefused("broken", f"{type(error).__name__}: {error}") from error


HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


def _starts_as_a_photo(head):
    """The first bytes of a JPEG, PNG or HEIC file (its signature), whatever follows."""
    return (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
        or (head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS)
    )


def _declared_pixels(head):
    """The pixels a PNG's header declares (0 when it is no PNG): read even when the header
    fails its checksum, as in a forged size."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR" and len(head) >= 24:
        return int.from_bytes(head[16:20], "big") * int.from_bytes(head[20:24], "big")
    return 0


def _open(stream, limits):
    image = Image.open(stream, formats=ACCEPTED_FORMATS)
    width, height = image.size
    if width * height > limits.max_pixels:
        raise PhotoRefused("too_many_pixels", f"{width}×{height}")
    return image


def _normalise(stream, limits):
    start = stream.tell()
    # Pass 1: the header and a structural check, without decoding the pixels.
    _open(stream, limits).verify()
    # Pass 2: verify() leaves the image unusable; open again to decode.
    stream.seek(start)
    image = _open(stream, limits)
    source_format = image.format
    if source_format in ("JPEG", "MPO"):
        # Let the JPEG decoder scale by 1/2, 1/4 or 1/8 when the target allows (PERFORMANCE.md).
        image.draft("RGB", (limits.long_side, limits.long_side))
    image.load()
    image = ImageOps.exif_transpose(image)
    image = _to_rgb(image)
    image.thumbnail((limits.long_side, limits.long_side), Image.Resampling.LANCZOS)
    image = _pixels_only(image)
    thumbnail = image.copy()
    thumbnail.thumbnail((limits.thumbnail_side, limits.thumbnail_side), Image.Resampling.LANCZOS)
    result = Normalised(
        image=_encode(image, limits.quality),
        thumbnail=_encode(thumbnail, limits.quality),
        width=image.width,
        height=image.height,
        source_format=source_format,
    )
    _check(result, limits)
    return result


def _to_rgb(image):
    """RGB pixels only, whatever came in: alpha on white, 16 bits scaled, palettes expanded."""
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping at 255.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return image if image.mode == "RGB" else image.convert("RGB")


def _pixels_only(image):
    """A fresh image from the pixels alone: nothing of the source's info dict rides along.
    Done after scaling, where it copies a fifth of the pixels."""
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    return clean


def _encode(image, quality):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, optimize=False, progressive=False)
    return out.getvalue()


def _check(result, limits):
    """The stored file must decode, keep within the size, and carry no metadata."""
    for data, side in ((result.image, limits.long_side), (result.thumbnail, limits.thumbnail_side)):
        with Image.open(io.BytesIO(data), formats=["JPEG"]) as stored:
            stored.load()
            leftovers = set(stored.info) & {"exif", "xmp", "icc_profile", "comment", "photoshop"}
            if max(stored.size) > side or stored.getexif() or leftovers:
                raise PhotoRefused("broken", f"output check failed: {stored.size}, {sorted(leftovers)}")
