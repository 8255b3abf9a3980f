"""scikit-learn golden values for Nabla.Learn.

Writes tests/golden/learn.json, read by tests/Nabla.Learn.Tests/Golden.cs. Run from the repository root with
Debian's interpreter (needs python3-sklearn 1.2 and python3-numpy):

    /usr/bin/python3 tools/golden/learn.py

Data: iris and breast_cancer are scikit-learn's bundled copies (sklearn.datasets; scikit-learn is BSD-3-Clause,
the data sets are the UCI Machine Learning Repository's, CC BY 4.0), stored in the JSON so that the tests never
need Python. The regression data and the metric scores are drawn from numpy's PCG64 with fixed seeds.
Iterative solvers run with tight tolerances here (tol 1e-10 or 1e-12) so that the goldens are the minimisers of
their strictly convex objectives, not wherever the default tolerance stopped; LogisticRegression's lbfgs result is
polished further with SciPy's BFGS (see polish) because its relative-decrease stop ends ~1e-4 short.
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from scipy.optimize import minimize
from sklearn import cluster, datasets, ensemble, mixture, tree, decomposition, linear_model, metrics, model_selection, preprocessing

ROOT = Path(__file__).resolve().parents[2]
OUTPUT = ROOT / "tests" / "golden" / "learn.json"


def tolist(a):
    return np.asarray(a, dtype=np.float64).tolist()


def logistic_objective(x, y, k, c):
    """scikit-learn's lbfgs objective, sum of log-losses + ||W||^2/(2C), and its gradient, over theta = [W (k, f), b (k)]."""
    n, f = x.shape

    def fg(theta):
        w, b = theta[: k * f].reshape(k, f), theta[k * f:]
        if k == 1:
            z = x @ w[0] + b[0]
            p = 1 / (1 + np.exp(-z))
            loss = np.sum(np.logaddexp(0, z) - y * z)
            r = (p - y)[:, None]
        else:
            z = x @ w.T + b
            lse = np.logaddexp.reduce(z, axis=1)
            onehot = np.eye(k)[y]
            loss = np.sum(lse - z[np.arange(n), y])
            r = np.exp(z - lse[:, None]) - onehot
        loss += np.sum(w * w) / (2 * c)
        return loss, np.r_[(r.T @ x + w / c).ravel(), r.sum(axis=0)]

    return fg


def polish(model, x, y, c):
    """scikit-learn's lbfgs stops on its relative-decrease test (ftol = 64 eps) with max|grad| still ~1e-3, some
    1e-4 away from the minimiser. BFGS from its solution down to max|grad| < 1e-7 gives the exact minimiser of the
    same objective, which is what Nabla's tests compare with; the unpolished values are stored too."""
    k = model.coef_.shape[0]
    fg = logistic_objective(x, y, k, c)
    start = np.r_[model.coef_.ravel(), model.intercept_]
    result = minimize(fg, start, jac=True, method="BFGS", options={"gtol": 1e-10, "maxiter": 10000})
    assert np.abs(fg(result.x)[1]).max() < 1e-7, np.abs(fg(result.x)[1]).max()
    f = x.shape[1]
    coef, intercept = result.x[: k * f].reshape(k, f), result.x[k * f:]
    z = x @ coef.T + intercept
    if k == 1:
        p1 = 1 / (1 + np.exp(-z[:, 0]))
        proba = np.c_[1 - p1, p1]
    else:
        e = np.exp(z - z.max(axis=1, keepdims=True))
        proba = e / e.sum(axis=1, keepdims=True)
    return coef, intercept, z, proba


def main():
    out = {"generator": "tools/golden/learn.py", "sklearn": sklearn.__version__}

    iris = datasets.load_iris()
    cancer = datasets.load_breast_cancer()
    out["iris"] = {"x": tolist(iris.data), "y": iris.target.tolist()}
    out["cancer"] = {"x": tolist(cancer.data), "y": cancer.target.tolist()}

    rng = np.random.default_rng(0)
    xr = rng.normal(size=(60, 5))
    yr = xr @ np.array([1.5, -2.0, 0.0, 0.5, 0.0]) + 3.0 + 0.3 * rng.normal(size=60)
    out["reg"] = {"x": tolist(xr), "y": tolist(yr)}

    # ---- preprocessing
    ss = preprocessing.StandardScaler().fit(iris.data)
    out["standard_scaler"] = {"mean": tolist(ss.mean_), "scale": tolist(ss.scale_), "var": tolist(ss.var_),
                              "transformed": tolist(ss.transform(iris.data[:5]))}
    mm = preprocessing.MinMaxScaler(feature_range=(-1, 2)).fit(iris.data)
    out["minmax_scaler"] = {"data_min": tolist(mm.data_min_), "data_max": tolist(mm.data_max_),
                            "scale": tolist(mm.scale_), "min": tolist(mm.min_),
                            "transformed": tolist(mm.transform(iris.data[:5]))}

    # ---- linear models
    xs = preprocessing.StandardScaler().fit_transform(cancer.data)
    xi = preprocessing.StandardScaler().fit_transform(iris.data)
    lr = linear_model.LinearRegression().fit(xr, yr)
    out["linear_regression"] = {"coef": tolist(lr.coef_), "intercept": float(lr.intercept_),
                                "predict": tolist(lr.predict(xr[:5])), "score": lr.score(xr, yr)}
    lr0 = linear_model.LinearRegression(fit_intercept=False).fit(xr, yr)
    out["linear_regression_no_intercept"] = {"coef": tolist(lr0.coef_)}
    ridge = linear_model.Ridge(alpha=2.5).fit(xr, yr)
    out["ridge"] = {"alpha": 2.5, "coef": tolist(ridge.coef_), "intercept": float(ridge.intercept_),
                    "predict": tolist(ridge.predict(xr[:5]))}
    ridge0 = linear_model.Ridge(alpha=2.5, fit_intercept=False).fit(xr, yr)
    out["ridge_no_intercept"] = {"coef": tolist(ridge0.coef_)}
    lasso = linear_model.Lasso(alpha=0.1, tol=1e-12, max_iter=100000).fit(xr, yr)
    out["lasso"] = {"alpha": 0.1, "coef": tolist(lasso.coef_), "intercept": float(lasso.intercept_),
                    "predict": tolist(lasso.predict(xr[:5]))}

    logb = linear_model.LogisticRegression(C=0.5, tol=1e-10, max_iter=10000).fit(xs, cancer.target)
    coef, intercept, z, proba = polish(logb, xs, cancer.target, 0.5)
    out["logistic_binary"] = {"C": 0.5, "coef": tolist(coef), "intercept": tolist(intercept),
                              "proba": tolist(proba[:10]), "decision": tolist(z[:10, 0]),
                              "sklearn_coef": tolist(logb.coef_), "score": logb.score(xs, cancer.target)}
    logm = linear_model.LogisticRegression(C=1.0, tol=1e-10, max_iter=10000).fit(xi, iris.target)
    coef, intercept, z, proba = polish(logm, xi, iris.target, 1.0)
    out["logistic_multinomial"] = {"C": 1.0, "coef": tolist(coef), "intercept": tolist(intercept),
                                   "proba": tolist(proba[::15]), "sklearn_coef": tolist(logm.coef_),
                                   "predict": logm.predict(xi).tolist()}

    # Perceptron without shuffling is deterministic: plain sums of ±x in sample order.
    out["perceptron"] = {}
    for name, (x, y) in {"binary": (xs, cancer.target), "multiclass": (xi, iris.target)}.items():
        per = linear_model.Perceptron(shuffle=False).fit(x, y)
        out["perceptron"][name] = {"coef": tolist(per.coef_), "intercept": tolist(per.intercept_),
                                   "n_iter": int(per.n_iter_), "predict": per.predict(x).tolist()}

    # SGDClassifier without shuffling is deterministic too.
    out["sgd"] = {}
    for loss in ["hinge", "log_loss", "modified_huber"]:
        for name, (x, y) in {"binary": (xs, cancer.target), "multiclass": (xi, iris.target)}.items():
            sgd = linear_model.SGDClassifier(loss=loss, shuffle=False).fit(x, y)
            row = {"coef": tolist(sgd.coef_), "intercept": tolist(sgd.intercept_), "n_iter": int(sgd.n_iter_)}
            if loss != "hinge":
                row["proba"] = tolist(sgd.predict_proba(x[::15]))
            out["sgd"][f"{loss}_{name}"] = row
    sgd = linear_model.SGDClassifier(loss="log_loss", learning_rate="invscaling", eta0=0.1, alpha=1e-3,
                                     shuffle=False).fit(xi, iris.target)
    out["sgd"]["invscaling"] = {"coef": tolist(sgd.coef_), "intercept": tolist(sgd.intercept_), "n_iter": int(sgd.n_iter_)}

    for loss in ["squared_error", "huber", "epsilon_insensitive"]:
        reg = linear_model.SGDRegressor(loss=loss, shuffle=False).fit(xr, yr)
        out["sgd"][f"regressor_{loss}"] = {"coef": tolist(reg.coef_), "intercept": float(reg.intercept_[0]),
                                            "n_iter": int(reg.n_iter_)}

    # Poisson GLM: sklearn's lbfgs result, polished by BFGS to the exact minimiser of its objective
    # mean(exp(z) - y z) + alpha/2 ||w||^2, as for logistic regression.
    prng = np.random.default_rng(1)  # its own stream, so the draws below stay as they were
    xp = prng.normal(size=(80, 3))
    yp = prng.poisson(np.exp(0.5 + 0.4 * xp[:, 0] - 0.3 * xp[:, 1]))
    pois = linear_model.PoissonRegressor(alpha=0.5, tol=1e-10, max_iter=10000).fit(xp, yp)

    def pois_fg(theta):
        w, b = theta[:3], theta[3]
        z = xp @ w + b
        mu = np.exp(z)
        r = (mu - yp) / len(yp)
        return np.mean(mu - yp * z) + 0.25 * w @ w, np.r_[xp.T @ r + 0.5 * w, r.sum()]

    res = minimize(pois_fg, np.r_[pois.coef_, pois.intercept_], jac=True, method="BFGS", options={"gtol": 1e-12})
    assert np.abs(pois_fg(res.x)[1]).max() < 1e-8, np.abs(pois_fg(res.x)[1]).max()
    out["poisson"] = {"x": tolist(xp), "y": tolist(yp), "alpha": 0.5, "coef": tolist(res.x[:3]), "intercept": float(res.x[3]),
                      "sklearn_coef": tolist(pois.coef_), "score": pois.score(xp, yp)}

    # ---- metrics
    y3 = rng.integers(0, 3, size=40)
    p3 = np.where(rng.random(40) < 0.6, y3, rng.integers(0, 3, size=40))
    prf = {}
    for avg in ["macro", "micro", "weighted"]:
        p, r, f, _ = metrics.precision_recall_fscore_support(y3, p3, average=avg)
        prf[avg] = [p, r, f]
    yb = rng.integers(0, 2, size=50)
    pb = np.where(rng.random(50) < 0.7, yb, 1 - yb)
    p, r, f, _ = metrics.precision_recall_fscore_support(yb, pb, average="binary")
    prf["binary"] = [p, r, f]
    p, r, f, _ = metrics.precision_recall_fscore_support(yb, pb, average="binary", pos_label=0)
    prf["binary_pos0"] = [p, r, f]
    # Scores rounded to 1 decimal so that ties occur and the curve functions must group them.
    sb = np.round(np.clip(yb * 0.3 + rng.random(50) * 0.8, 0, 1), 1)
    fpr, tpr, thr = metrics.roc_curve(yb, sb)
    prec, rec, pthr = metrics.precision_recall_curve(yb, sb)
    probs3 = rng.dirichlet(np.ones(3), size=40)
    out["metrics"] = {
        "y3": y3.tolist(), "p3": p3.tolist(), "prf": prf, "yb": yb.tolist(), "pb": pb.tolist(),
        "sb": tolist(sb), "roc_fpr": tolist(fpr), "roc_tpr": tolist(tpr), "roc_thresholds": tolist(thr),
        "roc_auc": metrics.roc_auc_score(yb, sb), "pr_precision": tolist(prec), "pr_recall": tolist(rec),
        "pr_thresholds": tolist(pthr), "average_precision": metrics.average_precision_score(yb, sb),
        "probs3": tolist(probs3), "log_loss3": metrics.log_loss(y3, probs3),
        "log_loss_binary": metrics.log_loss(yb, sb),
        "mse": metrics.mean_squared_error(yr, lasso.predict(xr)),
        "mae": metrics.mean_absolute_error(yr, lasso.predict(xr)),
        "r2": metrics.r2_score(yr, lasso.predict(xr)),
    }

    # ---- model selection (unshuffled splitters are deterministic, so their folds must match exactly)
    y_strat = np.array([0] * 10 + [1] * 5 + [2] * 3 + [1] * 2)
    rng.shuffle(y_strat)
    out["model_selection"] = {
        "kfold_13_5": [test.tolist() for _, test in model_selection.KFold(5).split(np.zeros(13))],
        "y_strat": y_strat.tolist(),
        "stratified_3": [test.tolist() for _, test in model_selection.StratifiedKFold(3).split(np.zeros(20), y_strat)],
    }
    cv_reg = model_selection.cross_validate(linear_model.LinearRegression(), xr, yr, cv=model_selection.KFold(5),
                                            scoring=["r2", "neg_mean_squared_error", "neg_mean_absolute_error"])
    cv_clf = model_selection.cross_validate(linear_model.LogisticRegression(C=0.5, tol=1e-10, max_iter=10000), xs,
                                            cancer.target, cv=model_selection.StratifiedKFold(5),
                                            scoring=["accuracy", "f1", "f1_macro", "roc_auc", "neg_log_loss"])
    out["cross_validate"] = {
        "regression": {k[5:]: tolist(v) for k, v in cv_reg.items() if k.startswith("test_")},
        "classification": {k[5:]: tolist(v) for k, v in cv_clf.items() if k.startswith("test_")},
    }

    # ---- unsupervised
    pca = decomposition.PCA(n_components=2, whiten=True).fit(iris.data)
    out["pca_iris"] = {"components": tolist(pca.components_), "explained_variance": tolist(pca.explained_variance_),
                       "explained_variance_ratio": tolist(pca.explained_variance_ratio_),
                       "singular_values": tolist(pca.singular_values_), "mean": tolist(pca.mean_),
                       "noise_variance": float(pca.noise_variance_), "transform": tolist(pca.transform(iris.data[:5])),
                       "inverse": tolist(pca.inverse_transform(pca.transform(iris.data[:5])))}
    pca99 = decomposition.PCA(n_components=0.99).fit(xs)
    out["pca_cancer_99"] = {"n_components": int(pca99.n_components_),
                            "explained_variance_ratio": tolist(pca99.explained_variance_ratio_),
                            "components": tolist(pca99.components_)}
    init = iris.data[[0, 50, 100]]
    km = cluster.KMeans(n_clusters=3, init=init, n_init=1).fit(iris.data)
    km_pp = cluster.KMeans(n_clusters=3, n_init=10, random_state=0).fit(iris.data)
    out["kmeans_iris"] = {"init_rows": [0, 50, 100], "centers": tolist(km.cluster_centers_), "labels": km.labels_.tolist(),
                          "inertia": float(km.inertia_), "n_iter": int(km.n_iter_),
                          "plusplus_inertia": float(km_pp.inertia_)}

    # Gaussian mixtures from a fixed start (weights, means and precisions all given), so EM is deterministic.
    out["gmm_iris"] = {"means_init_rows": [0, 50, 100]}
    precisions = {"full": np.stack([np.eye(4)] * 3), "diag": np.ones((3, 4)), "spherical": np.ones(3)}
    for kind, prec in precisions.items():
        gmm = mixture.GaussianMixture(n_components=3, covariance_type=kind, weights_init=np.full(3, 1 / 3),
                                      means_init=iris.data[[0, 50, 100]], precisions_init=prec).fit(iris.data)
        out["gmm_iris"][kind] = {"weights": tolist(gmm.weights_), "means": tolist(gmm.means_),
                                 "covariances": tolist(gmm.covariances_.ravel()), "lower_bound": float(gmm.lower_bound_),
                                 "n_iter": int(gmm.n_iter_), "proba": tolist(gmm.predict_proba(iris.data[::15])),
                                 "score": float(gmm.score(iris.data)), "aic": float(gmm.aic(iris.data)),
                                 "bic": float(gmm.bic(iris.data)), "predict": gmm.predict(iris.data).tolist()}

    # Decision trees. scikit-learn visits features in a random_state-dependent order, which decides exactly tied
    # splits (Nabla takes the lowest feature index): iris and the regression data tie only between features that make
    # the same partition, so their predictions must match exactly; breast cancer has a tie with different partitions
    # and is compared by accuracy (see TreeTests).
    trees = {
        "iris_gini": (tree.DecisionTreeClassifier(max_depth=3, random_state=0), iris.data, iris.target),
        "cancer_entropy": (tree.DecisionTreeClassifier(criterion="entropy", max_depth=4, min_samples_leaf=3,
                                                       random_state=0), cancer.data, cancer.target),
        "iris_full": (tree.DecisionTreeClassifier(random_state=0), iris.data, iris.target),
        "reg": (tree.DecisionTreeRegressor(max_depth=4, min_samples_split=5, random_state=0), xr, yr),
    }
    out["trees"] = {}
    for name, (model, x, y) in trees.items():
        model.fit(x, y)
        row = {"node_count": int(model.tree_.node_count), "depth": int(model.get_depth()),
               "importances": tolist(model.feature_importances_), "predict": tolist(model.predict(x)),
               "threshold": tolist(model.tree_.threshold), "feature": model.tree_.feature.tolist()}
        if name != "reg":
            row["proba"] = tolist(model.predict_proba(x[::10]))
        out["trees"][name] = row

    # Random forests are randomised (and Nabla draws with its own generator): only cross-validated scores are stored,
    # for comparison within a stated margin.
    out["forests"] = {
        "cancer_accuracy": model_selection.cross_val_score(ensemble.RandomForestClassifier(random_state=0), cancer.data,
                                                           cancer.target, cv=model_selection.StratifiedKFold(5)).tolist(),
        "iris_accuracy": model_selection.cross_val_score(ensemble.RandomForestClassifier(random_state=0), iris.data,
                                                         iris.target, cv=model_selection.StratifiedKFold(5)).tolist(),
        "reg_r2": model_selection.cross_val_score(ensemble.RandomForestRegressor(random_state=0), xr, yr,
                                                  cv=model_selection.KFold(5)).tolist(),
    }

    OUTPUT.write_text(json.dumps(out, separators=(",", ":")) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
