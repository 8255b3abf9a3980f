"""scikit-learn golden values for Nabla.Learn's SVMs and boosting.

Writes tests/golden/learn_ensemble_svm.json, read by tests/Nabla.Learn.Tests/EnsembleSvmGolden.cs. Run from the
repository root with Debian's interpreter (python3-sklearn 1.2, python3-numpy):

    /usr/bin/python3 tools/golden/learn_ensemble_svm.py

Data: iris and breast_cancer are scikit-learn's bundled copies (UCI, CC BY 4.0), standardised; the synthetic sets
are drawn from numpy's PCG64 with fixed seeds and are continuous, so that no two tree splits tie exactly (scikit-learn
breaks exact ties by a random feature order). SVMs run with tol 1e-10 where the test compares dual coefficients, so
that the goldens are the optimum of the dual, not wherever tol=1e-3 stopped.
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn import datasets, ensemble, preprocessing, svm
from scipy.optimize import minimize
from sklearn.model_selection import cross_val_score, KFold, StratifiedKFold

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "learn_ensemble_svm.json"


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def svc_record(model, x):
    rec = {"dual_coef": tolist(model.dual_coef_), "intercept": tolist(model.intercept_),
           "support": model.support_.tolist(), "n_support": model.n_support_.tolist(),
           "decision": tolist(model.decision_function(x)), "predict": model.predict(x).tolist()}
    if len(model.classes_) > 2:
        model.decision_function_shape = "ovo"
        rec["decision_ovo"] = tolist(model.decision_function(x))
        model.decision_function_shape = "ovr"
    return rec


def polish_linear_svc(model, x, y, c):
    """liblinear's dual coordinate descent converges slowly at tight tolerances; its one-vs-rest primal problems,
    min ½(‖w‖² + b²) + C Σ max(0, 1 − y(w·x + b))² (liblinear regularises the intercept, intercept_scaling=1), are
    differentiable and strictly convex, so BFGS from its solution gives the unique optimum to ~1e-9."""
    classes = model.classes_
    rows = [classes[1]] if len(classes) == 2 else classes
    coefs, intercepts = [], []
    for r, cls in enumerate(rows):
        s = np.where(y == cls, 1.0, -1.0)

        def fg(theta):
            w, b = theta[:-1], theta[-1]
            m = np.maximum(0, 1 - s * (x @ w + b))
            g = -2 * c * (m * s)
            return 0.5 * theta @ theta + c * m @ m, np.r_[w + x.T @ g, b + g.sum()]

        theta0 = np.r_[model.coef_[r], model.intercept_[r]]
        res = minimize(fg, theta0, jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": 10000})
        coefs.append(res.x[:-1])
        intercepts.append(res.x[-1])
    return np.array(coefs), np.array(intercepts)


def gb_record(model, x, classifier):
    rec = {"train_score": tolist(model.train_score_), "feature_importances": tolist(model.feature_importances_),
           "predict": tolist(model.predict(x))}
    if classifier:
        rec["proba"] = tolist(model.predict_proba(x))
        rec["decision"] = tolist(model.decision_function(x))
        rec["staged_proba_5"] = tolist(list(model.staged_predict_proba(x))[4])
    else:
        rec["staged_predict_5"] = tolist(list(model.staged_predict(x))[4])
    return rec


def main():
    out = {"generator": "tools/golden/learn_ensemble_svm.py", "sklearn": sklearn.__version__}
    iris = datasets.load_iris()
    cancer = datasets.load_breast_cancer()
    xi = preprocessing.StandardScaler().fit_transform(iris.data)
    xc = preprocessing.StandardScaler().fit_transform(cancer.data)
    out["iris"] = {"x": tolist(xi), "y": iris.target.tolist()}
    out["cancer"] = {"x": tolist(xc), "y": cancer.target.tolist()}

    rng = np.random.default_rng(5)
    xr = rng.normal(size=(120, 4))
    yr = 2 * np.sin(xr[:, 0]) + xr[:, 1] ** 2 - xr[:, 2] + 0.3 * rng.standard_t(3, size=120)
    out["reg"] = {"x": tolist(xr), "y": tolist(yr)}
    xb = rng.normal(size=(160, 4))
    yb = (xb[:, 0] + xb[:, 1] * xb[:, 2] + 0.5 * rng.normal(size=160) > 0).astype(int)
    out["bin"] = {"x": tolist(xb), "y": yb.tolist()}
    xm = rng.normal(size=(150, 4))
    scores = np.c_[xm[:, 0], xm[:, 1] - xm[:, 2], 0.5 * xm[:, 3] ** 2] + 0.4 * rng.normal(size=(150, 3))
    ym = scores.argmax(axis=1)
    out["multi"] = {"x": tolist(xm), "y": ym.tolist()}

    # ---- SVC: tight tolerance (dual optimum) and the default tolerance
    out["svc"] = {}
    cases = {
        "iris_rbf": (xi, iris.target, dict(kernel="rbf", C=1.0)),
        "iris_poly": (xi, iris.target, dict(kernel="poly", degree=3, gamma="auto", coef0=1.0, C=0.5)),
        "cancer_linear": (xc, cancer.target, dict(kernel="linear", C=0.1)),
        "cancer_rbf": (xc, cancer.target, dict(kernel="rbf", C=2.0, gamma=0.02)),
        "cancer_sigmoid": (xc, cancer.target, dict(kernel="sigmoid", gamma=0.01, coef0=-0.5, C=1.0)),
    }
    for name, (x, y, params) in cases.items():
        tight = svm.SVC(tol=1e-10, **params).fit(x, y)
        rec = svc_record(tight, x)
        default = svm.SVC(**params).fit(x, y)
        rec["default_decision"] = tolist(default.decision_function(x))
        rec["default_n_support"] = default.n_support_.tolist()
        out["svc"][name] = rec
    prob = svm.SVC(probability=True, random_state=0).fit(xi, iris.target)
    out["svc"]["iris_proba"] = {"proba": tolist(prob.predict_proba(xi)), "probA": tolist(prob.probA_),
                                "probB": tolist(prob.probB_)}
    probc = svm.SVC(probability=True, random_state=0).fit(xc, cancer.target)
    out["svc"]["cancer_proba"] = {"proba": tolist(probc.predict_proba(xc)), "probA": tolist(probc.probA_),
                                  "probB": tolist(probc.probB_)}

    # ---- LinearSVC: tight tolerance so that the (unique, strictly convex) primal optimum is compared
    out["linear_svc"] = {}
    for name, (x, y, c) in {"cancer": (xc, cancer.target, 0.5), "iris": (xi, iris.target, 1.0)}.items():
        lin = svm.LinearSVC(C=c, tol=1e-6, max_iter=100_000).fit(x, y)
        coef, intercept = polish_linear_svc(lin, x, y, c)
        out["linear_svc"][name] = {"C": c, "coef": tolist(coef), "intercept": tolist(intercept),
                                   "sklearn_coef": tolist(lin.coef_), "decision": tolist(x @ coef.T + intercept),
                                   "predict": lin.predict(x).tolist()}

    # ---- Gradient boosting: deterministic with subsample=1.0 (ties excluded by the continuous data)
    out["gbr"] = {}
    for loss in ["squared_error", "absolute_error", "huber"]:
        gbr = ensemble.GradientBoostingRegressor(loss=loss, n_estimators=30, random_state=0).fit(xr, yr)
        out["gbr"][loss] = gb_record(gbr, xr, False)
    gbr = ensemble.GradientBoostingRegressor(n_estimators=20, learning_rate=0.2, max_depth=2, min_samples_leaf=5,
                                             min_samples_split=12, random_state=0).fit(xr, yr)
    out["gbr"]["shallow"] = gb_record(gbr, xr, False)
    gbc = ensemble.GradientBoostingClassifier(n_estimators=30, random_state=0).fit(xb, yb)
    out["gbc_binary"] = gb_record(gbc, xb, True)
    gbm = ensemble.GradientBoostingClassifier(n_estimators=20, random_state=0).fit(xm, ym)
    out["gbc_multi"] = gb_record(gbm, xm, True)
    # Subsampled: randomised, compared by cross-validated score.
    out["gb_subsample"] = {
        "cancer_accuracy": tolist(cross_val_score(ensemble.GradientBoostingClassifier(n_estimators=30, max_depth=2,
                                                                                  subsample=0.5, random_state=0),
                                                  xc, cancer.target, cv=StratifiedKFold())),
        "reg_r2": tolist(cross_val_score(ensemble.GradientBoostingRegressor(n_estimators=30, subsample=0.5, random_state=0),
                                         xr, yr, cv=KFold()))}

    # ---- Histogram gradient boosting (early stopping off, as Nabla's default)
    out["hgb"] = {
        "cancer_accuracy": tolist(cross_val_score(ensemble.HistGradientBoostingClassifier(early_stopping=False),
                                                  xc, cancer.target, cv=StratifiedKFold())),
        "iris_accuracy": tolist(cross_val_score(ensemble.HistGradientBoostingClassifier(early_stopping=False),
                                                xi, iris.target, cv=StratifiedKFold())),
        "multi_accuracy": tolist(cross_val_score(ensemble.HistGradientBoostingClassifier(early_stopping=False),
                                                 xm, ym, cv=StratifiedKFold())),
        "reg_r2": tolist(cross_val_score(ensemble.HistGradientBoostingRegressor(early_stopping=False),
                                         xr, yr, cv=KFold())),
    }
    OUTPUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
