"""A drawn stand-in for a photographed A3 plan, so the demo's files are not empty."""

import io

from PIL import Image, ImageDraw

from basisjeugdhulp.plans import pipeline, storing

LINES = [
    "Plan van aanpak - samen met het gezin",
    "Wat gaat goed: de kinderen gaan graag naar school",
    "Waar maken we ons zorgen over: ruzie bij het naar bed gaan",
    "Wat willen we bereiken: rust in huis in de avond",
    "Wie doet wat: moeder - vaste bedtijd; WIJ - 1x per week thuis",
    "Evaluatie over 6 weken",
]


def sheet_jpeg(family_label):
    image = Image.new("RGB", (1680, 1188), (248, 246, 238))  # A3 landscape, as photographed
    draw = ImageDraw.Draw(image)
    draw.rectangle([30, 30, 1650, 1158], outline=(60, 60, 60), width=4)
    draw.text((70, 60), family_label, fill=(20, 40, 120), font_size=56)
    for number, line in enumerate(LINES):
        draw.text((70, 180 + number * 140), line, fill=(25, 25, 60), font_size=40)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return out.getvalue()


def photograph(trajectory, by):
    normalised = pipeline.normalise(sheet_jpeg(trajectory.registration.family_label), storing.limits())
    return storing.keep(trajectory, normalised, by)
