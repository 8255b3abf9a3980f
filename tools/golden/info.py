"""scipy/scikit-learn golden values for Nabla.Learn.InformationTheory.

Entropy and KL divergence of fixed distributions (scipy.stats.entropy, natural log and base 2), and the mutual
information of label samples (sklearn.metrics.mutual_info_score, nats) together with H(X), H(X|Y) computed from the
contingency table, on seeded random labels: independent, and dependent (y a noisy copy of x).

    /usr/bin/python3 tools/golden/info.py

writes tests/golden/info.json.
"""
import json
from pathlib import Path

import numpy as np
from scipy.stats import entropy
from sklearn.metrics import mutual_info_score

ROOT = Path(__file__).resolve().parents[2]


def label_entropy(x):
    _, counts = np.unique(x, return_counts=True)
    return float(entropy(counts))


def conditional_entropy(x, y):
    # H(X|Y) = sum_y p(y) H(X | Y = y)
    total = 0.0
    for v in np.unique(y):
        mask = y == v
        total += mask.mean() * label_entropy(x[mask])
    return total


rng = np.random.default_rng(0)
p = np.array([0.5, 0.25, 0.125, 0.125])
q = np.array([0.25, 0.25, 0.25, 0.25])
w = rng.random(7)
out = {
    "p": p.tolist(), "q": q.tolist(), "w": w.tolist(),
    "entropy_p_nats": float(entropy(p)), "entropy_p_bits": float(entropy(p, base=2)),
    "entropy_w_nats": float(entropy(w)),
    "kl_p_q_nats": float(entropy(p, q)), "kl_q_p_bits": float(entropy(q, p, base=2)),
}
x = rng.integers(0, 5, 400)
independent = rng.integers(0, 3, 400)
noisy = np.where(rng.random(400) < 0.7, x, rng.integers(0, 5, 400))
for name, y in (("independent", independent), ("noisy", noisy)):
    out[name] = {
        "x": x.tolist(), "y": y.tolist(),
        "mi": float(mutual_info_score(x, y)), "h_x": label_entropy(x), "h_y": label_entropy(y),
        "h_x_given_y": conditional_entropy(x, y), "h_y_given_x": conditional_entropy(y, x),
    }
path = ROOT / "tests" / "golden" / "info.json"
path.write_text(json.dumps(out))
print(f"wrote {path}")
