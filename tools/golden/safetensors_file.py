"""Writes tests/golden/nn.safetensors, the file SafeTensorsTests reads and must reproduce byte for byte.

Python's safetensors package is not installed on the maintainer machine, so this script writes the bytes with
struct and json only, following the format as the reference implementation (huggingface/safetensors,
safetensors/src/tensor.rs, `prepare` and `serialize`) writes it:

  - 8-byte little-endian header length n, then n bytes of compact JSON (no spaces), padded with spaces to a
    multiple of 8, then the raw little-endian row-major data;
  - "__metadata__" first, then the tensors sorted by descending dtype alignment (the order of the reference's
    Dtype enum: BOOL < ... < F32 < F64 < I64), ties broken by name; data_offsets count from the end of the header.

Run from the repository root:  /usr/bin/python3 tools/golden/safetensors_file.py
The tensors below are repeated in tests/Nabla.Nn.Tests/SafeTensorsTests.cs (GoldenTensors).
"""

import json
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "nn.safetensors"

# name: (dtype, shape, row-major values)
TENSORS = {
    "b.weight": ("F32", [2, 3], [1.5, -2.25, 3.0, 0.1, -0.0, 1e-8]),
    "a.bias": ("F32", [3], [0.5, 0.25, -1.0]),
    "scale": ("F64", [3], [3.141592653589793, -1e300, 2.5e-310]),
    "counts": ("I64", [2, 2], [0, -1, 2**62, -(2**63)]),
    "mask": ("BOOL", [4], [True, False, False, True]),
    "z": ("F32", [], [7.0]),
    "empty": ("F32", [0, 2], []),
}
METADATA = {"format": "pt"}

RANK = {"BOOL": 0, "F32": 11, "F64": 12, "I64": 13}   # positions in the reference's Dtype enum
PACK = {"BOOL": "?", "F32": "f", "F64": "d", "I64": "q"}
SIZE = {"BOOL": 1, "F32": 4, "F64": 8, "I64": 8}


def main():
    order = sorted(TENSORS, key=lambda name: (-RANK[TENSORS[name][0]], name.encode()))
    header = {"__metadata__": METADATA}
    data = b""
    for name in order:
        dtype, shape, values = TENSORS[name]
        raw = struct.pack("<" + PACK[dtype] * len(values), *values)
        assert len(raw) == SIZE[dtype] * len(values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode()
    text += b" " * (-len(text) % 8)
    OUTPUT.write_bytes(struct.pack("<Q", len(text)) + text + data)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {8 + len(text) + len(data)} bytes, order {order}")


if __name__ == "__main__":
    main()
