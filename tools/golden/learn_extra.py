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
from scipy.optimize import minimize
from sklearn import linear_model, metrics, model_selection, preprocessing, tree

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

    # ---- GLMs: TweedieRegressor(power=0, identity / log link), (power=1, log link), and Bernoulli/logit as
    # LogisticRegression(C = 1/(alpha N)) (the same objective scaled by N). Tight tolerances so that the goldens are the
    # minimisers of the strictly convex objectives.
    xr, yr = np.array(base["reg"]["x"]), np.array(base["reg"]["y"])
    rng = np.random.default_rng(11)
    counts = rng.poisson(np.exp(0.3 * xr[:, 0] - 0.2 * xr[:, 1] + 0.5)).astype(np.float64)
    positive = np.exp(0.2 * xr[:, 0] + 0.1 * xr[:, 2] + 1.0) * rng.gamma(20, 1 / 20, size=len(xr))
    glm = {"counts": tolist(counts), "positive": tolist(positive)}
    for name, power, link, target in (("normal_identity", 0, "identity", yr), ("normal_log", 0, "log", positive),
                                      ("poisson_log", 1, "log", counts)):
        m = linear_model.TweedieRegressor(power=power, link=link, alpha=0.3, tol=1e-12, max_iter=100000).fit(xr, target)
        glm[name] = {"coef": tolist(m.coef_), "intercept": float(m.intercept_), "score": float(m.score(xr, target)),
                     "predict": tolist(m.predict(xr[:5]))}
    xs = preprocessing.StandardScaler().fit_transform(cancer_x)
    alpha = 0.01
    lr = linear_model.LogisticRegression(C=1 / (alpha * len(xs)), tol=1e-12, max_iter=100000).fit(xs, cancer_y)
    # lbfgs stops on a relative decrease of 64 eps, short of the optimum by ~1e-5 here: polish scikit-learn's solution
    # with SciPy's BFGS on the same objective (1/N) sum log(1 + e^z) - y z + alpha/2 |w|^2 and its exact gradient.
    n = len(xs)

    def fg(theta):
        w, b = theta[:-1], theta[-1]
        z = xs @ w + b
        r = (1 / (1 + np.exp(-z)) - cancer_y) / n
        return (np.sum(np.logaddexp(0, z) - cancer_y * z) / n + alpha / 2 * w @ w,
                np.r_[xs.T @ r + alpha * w, r.sum()])

    theta = minimize(fg, np.r_[lr.coef_[0], lr.intercept_[0]], jac=True, method="BFGS", options={"gtol": 1e-13, "maxiter": 10000}).x
    proba = 1 / (1 + np.exp(-(xs[:5] @ theta[:-1] + theta[-1])))
    glm["bernoulli_logit"] = {"alpha": alpha, "coef": tolist(theta[:-1]), "intercept": float(theta[-1]), "proba": tolist(proba),
                              "sklearn_coef": tolist(lr.coef_[0])}
    out["glm"] = glm

    # ---- LogisticRegression(solver='saga') with L1 (binary, standardised breast cancer) and elastic-net (multinomial,
    # standardised iris), run to tol 1e-12: the minimisers, to which any SAGA run converges whatever its sample order.
    iris_x, iris_y = np.array(base["iris"]["x"]), np.array(base["iris"]["y"])
    xi = preprocessing.StandardScaler().fit_transform(iris_x)
    saga = {}
    for name, kw, x_, y_ in (("cancer_l1", dict(penalty="l1", C=0.1), xs, cancer_y),
                             ("iris_elasticnet", dict(penalty="elasticnet", l1_ratio=0.5, C=0.5), xi, iris_y)):
        m = linear_model.LogisticRegression(solver="saga", tol=1e-12, max_iter=200000, random_state=0, **kw).fit(x_, y_)
        saga[name] = {"coef": tolist(m.coef_), "intercept": tolist(m.intercept_), "n_iter": int(np.max(m.n_iter_)),
                      "proba": tolist(m.predict_proba(x_[:5]))}
    out["saga"] = saga

    OUTPUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
