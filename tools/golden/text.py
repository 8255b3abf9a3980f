"""scikit-learn golden values for Nabla.Learn.Text: CountVectorizer's vocabulary and counts (all words and
max_features=2) on five short documents, and MultinomialNB's smoothed word probabilities (alpha=1 and 0.5) of a
single class, which equal a unigram language model's MAP estimate (c + alpha) / (N + alpha V).

    /usr/bin/python3 tools/golden/text.py

writes tests/golden/text.json.
"""
import json
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB

ROOT = Path(__file__).resolve().parents[2]
docs = [
    "In the beginning God created the heaven and the earth.",
    "And the earth was without form, and void; and darkness was upon the face of the deep.",
    "And God said, Let there be light: and there was light.",
    "A b c: single letters are not words, but x2 and 42 are (two word characters).",
    "The THE the, the's and O'Neil.",
]
out = {"docs": docs}
for name, kwargs in (("all", {}), ("max2", {"max_features": 2})):
    cv = CountVectorizer(**kwargs)
    counts = cv.fit_transform(docs).toarray()
    out[name] = {"vocabulary": cv.get_feature_names_out().tolist(), "counts": counts.tolist()}
counts = np.array([[3, 1, 0, 2, 0, 5]], dtype=float)
for alpha in (1.0, 0.5):
    nb = MultinomialNB(alpha=alpha).fit(counts, [0])
    out["nb_alpha_" + str(alpha).replace(".", "_")] = np.exp(nb.feature_log_prob_[0]).tolist()
out["nb_counts"] = counts[0].tolist()
path = ROOT / "tests" / "golden" / "text.json"
path.write_text(json.dumps(out))
print(f"wrote {path}")
