namespace Nabla.Learn.Svm;

/// <summary>Sequential minimal optimisation for the C-SVC dual, a port of libsvm's <c>Solver</c> (Fan, Chen and Lin
/// 2005, "Working set selection using second order information for training SVM"; Chang and Lin, libsvm).</summary>
/// <remarks>
/// Minimises ½ αᵀQα − eᵀα subject to yᵀα = 0 and 0 ≤ α_i ≤ C_i. Each iteration picks the pair (i, j): i the
/// maximal violator of the KKT conditions by first-order information, j the one whose joint update decreases the
/// objective most by second-order information (WSS2), solves the two-variable problem in closed form, clips it to the
/// box, and updates the gradient G = Qα − e with rows i and j of Q. It stops when the maximal violation
/// m(α) − M(α) is below ε (the <c>tol</c>). Shrinking every min(l, 1000) iterations sets aside variables at a bound
/// whose gradient says they will stay there, restoring them (and their gradient, rebuilt from Ḡ, the gradient
/// part of the variables at the upper bound) when the reduced problem has converged. Variables live at libsvm's
/// positions through a permutation, so ties break in libsvm's order.
/// </remarks>
internal sealed class SmoSolver
{
    private const double Tau = 1e-12;
    private const byte LowerBound = 0, UpperBound = 1, Free = 2;

    private readonly QMatrix _q;
    private readonly sbyte[] _y;
    private readonly double[] _qd, _alpha, _g, _gBar;
    private readonly byte[] _status;
    private readonly int[] _perm;
    private readonly double _cp, _cn, _eps;
    private readonly int _l;
    private int _active;
    private bool _unshrink;

    public SmoSolver(QMatrix q, sbyte[] y, double cp, double cn, double eps)
    {
        (_q, _y, _cp, _cn, _eps) = (q, y, cp, cn, eps);
        _l = y.Length;
        _qd = q.Diagonal;
        _alpha = new double[_l];
        _g = new double[_l];
        _gBar = new double[_l];
        _status = new byte[_l];
        _perm = Enumerable.Range(0, _l).ToArray();
    }

    /// <summary>Iterations run by <see cref="Solve"/>.</summary>
    public long Iterations { get; private set; }

    private double C(int i) => _y[i] > 0 ? _cp : _cn;

    private bool IsUpper(int i) => _status[i] == UpperBound;

    private bool IsLower(int i) => _status[i] == LowerBound;

    private void UpdateStatus(int i)
        => _status[i] = _alpha[i] >= C(i) ? UpperBound : _alpha[i] <= 0 ? LowerBound : Free;

    /// <summary>Solves the dual; returns y_i α_i (the signed coefficients) and ρ, the decision being Σ y_i α_i k(x_i, x) − ρ.</summary>
    /// <param name="maxIter">Iteration limit; ≤ 0 is libsvm's max(10⁷, 100 l).</param>
    /// <param name="shrinking">libsvm's shrinking heuristic.</param>
    public (double[] Coef, double Rho) Solve(long maxIter, bool shrinking)
    {
        Array.Fill(_g, -1.0);
        _active = _l;
        if (maxIter <= 0) maxIter = Math.Max(10_000_000L, 100L * _l);
        int counter = Math.Min(_l, 1000) + 1;
        long iter = 0;
        while (iter < maxIter)
        {
            if (--counter == 0)
            {
                counter = Math.Min(_l, 1000);
                if (shrinking) DoShrinking();
            }
            if (!SelectWorkingSet(out int i, out int j))
            {
                ReconstructGradient();
                _active = _l;
                if (!SelectWorkingSet(out i, out j)) break;
                counter = 1;
            }
            iter++;
            TakeStep(i, j);
        }
        if (_active < _l)
        {
            ReconstructGradient();
            _active = _l;
        }
        Iterations = iter;
        double rho = CalculateRho();
        var coef = new double[_l];
        for (int i = 0; i < _l; i++) coef[i] = _y[i] * _alpha[i];
        return (coef, rho);
    }

    private void TakeStep(int i, int j)
    {
        float[] qi = _q.Row(i), qj = _q.Row(j);
        double ci = C(i), cj = C(j);
        double oldI = _alpha[i], oldJ = _alpha[j];
        if (_y[i] != _y[j])
        {
            double quad = _qd[i] + _qd[j] + 2 * qi[j];
            if (quad <= 0) quad = Tau;
            double delta = (-_g[i] - _g[j]) / quad;
            double diff = _alpha[i] - _alpha[j];
            _alpha[i] += delta;
            _alpha[j] += delta;
            if (diff > 0)
            {
                if (_alpha[j] < 0) { _alpha[j] = 0; _alpha[i] = diff; }
            }
            else if (_alpha[i] < 0) { _alpha[i] = 0; _alpha[j] = -diff; }
            if (diff > ci - cj)
            {
                if (_alpha[i] > ci) { _alpha[i] = ci; _alpha[j] = ci - diff; }
            }
            else if (_alpha[j] > cj) { _alpha[j] = cj; _alpha[i] = cj + diff; }
        }
        else
        {
            double quad = _qd[i] + _qd[j] - 2 * qi[j];
            if (quad <= 0) quad = Tau;
            double delta = (_g[i] - _g[j]) / quad;
            double sum = _alpha[i] + _alpha[j];
            _alpha[i] -= delta;
            _alpha[j] += delta;
            if (sum > ci)
            {
                if (_alpha[i] > ci) { _alpha[i] = ci; _alpha[j] = sum - ci; }
            }
            else if (_alpha[j] < 0) { _alpha[j] = 0; _alpha[i] = sum; }
            if (sum > cj)
            {
                if (_alpha[j] > cj) { _alpha[j] = cj; _alpha[i] = sum - cj; }
            }
            else if (_alpha[i] < 0) { _alpha[i] = 0; _alpha[j] = sum; }
        }
        double dai = _alpha[i] - oldI, daj = _alpha[j] - oldJ;
        if (_active == _l)
        {
            // No variable is shrunk: a straight, vectorisable pass.
            double[] g = _g;
            for (int k = 0; k < g.Length; k++) g[k] += qi[k] * dai + qj[k] * daj;
        }
        else
        {
            for (int t = 0; t < _active; t++)
            {
                int k = _perm[t];
                _g[k] += qi[k] * dai + qj[k] * daj;
            }
        }
        bool ui = IsUpper(i), uj = IsUpper(j);
        UpdateStatus(i);
        UpdateStatus(j);
        if (ui != IsUpper(i)) UpdateGBar(_q.Row(i), ui ? -ci : ci);
        if (uj != IsUpper(j)) UpdateGBar(_q.Row(j), uj ? -cj : cj);
    }

    private void UpdateGBar(float[] row, double scale)
    {
        for (int k = 0; k < _l; k++) _gBar[k] += scale * row[k];
    }

    /// <summary>WSS2: i = argmax over I_up of −y_t G_t; j minimises the second-order decrease −b²/a over I_low with b &gt; 0.
    /// Returns false when the maximal violation is below ε (optimal).</summary>
    private bool SelectWorkingSet(out int outI, out int outJ)
    {
        double gmax = double.NegativeInfinity, gmax2 = double.NegativeInfinity;
        int gmaxIdx = -1, gminIdx = -1;
        double objDiffMin = double.PositiveInfinity;
        for (int t = 0; t < _active; t++)
        {
            int k = _perm[t];
            if (_y[k] > 0)
            {
                if (!IsUpper(k) && -_g[k] >= gmax) { gmax = -_g[k]; gmaxIdx = k; }
            }
            else if (!IsLower(k) && _g[k] >= gmax) { gmax = _g[k]; gmaxIdx = k; }
        }
        int i = gmaxIdx;
        float[]? qi = i >= 0 ? _q.Row(i) : null;
        for (int t = 0; t < _active; t++)
        {
            int j = _perm[t];
            if (_y[j] > 0)
            {
                if (!IsLower(j))
                {
                    double gradDiff = gmax + _g[j];
                    if (_g[j] >= gmax2) gmax2 = _g[j];
                    if (gradDiff > 0)
                    {
                        double quad = _qd[i] + _qd[j] - 2.0 * _y[i] * qi![j];
                        double objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : Tau);
                        if (objDiff <= objDiffMin) { gminIdx = j; objDiffMin = objDiff; }
                    }
                }
            }
            else if (!IsUpper(j))
            {
                double gradDiff = gmax - _g[j];
                if (-_g[j] >= gmax2) gmax2 = -_g[j];
                if (gradDiff > 0)
                {
                    double quad = _qd[i] + _qd[j] + 2.0 * _y[i] * qi![j];
                    double objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : Tau);
                    if (objDiff <= objDiffMin) { gminIdx = j; objDiffMin = objDiff; }
                }
            }
        }
        (outI, outJ) = (gmaxIdx, gminIdx);
        return !(gmax + gmax2 < _eps || gminIdx == -1);
    }

    private bool BeShrunk(int i, double gmax1, double gmax2)
    {
        if (IsUpper(i)) return _y[i] > 0 ? -_g[i] > gmax1 : -_g[i] > gmax2;
        if (IsLower(i)) return _y[i] > 0 ? _g[i] > gmax2 : _g[i] > gmax1;
        return false;
    }

    private void DoShrinking()
    {
        double gmax1 = double.NegativeInfinity, gmax2 = double.NegativeInfinity;
        for (int t = 0; t < _active; t++)
        {
            int i = _perm[t];
            if (_y[i] > 0)
            {
                if (!IsUpper(i)) gmax1 = Math.Max(gmax1, -_g[i]);
                if (!IsLower(i)) gmax2 = Math.Max(gmax2, _g[i]);
            }
            else
            {
                if (!IsUpper(i)) gmax2 = Math.Max(gmax2, -_g[i]);
                if (!IsLower(i)) gmax1 = Math.Max(gmax1, _g[i]);
            }
        }
        if (!_unshrink && gmax1 + gmax2 <= _eps * 10)
        {
            _unshrink = true;
            ReconstructGradient();
            _active = _l;
        }
        for (int t = 0; t < _active; t++)
        {
            if (!BeShrunk(_perm[t], gmax1, gmax2)) continue;
            _active--;
            while (_active > t)
            {
                if (!BeShrunk(_perm[_active], gmax1, gmax2))
                {
                    (_perm[t], _perm[_active]) = (_perm[_active], _perm[t]);
                    break;
                }
                _active--;
            }
        }
    }

    /// <summary>Rebuilds G of the shrunk variables from Ḡ plus the free variables' contributions.</summary>
    private void ReconstructGradient()
    {
        if (_active == _l) return;
        for (int t = _active; t < _l; t++) _g[_perm[t]] = _gBar[_perm[t]] - 1;
        int nrFree = 0;
        for (int t = 0; t < _active; t++) if (_status[_perm[t]] == Free) nrFree++;
        if ((long)nrFree * _l > 2L * _active * (_l - _active))
        {
            for (int t = _active; t < _l; t++)
            {
                int i = _perm[t];
                float[] qi = _q.Row(i);
                for (int s = 0; s < _active; s++)
                {
                    int j = _perm[s];
                    if (_status[j] == Free) _g[i] += _alpha[j] * qi[j];
                }
            }
        }
        else
        {
            for (int s = 0; s < _active; s++)
            {
                int i = _perm[s];
                if (_status[i] != Free) continue;
                float[] qi = _q.Row(i);
                double ai = _alpha[i];
                for (int t = _active; t < _l; t++)
                {
                    int j = _perm[t];
                    _g[j] += ai * qi[j];
                }
            }
        }
    }

    /// <summary>ρ: the mean of y_i G_i over free variables, else the midpoint of the feasible interval.</summary>
    private double CalculateRho()
    {
        int nrFree = 0;
        double ub = double.PositiveInfinity, lb = double.NegativeInfinity, sumFree = 0;
        for (int t = 0; t < _active; t++)
        {
            int i = _perm[t];
            double yg = _y[i] * _g[i];
            if (IsUpper(i))
            {
                if (_y[i] < 0) ub = Math.Min(ub, yg);
                else lb = Math.Max(lb, yg);
            }
            else if (IsLower(i))
            {
                if (_y[i] > 0) ub = Math.Min(ub, yg);
                else lb = Math.Max(lb, yg);
            }
            else
            {
                nrFree++;
                sumFree += yg;
            }
        }
        return nrFree > 0 ? sumFree / nrFree : (ub + lb) / 2;
    }
}
