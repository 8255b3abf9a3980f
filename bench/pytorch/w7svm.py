"""W7 (SVM and boosting part) of ../shared/anchors/w7_sklearn.py, scikit-learn side of
bench/Nabla.SideBySide/W7Svm.cs: Fashion-MNIST pixels/255 as float32. SVC(kernel='rbf') [C=1, gamma='scale'] fitted on
the first 10,000 training rows and predicting the 10,000 test rows; HistGradientBoostingClassifier(max_iter=100,
early_stopping=False) on all 60,000. Fit and predict wall times via perf_counter. --skip-hgb runs the SVC only."""
import sys
import time

from common import emit, fashion_mnist, metric, setup

torch, args = setup(lambda p: p.add_argument("--skip-hgb", action="store_true"))
import numpy as np  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.svm import SVC  # noqa: E402

xtr, ytr, xte, yte = (t.numpy() for t in fashion_mnist(torch))
xtr, xte = xtr.reshape(len(xtr), -1), xte.reshape(len(xte), -1)
metrics = {}
t0 = time.perf_counter()
svc = SVC(kernel="rbf").fit(xtr[:10000], ytr[:10000])
t1 = time.perf_counter()
pred = svc.predict(xte)
t2 = time.perf_counter()
metrics["svc fit"] = metric("s", False, t1 - t0)
metrics["svc predict"] = metric("s", False, t2 - t1)
metrics["svc accuracy"] = metric("%", True, 100 * float(np.mean(pred == yte)))
if not args.skip_hgb:
    t0 = time.perf_counter()
    hgb = HistGradientBoostingClassifier(max_iter=100, early_stopping=False).fit(xtr, ytr)
    metrics["hgb fit"] = metric("s", False, time.perf_counter() - t0)
    metrics["hgb accuracy"] = metric("%", True, 100 * float(hgb.score(xte, yte)))
print(f"w7svm: {len(xtr)} train rows", file=sys.stderr)
emit(torch, metrics)
