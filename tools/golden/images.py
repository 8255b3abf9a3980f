"""Golden image files for tests/Nabla.Vision.Tests (run: /usr/bin/python3 tools/golden/images.py).

Writes small images to tests/golden/images/ in every layout Nabla reads, and expected.json holding, for each file,
its pixels as integers in planar (C, H, W) order and the value that maps to 1.0 (2^depth - 1 or maxval).

Two independent writers make the files:
  * this script's own encoders (zlib + struct), so that each PNG filter type (0..4, chosen per row), Adam7
    interlacing, sub-byte depths, 16-bit samples, palettes with tRNS, BMP top-down rows and 32-bit bitfields, and
    PGM/PPM comments / ASCII / 16-bit are each present on purpose;
  * PIL (9.4), whose own filter choices and BMP/PPM writers Nabla must also read.
Every file written by this script's encoders is decoded again with PIL and checked against the pixels, so the
expected values do not rest on this script's encoders alone. Also writes the PIL "L" luma of an RGB image.
"""
import json
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

OUT = Path(__file__).resolve().parents[2] / "tests" / "golden" / "images"
OUT.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(6)
expected = {}

H, W = 5, 7  # odd sizes: BMP rows need padding, Adam7 passes are uneven.


def record(name, pixels_hwc, max_value):
    """Stores pixels (H, W, C) as planar (C, H, W) integers."""
    a = np.asarray(pixels_hwc)
    if a.ndim == 2:
        a = a[:, :, None]
    expected[name] = {"shape": [a.shape[2], a.shape[0], a.shape[1]], "max": int(max_value),
                      "data": [int(v) for v in a.transpose(2, 0, 1).reshape(-1)]}


# ---------------------------------------------------------------- PNG
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def filter_row(f, row, prev, bpp):
    out = bytearray(len(row))
    for i in range(len(row)):
        a = row[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][f]
        out[i] = (row[i] - pred) & 0xFF
    return bytes(out)


def pack_row(samples, depth):
    """Packs one row of integer samples at `depth` bits (MSB first; 16-bit big-endian)."""
    if depth == 8:
        return bytes(int(s) for s in samples)
    if depth == 16:
        return b"".join(struct.pack(">H", int(s)) for s in samples)
    bits = "".join(format(int(s), "0%db" % depth) for s in samples)
    bits += "0" * (-len(bits) % 8)
    return bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))


def scanlines(img, depth, first_filter):
    """Filtered rows of img (h, w, samples), row r using filter (first_filter + r) % 5."""
    h, w, s = img.shape
    bpp = max(1, s * depth // 8)
    prev = None
    out = b""
    for r in range(h):
        row = pack_row(img[r].reshape(-1), depth)
        prev = prev if prev is not None else bytes(len(row))
        f = (first_filter + r) % 5
        out += bytes([f]) + filter_row(f, row, prev, bpp)
        prev = row
    return out


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png(name, img, depth, color_type, interlace=False, palette=None, trns=None, extra_chunks=()):
    img = np.asarray(img)
    if img.ndim == 2:
        img = img[:, :, None]
    h, w = img.shape[:2]
    if interlace:
        raw = b""
        for k, (x0, y0, dx, dy) in enumerate(ADAM7):
            sub = img[y0::dy, x0::dx]
            if sub.shape[0] and sub.shape[1]:
                raw += scanlines(sub, depth, k)
    else:
        raw = scanlines(img, depth, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, color_type, 0, 0, int(interlace)))
    for kind, body in extra_chunks:
        data += chunk(kind, body)
    if palette is not None:
        data += chunk(b"PLTE", bytes(np.asarray(palette, dtype=np.uint8).reshape(-1)))
    if trns is not None:
        data += chunk(b"tRNS", bytes(trns))
    z = zlib.compress(raw, 9)
    # Split the zlib stream over two IDAT chunks: decoders must concatenate them.
    data += chunk(b"IDAT", z[: len(z) // 2]) + chunk(b"IDAT", z[len(z) // 2:]) + chunk(b"IEND", b"")
    (OUT / name).write_bytes(data)
    return data


def check_pil(name, expected_hwc, mode=None):
    with Image.open(OUT / name) as im:
        if mode:
            im = im.convert(mode)
        got = np.asarray(im)
    exp = np.asarray(expected_hwc)
    assert got.shape == exp.shape and (got.astype(np.int64) == exp.astype(np.int64)).all(), (name, got, exp)


grey = rng.integers(0, 256, (H, W), dtype=np.uint8)
rgb = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
rgba = rng.integers(0, 256, (H, W, 4), dtype=np.uint8)
la = rng.integers(0, 256, (H, W, 2), dtype=np.uint8)
grey16 = rng.integers(0, 65536, (H, W), dtype=np.uint16)
rgb16 = rng.integers(0, 65536, (H, W, 3), dtype=np.uint16)
big = rng.integers(0, 256, (13, 11, 3), dtype=np.uint8)  # larger than 8×8: every Adam7 pass has pixels

for name, img, depth, ct, mode in [("grey8.png", grey, 8, 0, None), ("rgb8.png", rgb, 8, 2, None),
                                   ("rgba8.png", rgba, 8, 6, None), ("la8.png", la, 8, 4, "LA")]:
    png(name, img, depth, ct)
    check_pil(name, img, mode)
    record(name, img, 255)

png("grey16.png", grey16, 16, 0)
check_pil("grey16.png", grey16.astype(np.int32))
record("grey16.png", grey16, 65535)
png("rgb16.png", rgb16, 16, 2)  # PIL reduces 16-bit RGB to 8 bits; compare the high bytes.
check_pil("rgb16.png", rgb16 >> 8)
record("rgb16.png", rgb16, 65535)

png("rgb8_adam7.png", big, 8, 2, interlace=True)
check_pil("rgb8_adam7.png", big)
record("rgb8_adam7.png", big, 255)
g2 = rng.integers(0, 4, (H, W), dtype=np.uint8)
png("grey2_adam7.png", g2, 2, 0, interlace=True)
check_pil("grey2_adam7.png", g2 * 85)  # PIL expands 2-bit grey to 8 bits (×85)
record("grey2_adam7.png", g2, 3)

for depth in (1, 4):
    g = rng.integers(0, 1 << depth, (H, W), dtype=np.uint8)
    png(f"grey{depth}.png", g, depth, 0, extra_chunks=[(b"tEXt", b"Comment\x00ancillary chunk, skipped")])
    check_pil(f"grey{depth}.png", g * (255 // ((1 << depth) - 1)), "L")
    record(f"grey{depth}.png", g, (1 << depth) - 1)

pal = rng.integers(0, 256, (6, 3), dtype=np.uint8)
idx = rng.integers(0, 6, (H, W), dtype=np.uint8)
png("palette4.png", idx, 4, 3, palette=pal)
check_pil("palette4.png", pal[idx], "RGB")
record("palette4.png", pal[idx], 255)
alpha = np.array([0, 64, 255, 128], dtype=np.uint8)  # entries 4 and 5 have no tRNS value: opaque
png("palette8_trns.png", idx, 8, 3, palette=pal, trns=alpha)
full_alpha = np.concatenate([alpha, [255, 255]]).astype(np.uint8)
rgba_pal = np.concatenate([pal[idx], full_alpha[idx][:, :, None]], axis=2)
check_pil("palette8_trns.png", rgba_pal, "RGBA")
record("palette8_trns.png", rgba_pal, 255)

# PIL's own PNG writer (its filter choice and compression).
for name, arr, mode in [("pil_rgb.png", rgb, "RGB"), ("pil_rgba.png", rgba, "RGBA"), ("pil_grey.png", grey, "L"),
                        ("pil_la.png", la, "LA")]:
    Image.fromarray(arr, mode).save(OUT / name, optimize=True)
    record(name, arr, 255)
im = Image.fromarray(idx, "P")
im.putpalette(bytes(pal.reshape(-1)))
im.save(OUT / "pil_palette.png")
record("pil_palette.png", pal[idx], 255)

# A 1×1 image: the smallest valid file, used by the truncation tests (every prefix must fail cleanly).
tiny = np.array([[[10, 20, 30]]], dtype=np.uint8)
png("tiny.png", tiny, 8, 2)
record("tiny.png", tiny, 255)


# ---------------------------------------------------------------- BMP
def bmp(name, img, top_down=False, bits=24):
    h, w = img.shape[:2]
    stride = (w * bits + 31) // 32 * 4
    rows = []
    for y in range(h):
        row = b""
        for x in range(w):
            p = img[y, x]
            row += bytes([p[2], p[1], p[0]]) + (bytes([p[3]]) if bits == 32 else b"")
        rows.append(row + b"\x00" * (stride - len(row)))
    pixels = b"".join(rows if top_down else rows[::-1])
    if bits == 32:  # BITMAPV4HEADER (108 bytes) with BI_BITFIELDS and an alpha mask
        dib = struct.pack("<IiiHHIIiiII", 108, w, -h if top_down else h, 1, 32, 3, len(pixels), 2835, 2835, 0, 0)
        dib += struct.pack("<IIII", 0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000) + b"BGRs" + b"\x00" * 48
    else:
        dib = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    offset = 14 + len(dib)
    data = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + dib + pixels
    (OUT / name).write_bytes(data)


bmp("rgb24.bmp", rgb)
check_pil("rgb24.bmp", rgb)
record("rgb24.bmp", rgb, 255)
bmp("rgb24_topdown.bmp", rgb, top_down=True)
check_pil("rgb24_topdown.bmp", rgb)
record("rgb24_topdown.bmp", rgb, 255)
bmp("rgba32.bmp", rgba, bits=32)
check_pil("rgba32.bmp", rgba)
record("rgba32.bmp", rgba, 255)
Image.fromarray(rgb, "RGB").save(OUT / "pil_rgb.bmp")
record("pil_rgb.bmp", rgb, 255)
Image.fromarray(grey, "L").save(OUT / "pil_grey.bmp")  # 8-bit with a grey palette
record("pil_grey.bmp", grey, 255)
Image.fromarray(idx * 40, "L").convert("1").save(OUT / "pil_1bit.bmp")  # 1-bit palette: black/white
with Image.open(OUT / "pil_1bit.bmp") as im1:
    record("pil_1bit.bmp", np.asarray(im1.convert("L")), 255)

# ---------------------------------------------------------------- PGM / PPM
def write(name, header, body):
    (OUT / name).write_bytes(header.encode("ascii") + body)


write("grey.pgm", f"P5\n# a comment line\n{W} {H}\n# another one\n255\n", grey.tobytes())
record("grey.pgm", grey, 255)
write("rgb.ppm", f"P6 {W}\t{H} #comment after a field\n255\n", rgb.tobytes())
record("rgb.ppm", rgb, 255)
write("grey16.pgm", f"P5\n{W} {H}\n65535\n", grey16.astype(">u2").tobytes())
record("grey16.pgm", grey16, 65535)
g100 = rng.integers(0, 101, (H, W))
write("grey_ascii.pgm", f"P2\n# maxval 100\n{W} {H}\n100\n", "\n".join(" ".join(str(v) for v in r) for r in g100).encode())
record("grey_ascii.pgm", g100, 100)
write("rgb_ascii.ppm", f"P3\n{W} {H}\n255\n", " ".join(str(v) for v in rgb.reshape(-1)).encode() + b"\n")
record("rgb_ascii.ppm", rgb, 255)
for name, arr in [("grey.pgm", grey), ("rgb.ppm", rgb), ("grey_ascii.pgm", np.round(g100 * 255 / 100)),
                  ("rgb_ascii.ppm", rgb)]:
    check_pil(name, arr)
Image.fromarray(rgb, "RGB").save(OUT / "pil_rgb.ppm")
record("pil_rgb.ppm", rgb, 255)

# ---------------------------------------------------------------- luma
luma = np.asarray(Image.fromarray(rgb, "RGB").convert("L"))
expected["luma_of_rgb8.png"] = {"shape": [1, H, W], "max": 255, "data": [int(v) for v in luma.reshape(-1)]}

lines = [f" {json.dumps(k)}: {json.dumps(v)}" for k, v in expected.items()]
(OUT / "expected.json").write_text("{\n" + ",\n".join(lines) + "\n}\n")
print(f"wrote {len(expected)} entries to {OUT}")
