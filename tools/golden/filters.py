"""Golden values for Nabla.Vision.Filters (run: /usr/bin/python3 tools/golden/filters.py).

Writes tests/golden/filters.json from scipy.ndimage (1.10) and PyTorch (1.13) on a small random image:
  * correlate / convolve with a 3x5 asymmetric kernel in each border mode. Nabla's Zero, Replicate and Reflect are
    scipy's "constant" (cval 0), "nearest" and "mirror" (edge not repeated);
  * Sobel x / y and the 4- and 8-neighbour Laplacians with PyTorch: F.pad(mode="reflect") + F.conv2d (which
    cross-correlates);
  * Gaussian blur sigma 1.5 with scipy.ndimage.gaussian_filter(truncate=3, mode="mirror"): radius
    int(3 * 1.5 + 0.5) = 5 = ceil(3 sigma), the same 11-tap normalised kernel as Nabla's default.
"""
import json
from pathlib import Path

import numpy as np
import scipy.ndimage as ndi
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parents[2] / "tests" / "golden" / "filters.json"
rng = np.random.default_rng(9)
image = rng.random((6, 7))
kernel = rng.standard_normal((3, 5))
modes = {"Zero": "constant", "Replicate": "nearest", "Reflect": "mirror"}
out = {"image": image.tolist(), "kernel": kernel.tolist(), "correlate": {}, "convolve": {}}
for nabla, scipy_mode in modes.items():
    out["correlate"][nabla] = ndi.correlate(image, kernel, mode=scipy_mode, cval=0.0).tolist()
    out["convolve"][nabla] = ndi.convolve(image, kernel, mode=scipy_mode, cval=0.0).tolist()

t = torch.tensor(image)[None, None]
padded = F.pad(t, (1, 1, 1, 1), mode="reflect")
kernels = {
    "sobel_x": [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
    "sobel_y": [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
    "laplacian4": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "laplacian8": [[1, 1, 1], [1, -8, 1], [1, 1, 1]],
}
for name, k in kernels.items():
    out[name] = F.conv2d(padded, torch.tensor(k, dtype=torch.float64)[None, None])[0, 0].tolist()
out["gaussian_1.5"] = ndi.gaussian_filter(image, 1.5, mode="mirror", truncate=3.0).tolist()
OUT.write_text(json.dumps(out) + "\n")
print(f"wrote {OUT}")
