"""A generated corpus of over 1,000 hostile or broken uploads through the real upload view:
zero 500s, nothing stored for a refused file, and every refusal in Dutch."""

import io
import random
from collections import Counter

import pillow_heif
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageDraw

from basisjeugdhulp.plans.models import PlanPhoto
from tests import factories

REFUSALS = ("is geen foto", "heeft te veel pixels", "is beschadigd of onvolledig", "is groter dan", "is leeg (0 bytes)")


def _photo(size=(640, 480)):
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle([20, 20, size[0] // 2, size[1] // 2], fill=(200, 30, 30))
    return image


def _save(image, format, **options):
    out = io.BytesIO()
    image.save(out, format, **options)
    return out.getvalue()


def corpus(seed=7512):
    """(name, bytes, kind) for about 1,100 files that should be refused or survive cleanly."""
    rng = random.Random(seed)
    jpeg = _save(_photo(), "JPEG", quality=90)
    png = _save(_photo(), "PNG")
    heic_buffer = io.BytesIO()
    pillow_heif.from_pillow(_photo((320, 240))).save(heic_buffer, quality=60)
    heic = heic_buffer.getvalue()
    files = []
    # Truncated at many lengths.
    for source, ext in ((jpeg, "jpg"), (png, "png"), (heic, "heic")):
        for cut in sorted(rng.sample(range(1, len(source) - 1), min(200, len(source) - 2))):
            files.append((f"cut-{cut}.{ext}", source[:cut], "truncated"))
    # Corrupted: random bytes flipped, header kept.
    for source, ext in ((jpeg, "jpg"), (png, "png"), (heic, "heic")):
        for n in range(150):
            data = bytearray(source)
            for _ in range(rng.randint(1, 40)):
                position = rng.randrange(16, len(data))
                data[position] = rng.randrange(256)
            files.append((f"flip-{n}.{ext}", bytes(data), "corrupted"))
    # Decompression bombs in every format Pillow writes cheaply, and declared-size forgeries.
    for format, ext in (("PNG", "png"), ("GIF", "gif"), ("BMP", "bmp"), ("TIFF", "tif"), ("JPEG", "jpg")):
        mode = "1" if format in ("PNG", "TIFF", "BMP") else "L"
        files.append((f"bomb.{ext}", _save(Image.new(mode, (10_000, 9_000)), format), "bomb"))
    forged = bytearray(png)
    forged[16:24] = (200_000).to_bytes(4, "big") + (200_000).to_bytes(4, "big")
    files.append(("forged-size.png", bytes(forged), "bomb"))
    # Other formats and polyglots with a photo's name.
    for format, ext in (("GIF", "gif"), ("BMP", "bmp"), ("TIFF", "tiff"), ("ICO", "ico"), ("WEBP", "webp"), ("PPM", "ppm"), ("TGA", "tga")):
        files.append((f"plan-as-{ext}.jpg", _save(_photo((64, 48)), format), "other format"))
    scripts = [b"<script>alert(1)</script>", b"<?php system($_GET['c']); ?>", b"'; DROP TABLE intake_registration; --",
               b"<svg onload=alert(1)>", b"%PDF-1.7\n", b"PK\x03\x04", b"MZ\x90\x00", b"\x00" * 64, b"#!/bin/sh\nrm -rf /\n"]
    for n, script in enumerate(scripts):
        files.append((f"script-{n}.jpg", script, "not an image"))
        files.append((f"gif-polyglot-{n}.jpg", b"GIF89a" + script, "polyglot"))
        files.append((f"jpeg-polyglot-{n}.jpg", jpeg[:200] + script, "polyglot"))
        files.append((f"png-polyglot-{n}.png", png[:33] + script, "polyglot"))
        files.append((f"appended-{n}.jpg", jpeg + script, "appended"))  # a valid photo with a tail
    files.append(("empty.jpg", b"", "empty"))
    files.append(("svg.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not an image"))
    # Huge EXIF, and a random-bytes file of 30 MB (over the size limit).
    exif = Image.Exif()
    exif[0x010E] = "A" * 60_000  # ImageDescription
    files.append(("huge-exif.jpg", _save(_photo(), "JPEG", exif=exif), "huge exif"))
    files.append(("dertig-mb.jpg", rng.randbytes(30 * 1024 * 1024), "too large"))
    for n in range(40):
        files.append((f"noise-{n}.jpg", rng.randbytes(rng.randint(1, 5000)), "noise"))
    return files


@pytest.mark.slow
def test_a_thousand_hostile_uploads_give_no_500_and_store_nothing_refused(client, personas, capsys):
    journey = factories.trajectory(personas.team)
    client.force_login(personas.professional)
    url = reverse("plans:upload", args=[journey.public_id])
    files = corpus()
    assert len(files) >= 1000
    outcome = Counter()
    for name, data, kind in files:
        before = PlanPhoto.objects.count()
        response = client.post(url, {"camera": [SimpleUploadedFile(name, data, "image/jpeg")]})
        assert response.status_code in (302, 422), (name, kind, response.status_code)
        if response.status_code == 302:
            outcome["accepted"] += 1
            assert PlanPhoto.objects.count() == before + 1, name
        else:
            outcome["refused"] += 1
            assert PlanPhoto.objects.count() == before, name
            assert any(message in response.text for message in REFUSALS), (name, kind)
    # What was accepted is a clean photo: decodable, upright size, no metadata.
    for photo in PlanPhoto.objects.all():
        with photo.image.open("rb") as stored:
            image = Image.open(stored)
            image.load()
            assert image.format == "JPEG" and not image.getexif()
    with capsys.disabled():
        print(f"\nhostile uploads: {len(files)} files, {outcome['refused']} refused in Dutch, "
              f"{outcome['accepted']} accepted as clean photos, 0 server errors")
    assert outcome["refused"] > 900
