"""More scikit-learn golden values for Nabla.Learn (multi-class ROC AUC, max_features trees, ...).

Writes tests/golden/learn_extra.json, read by tests/Nabla.Learn.Tests/GoldenExtra.cs. Run from the repository root
with Debian's interpreter (python3-sklearn 1.2, python3-numpy):

    /usr/bin/python3 tools/golden/learn_extra.py

Data sets (iris, breast_cancer) are the copies already stored in tests/golden/learn.json by tools/golden/learn.py;
random inputs come from numpy's PCG64 with fixed seeds.
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn import metrics, model_selection, tree

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "learn_extra.json"


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def main():
    out = {"generator": "tools/golden/learn_extra.py", "sklearn": sklearn.__version__}
    base = json.loads((ROOT / "tests" / "golden" / "learn.json").read_text())
    cancer_x, cancer_y = np.array(base["cancer"]["x"]), np.array(base["cancer"]["y"])

    # ---- multi-class ROC AUC: 60 samples, 4 classes, Dirichlet probabilities nudged towards the true class so that the
    # scores carry signal; ties are made on purpose by rounding to 2 decimals (then renormalised rows, as float64).
    rng = np.random.default_rng(5)
    y = rng.integers(0, 4, size=60)
    p = rng.dirichlet(np.ones(4), size=60) + 0.25 * np.eye(4)[y]
    p = np.round(p, 2)
    p = p / p.sum(axis=1, keepdims=True)
    out["roc_auc_multiclass"] = {
        "y": y.tolist(), "proba": tolist(p),
        "ovr_macro": metrics.roc_auc_score(y, p, multi_class="ovr", average="macro"),
        "ovr_weighted": metrics.roc_auc_score(y, p, multi_class="ovr", average="weighted"),
        "ovo_macro": metrics.roc_auc_score(y, p, multi_class="ovo", average="macro"),
        "ovo_weighted": metrics.roc_auc_score(y, p, multi_class="ovo", average="weighted"),
    }

    # ---- DecisionTreeClassifier(max_features=...): random feature draws, so compare the mean 5-fold accuracy over
    # seeds 0..19 (the tests average Nabla's over its own seeds).
    cv = model_selection.StratifiedKFold(5)
    mf = {}
    for name, value in (("sqrt", "sqrt"), ("log2", "log2"), ("int5", 5), ("frac03", 0.3)):
        scores = [model_selection.cross_val_score(tree.DecisionTreeClassifier(max_features=value, random_state=s),
                                                  cancer_x, cancer_y, cv=cv).mean() for s in range(20)]
        mf[name] = {"mean": float(np.mean(scores)), "std": float(np.std(scores))}
    out["tree_max_features_cancer"] = mf

    OUTPUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
