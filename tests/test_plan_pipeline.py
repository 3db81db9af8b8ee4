"""The A3 photo pipeline on generated images: upright, clean of metadata, hostile files refused."""

import io

import pillow_heif
import pytest
from PIL import Image, ImageCms, ImageDraw, PngImagePlugin

from basisjeugdhulp.plans.pipeline import Limits, PhotoRefused, normalise

CANARY = "CANARY-9712AB-53.2194N"
RED, BLUE = (220, 20, 20), (20, 20, 220)


def sheet(width=600, height=400):
    """A landscape 'sheet', white, with a red block in its top-left corner and blue bottom-right."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, width // 4, height // 4], fill=RED)
    draw.rectangle([width * 3 // 4, height * 3 // 4, width, height], fill=BLUE)
    return image


def jpeg(image, **options):
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, **options)
    return out.getvalue()


def decoded(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def near(colour, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected))


# What a camera stores for each EXIF orientation, given the upright sheet: the inverse of what
# a viewer does to show it upright.
STORED = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation):
    upright = sheet()
    stored = upright if STORED[orientation] is None else upright.transpose(STORED[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    result = normalise(jpeg(stored, exif=exif))
    image = decoded(result.image)
    assert image.size == (600, 400) == (result.width, result.height)
    assert near(image.getpixel((20, 20)), RED)
    assert near(image.getpixel((580, 380)), BLUE)
    assert near(image.getpixel((580, 20)), (255, 255, 255))


def test_gps_exif_xmp_comment_and_icc_do_not_survive():
    exif = Image.Exif()
    exif[0x0112] = 1
    exif[0x010F] = CANARY  # Make
    exif[0x8825] = {1: "N", 2: (53.0, 13.0, 10.0), 3: "E", 4: (6.0, 34.0, 0.0)}  # GPS IFD
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description exif:GPSLatitude="{CANARY}"/></x:xmpmeta>'
    source = jpeg(
        sheet(),
        exif=exif,
        xmp=xmp.encode(),
        comment=CANARY.encode(),
        icc_profile=ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes(),
    )
    assert CANARY.encode() in source and decoded(source).getexif().get_ifd(0x8825)
    result = normalise(source)
    for data in (result.image, result.thumbnail):
        assert CANARY.encode() not in data
        assert b"Exif\x00\x00" not in data and b"http://ns.adobe.com/xap/1.0/" not in data
        image = decoded(data)
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)


def test_png_text_chunks_go_and_transparency_becomes_white():
    image = Image.new("RGBA", (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle([0, 0, 100, 100], fill=RED + (255,))
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", CANARY)
    text.add_itxt("XML:com.adobe.xmp", CANARY)
    source = io.BytesIO()
    image.save(source, "PNG", pnginfo=text)
    result = normalise(source.getvalue())
    assert CANARY.encode() not in result.image
    out = decoded(result.image)
    assert out.mode == "RGB" and out.format == "JPEG"
    assert near(out.getpixel((250, 150)), (255, 255, 255), 10)  # transparent → white, not black
    assert near(out.getpixel((20, 20)), RED)


def test_a_16_bit_scan_is_scaled_not_clipped():
    image = Image.new("I;16", (200, 100), 40000)
    source = io.BytesIO()
    image.save(source, "PNG")
    pixel = decoded(normalise(source.getvalue()).image).getpixel((50, 50))
    assert 140 <= pixel[0] <= 170  # 40000 / 65535 of white, not 255


def test_a_large_photo_is_scaled_to_the_long_side_with_a_thumbnail():
    result = normalise(jpeg(sheet(4032, 3024)), Limits(long_side=2400, thumbnail_side=320))
    assert (result.width, result.height) == (2400, 1800)
    assert decoded(result.image).size == (2400, 1800)
    assert decoded(result.thumbnail).size == (320, 240)
    assert near(decoded(result.image).getpixel((30, 30)), RED)


def test_an_iphone_heic_is_accepted():
    source = io.BytesIO()
    pillow_heif.from_pillow(sheet(1200, 800)).save(source, quality=80)
    result = normalise(source.getvalue())
    assert result.source_format == "HEIF"
    image = decoded(result.image)
    assert image.format == "JPEG" and image.size == (1200, 800)
    assert near(image.getpixel((40, 40)), RED)


def refused(data, limits=Limits()):
    with pytest.raises(PhotoRefused) as caught:
        normalise(data, limits)
    return caught.value.reason


def test_a_decompression_bomb_is_refused_before_decoding():
    bomb = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(bomb, "PNG")  # 144 MP that compress to a few KB
    assert len(bomb.getvalue()) < 100_000
    assert refused(bomb.getvalue()) == "too_many_pixels"
    assert refused(jpeg(sheet(600, 400)), Limits(max_pixels=100_000)) == "too_many_pixels"


def test_a_truncated_photo_is_refused():
    whole = jpeg(sheet(1200, 800))
    assert refused(whole[: len(whole) // 2]) == "broken"


def test_a_truncated_photo_is_refused_after_a_pdf_was_made_in_the_same_process():
    """WeasyPrint (the safety card's PDF) sets Pillow's LOAD_TRUNCATED_IMAGES for the whole
    process when imported; the pipeline refuses half a photo all the same."""
    weasyprint = pytest.importorskip("weasyprint")
    weasyprint.HTML(string="<p>kaart</p>").write_pdf()
    whole = jpeg(sheet(1200, 800))
    assert refused(whole[: len(whole) // 2]) == "broken"


@pytest.mark.parametrize(
    "content",
    [
        b"Dit is geen foto, alleen tekst met een .jpg-naam.\n",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"GIF89a<html><body><script>alert(document.cookie)</script></body></html>",
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>",
        b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>",
        b"",
    ],
    ids=["text-as-jpg", "svg", "html-with-gif-header", "html-with-png-header", "html-with-jpeg-header", "empty"],
)
def test_files_that_are_not_photos_are_refused(content):
    assert refused(content) in ("not_an_image", "broken", "empty")


def test_each_refusal_names_what_is_wrong(tmp_path):
    """Issue 22: a photo cut short or damaged is told to be taken again, not that it is no
    photo; a forged size is too large, not damaged; an empty file is empty."""
    whole_heic = io.BytesIO()
    pillow_heif.from_pillow(sheet(320, 240)).save(whole_heic, quality=60)
    heic, png = whole_heic.getvalue(), io.BytesIO()
    sheet(640, 480).save(png, "PNG")
    png = png.getvalue()
    for cut in (40, 100, 400, len(heic) // 2):
        assert refused(heic[:cut]) == "broken", cut
    for cut in (20, 40, 60):
        assert refused(png[:cut]) == "broken", cut
    assert refused(jpeg(sheet(600, 400))[:30]) == "broken"
    forged = bytearray(png)
    forged[16:24] = (200_000).to_bytes(4, "big") + (200_000).to_bytes(4, "big")
    assert refused(bytes(forged)) == "too_many_pixels"
    assert refused(b"") == "empty"
    assert refused(b"Dit is geen foto.") == "not_an_image"


def test_formats_outside_the_allowlist_are_refused_even_when_pillow_could_read_them():
    for format in ("GIF", "BMP", "TIFF"):
        source = io.BytesIO()
        sheet(100, 80).save(source, format)
        assert refused(source.getvalue()) == "not_an_image", format
