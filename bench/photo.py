"""The A3 photo pipeline against Pillow's own floor: time and peak memory, as ratios in one run.

A generated 12 MP (4032×3024) phone photo, as JPEG and as HEIC. The floor is what Pillow needs
at least for the same result: decode, resize to the same long side (LANCZOS), encode JPEG at
the same quality — nothing else. The pipeline adds the header check, orientation, pixel-only
rebuild, thumbnail and the check of its own output. Target: ≤ 1.3× the floor, ≤ 200 MB peak.

Each measurement runs in a fresh process, so its peak resident memory is its own.
Run: make bench ARGS=bench/photo.py   (or .venv/bin/python bench/photo.py)
"""

import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ROUNDS = 7
SIZE = (4032, 3024)


def written_sheet(size=SIZE):
    """Something like a photographed sheet: paper gradient, noise, dark 'handwriting' strokes
    (also the browser tests' phone photo, tests/browser/slow_line.py)."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = size
    noise = Image.effect_noise((width // 4, height // 4), 40).resize(size)
    paper = Image.linear_gradient("L").resize(size).point(lambda v: 200 + v // 8)
    grey = Image.blend(paper, noise, 0.15)
    image = Image.merge("RGB", (grey, grey, grey.point(lambda v: max(v - 12, 0))))
    draw = ImageDraw.Draw(image)
    for row in range(60, height - 60, 70):
        for col in range(80, width - 300, 260):
            draw.line([(col, row), (col + 120, row + 25), (col + 220, row - 10)], fill=(30, 40, 90), width=5)
    return image.filter(ImageFilter.GaussianBlur(0.6))


def make_photo(path_jpeg, path_heic):
    """The sheet as a phone's JPEG and as an iPhone's HEIC."""
    import pillow_heif

    image = written_sheet()
    image.save(path_jpeg, "JPEG", quality=92)
    pillow_heif.from_pillow(image).save(path_heic, quality=80)


def floor(data, long_side, quality):
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    image = image.convert("RGB")
    scale = long_side / max(image.size)
    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def memory_kb(field):
    """VmRSS (now) or VmHWM (peak) of this process. Not getrusage: Linux carries ru_maxrss over
    from the parent through fork and exec, so a child would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def child(method, path):
    """Runs in its own process: ROUNDS timings and the process's peak memory above baseline."""
    import pillow_heif  # noqa: F401 - loaded before the baseline, like in the server

    from basisjeugdhulp.plans import pipeline

    limits = pipeline.Limits()
    data = Path(path).read_bytes()
    if method == "pipeline":
        run = lambda: pipeline.normalise(data, limits)  # noqa: E731
    else:
        pillow_heif.register_heif_opener()
        run = lambda: floor(data, limits.long_side, limits.quality)  # noqa: E731
    baseline = memory_kb("VmRSS")
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    peak = memory_kb("VmHWM")
    print(json.dumps({"ms": statistics.median(times), "peak_mb": (peak - baseline) / 1024}))


def measure(method, path):
    output = subprocess.run(
        [sys.executable, __file__, "--child", method, str(path)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def main():
    with tempfile.TemporaryDirectory() as folder:
        jpeg, heic = Path(folder) / "plan.jpg", Path(folder) / "plan.heic"
        make_photo(jpeg, heic)
        print(f"A3 photo pipeline, {SIZE[0]}×{SIZE[1]}, median of {ROUNDS}; peak = resident memory above the process's baseline")
        print(f"{'source':>6}  {'floor ms':>8}  {'pipeline ms':>11}  {'ratio':>5}  {'floor MB':>8}  {'pipeline MB':>11}")
        for label, path in (("JPEG", jpeg), ("HEIC", heic)):
            base, ours = measure("floor", path), measure("pipeline", path)
            print(
                f"{label:>6}  {base['ms']:>8.0f}  {ours['ms']:>11.0f}  {ours['ms'] / base['ms']:>5.2f}"
                f"  {base['peak_mb']:>8.0f}  {ours['peak_mb']:>11.0f}"
            )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        main()
