"""Golden JPEG files for tests/Nabla.Vision.Tests/JpegTests.cs (run: /usr/bin/python3 tools/golden/jpeg.py).

Writes to tests/golden/jpeg/:
  * src_rgb.png (37x29 RGB: gradients, stripes, a disc, noise) and src_grey.png (37x29 grey), src_tiny.png (4x3 RGB):
    lossless sources made here with a seeded generator;
  * pil_*.jpg: the sources saved by PIL (libjpeg-turbo) as baseline JPEG at quality 75 with 4:2:0, 4:2:2 and 4:4:4
    chroma, greyscale, a 4x3 image (chroma 2 samples wide: libjpeg upsamples it by replication), quality 20,
    and one progressive file (which Nabla must refuse);
  * pil_ids_rgb.jpg, pil_adobe_rgb.jpg, pil_adobe_ycc.jpg: pil_q75_444.jpg with its JFIF marker removed and component
    ids 'R','G','B' / an Adobe APP14 marker with transform 0 / transform 1: libjpeg reads the first two as RGB and
    the third as YCbCr;
  * nabla_*.jpg: the sources encoded by Nabla (tools/golden/JpegEncode.cs, run here with `dotnet run`); where the
    settings are the same as a pil_*.jpg file the bytes are too (JpegTests checks Nabla against both);
  * <name>.pil.png for every .jpg except the progressive one: PIL's decoded pixels (islow IDCT, fancy upsampling,
    its defaults), which Nabla's decoder must reproduce.
"""
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "tests" / "golden" / "jpeg"
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(75)

H, W = 29, 37  # not multiples of 8 or 16: edge blocks and MCUs are partial.
y, x = np.mgrid[0:H, 0:W].astype(np.float64)
r = 255 * x / (W - 1)
g = 255 * y / (H - 1)
b = 128 + 100 * np.sin((x + 2 * y) / 3.0)  # diagonal stripes: high frequencies.
disc = (x - 24) ** 2 + (y - 12) ** 2 < 49
r[disc], g[disc], b[disc] = 250, 40, 30  # a saturated red disc: sharp chroma edges.
rgb = np.stack([r, g, b], axis=2) + rng.normal(0, 6, (H, W, 3))
rgb = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
Image.fromarray(rgb, "RGB").save(OUT / "src_rgb.png")
grey = np.clip(np.rint(128 + 90 * np.cos(x / 4.0) * np.sin(y / 5.0) + rng.normal(0, 8, (H, W))), 0, 255).astype(np.uint8)
Image.fromarray(grey, "L").save(OUT / "src_grey.png")
tiny = rng.integers(0, 256, (3, 4, 3), dtype=np.uint8)
Image.fromarray(tiny, "RGB").save(OUT / "src_tiny.png")

pil = {
    "pil_q75_420.jpg": ("src_rgb.png", dict(quality=75, subsampling=2)),
    "pil_q75_422.jpg": ("src_rgb.png", dict(quality=75, subsampling=1)),
    "pil_q75_444.jpg": ("src_rgb.png", dict(quality=75, subsampling=0)),
    "pil_q20_420.jpg": ("src_rgb.png", dict(quality=20, subsampling=2)),
    "pil_grey_q75.jpg": ("src_grey.png", dict(quality=75)),
    "pil_tiny_420.jpg": ("src_tiny.png", dict(quality=75, subsampling=2)),
    "pil_progressive.jpg": ("src_rgb.png", dict(quality=75, subsampling=2, progressive=True)),
}
for name, (source, options) in pil.items():
    Image.open(OUT / source).save(OUT / name, "JPEG", **options)



def segments(data):
    """Splits a JPEG into (marker, segment bytes) up to SOS; the last item is (0xDA, SOS + entropy data + EOI)."""
    out, i = [], 2
    while True:
        marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
        if marker == 0xDA:
            out.append((marker, data[i:]))
            return out
        out.append((marker, data[i:i + 2 + length]))
        i += 2 + length


def recoloured(data, app, ids):
    """The file with its JFIF APP0 replaced by `app` (bytes of a whole segment, or b"") and component ids `ids` in
    SOF and SOS: the entropy-coded data is unchanged, only how libjpeg interprets the three components changes."""
    parts = []
    for marker, seg in segments(data):
        seg = bytearray(seg)
        if marker == 0xE0:
            seg = bytearray(app)
        elif marker == 0xC0:
            for k in range(3):
                seg[10 + 3 * k] = ids[k]
        elif marker == 0xDA:
            for k in range(3):
                seg[5 + 2 * k] = ids[k]
        parts.append(bytes(seg))
    return b"\xff\xd8" + b"".join(parts)


# libjpeg's colour-space rules for 3 components: JFIF → YCbCr; else Adobe APP14 transform 0 → RGB, 1 → YCbCr;
# else ids 'R', 'G', 'B' → RGB. Same coded data, three interpretations.
base = (OUT / "pil_q75_444.jpg").read_bytes()
adobe = lambda transform: b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00" + bytes([transform])
(OUT / "pil_ids_rgb.jpg").write_bytes(recoloured(base, b"", b"RGB"))
(OUT / "pil_adobe_rgb.jpg").write_bytes(recoloured(base, adobe(0), b"\x01\x02\x03"))
(OUT / "pil_adobe_ycc.jpg").write_bytes(recoloured(base, adobe(1), b"RGB"))

nabla = ["nabla_q75_420.jpg:src_rgb.png:75:420", "nabla_q75_444.jpg:src_rgb.png:75:444",
         "nabla_q10_420.jpg:src_rgb.png:10:420", "nabla_grey_q75.jpg:src_grey.png:75:420",
         "nabla_tiny_420.jpg:src_tiny.png:75:420"]
subprocess.run(["dotnet", "run", str(ROOT / "tools" / "golden" / "JpegEncode.cs"), "--", str(OUT)] + nabla,
               check=True, cwd=ROOT)

for path in sorted(OUT.glob("*.jpg")):
    if "progressive" in path.name:
        continue
    with Image.open(path) as im:
        assert im.format == "JPEG"
        im.convert(im.mode).save(OUT / (path.stem + ".pil.png"))
        print(path.name, im.mode, im.size, path.stat().st_size, "bytes")
