"""W7, scikit-learn side (../shared/anchors/w7_sklearn.py without the SVC, which is measured on its own):
Fashion-MNIST, 60,000 training rows of pixels/255 as float32, all 10,000 test rows.
  logreg : LogisticRegression(max_iter=100)
  dtree  : DecisionTreeClassifier(max_depth=10, random_state=0)
  rf     : RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)
  pcagmm : PCA(n_components=0.99, whiten=True) then GaussianMixture(n_components=10, covariance_type='diag', random_state=0)
Metrics: "<model> fit" (s, perf_counter around fit; for pcagmm PCA fit_transform + GMM fit), "<model> accuracy" (% on
the test rows), "pca+gmm log-likelihood" (gmm.score of the whitened training data). --models restricts the run."""
import sys
import time
import warnings

from common import emit, fashion_mnist, metric, setup


def extra(p):
    p.add_argument("--models", default="logreg,dtree,rf,pcagmm")


torch, args = setup(extra)
import numpy as np  # noqa: E402

xtr, ytr, xte, yte = (t.numpy() for t in fashion_mnist(torch))
xtr, xte = xtr.reshape(-1, 784), xte.reshape(-1, 784)
metrics = {}
warnings.simplefilter("ignore")
for model in args.models.split(","):
    if model == "pcagmm":
        from sklearn.decomposition import PCA
        from sklearn.mixture import GaussianMixture
        t0 = time.perf_counter()
        ztr = PCA(n_components=0.99, whiten=True).fit_transform(xtr)
        gmm = GaussianMixture(n_components=10, covariance_type="diag", random_state=0).fit(ztr)
        metrics["pca+gmm fit"] = metric("s", False, time.perf_counter() - t0)
        metrics["pca+gmm log-likelihood"] = metric("nats", True, gmm.score(ztr))
        print("w7 pcagmm: %d iterations" % gmm.n_iter_, file=sys.stderr)
        continue
    if model == "logreg":
        from sklearn.linear_model import LogisticRegression
        clf = LogisticRegression(max_iter=100)
    elif model == "dtree":
        from sklearn.tree import DecisionTreeClassifier
        clf = DecisionTreeClassifier(max_depth=10, random_state=0)
    elif model == "rf":
        from sklearn.ensemble import RandomForestClassifier
        clf = RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)
    else:
        raise SystemExit("w7: unknown model " + model)
    t0 = time.perf_counter()
    clf.fit(xtr, ytr)
    metrics[model + " fit"] = metric("s", False, time.perf_counter() - t0)
    metrics[model + " accuracy"] = metric("%", True, 100 * float((clf.predict(xte) == yte).mean()))
emit(torch, metrics)
