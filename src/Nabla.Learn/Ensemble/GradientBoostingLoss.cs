namespace Nabla.Learn.Ensemble;

/// <summary>The loss a <see cref="GradientBoostingRegressor"/> minimises. scikit-learn: its <c>loss</c> argument.</summary>
public enum GradientBoostingLoss
{
    /// <summary>(y − F)²: trees fit the residuals y − F, leaves keep their mean. scikit-learn: <c>'squared_error'</c>, the default.</summary>
    SquaredError,

    /// <summary>|y − F|: trees fit sign(y − F), each leaf's value is the median of its residuals. scikit-learn: <c>'absolute_error'</c>.</summary>
    AbsoluteError,

    /// <summary>Huber's loss, quadratic within γ (the <see cref="GradientBoostingRegressor.Alpha"/> quantile of |y − F|)
    /// and linear beyond. scikit-learn: <c>'huber'</c>.</summary>
    Huber,
}

/// <summary>A boosting loss: its initial constant prediction, negative gradient, leaf line search and value.
/// scikit-learn: <c>sklearn.ensemble._gb_losses</c>.</summary>
internal abstract class BoostLoss
{
    /// <summary>numpy's float32 eps (2⁻²³): scikit-learn clips prior probabilities to [eps, 1 − eps] before the log.</summary>
    public const double Float32Epsilon = 1.1920928955078125e-07;

    /// <summary>Trees per stage (K for the multinomial loss, 1 otherwise).</summary>
    public virtual int Trees => 1;

    /// <summary>The initial raw prediction per tree column (scikit-learn's <c>init='zero'</c> is not offered; this is its default init estimator).</summary>
    public abstract double[] Init(double[] y);

    /// <summary>Negative gradient of column k at the stage's starting raw predictions (n, Trees).</summary>
    public abstract void NegativeGradient(double[] y, double[] raw, int k, double[] w, double[] residual);

    /// <summary>The line-searched value of a leaf holding in-bag samples <paramref name="rows"/>, or NaN to keep the
    /// tree's mean residual.</summary>
    public virtual double LeafValue(List<int> rows, double[] y, double[] raw, double[] residual, int k) => double.NaN;

    /// <summary>The training loss (scikit-learn's loss <c>__call__</c>) over the samples with weight 1.</summary>
    public abstract double Value(double[] y, double[] raw, double[] w);

    /// <summary>scikit-learn's <c>_weighted_percentile</c> with unit weights: the smallest sorted value whose
    /// cumulative count reaches p/100 of the total (a lower percentile, no interpolation).</summary>
    public static double LowerPercentile(List<double> values, double percentile)
    {
        values.Sort();
        double target = percentile / 100 * values.Count;
        int idx = 0;
        while (idx < values.Count - 1 && idx + 1 < target) idx++;
        return values[idx];
    }

    /// <summary>numpy's default (linearly interpolated) percentile.</summary>
    public static double Percentile(double[] values, double percentile)
    {
        double[] s = values.Order().ToArray();
        double pos = percentile / 100 * (s.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, s.Length - 1);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }
}

/// <summary>Squared error: init mean, gradient y − F, leaves keep the mean residual; value mean (y − F)².</summary>
internal sealed class SquaredErrorBoostLoss : BoostLoss
{
    public override double[] Init(double[] y) => [y.Average()];

    public override void NegativeGradient(double[] y, double[] raw, int k, double[] w, double[] residual)
    {
        for (int i = 0; i < y.Length; i++) residual[i] = y[i] - raw[i];
    }

    public override double Value(double[] y, double[] raw, double[] w)
    {
        double s = 0, ws = 0;
        for (int i = 0; i < y.Length; i++)
        {
            s += w[i] * (y[i] - raw[i]) * (y[i] - raw[i]);
            ws += w[i];
        }
        return s / ws;
    }
}

/// <summary>Absolute error: init median, gradient sign(y − F) (−1 at 0, as scikit-learn), leaf = lower median of the
/// leaf's residuals y − F; value mean |y − F|.</summary>
internal sealed class AbsoluteErrorBoostLoss : BoostLoss
{
    public override double[] Init(double[] y) => [Percentile(y, 50)];

    public override void NegativeGradient(double[] y, double[] raw, int k, double[] w, double[] residual)
    {
        for (int i = 0; i < y.Length; i++) residual[i] = y[i] - raw[i] > 0 ? 1 : -1;
    }

    public override double LeafValue(List<int> rows, double[] y, double[] raw, double[] residual, int k)
        => LowerPercentile(rows.Select(i => y[i] - raw[i]).ToList(), 50);

    public override double Value(double[] y, double[] raw, double[] w)
    {
        double s = 0, ws = 0;
        for (int i = 0; i < y.Length; i++)
        {
            s += w[i] * Math.Abs(y[i] - raw[i]);
            ws += w[i];
        }
        return s / ws;
    }
}

/// <summary>Huber: init median; γ = the alpha-percentile of |y − F| (recomputed each stage); gradient y − F within γ
/// and γ·sign beyond; leaf = median m of the residuals plus the mean of sign(d − m)·min(|d − m|, γ).</summary>
internal sealed class HuberBoostLoss(double alpha) : BoostLoss
{
    private double _gamma = double.NaN;

    public override double[] Init(double[] y) => [Percentile(y, 50)];

    public override void NegativeGradient(double[] y, double[] raw, int k, double[] w, double[] residual)
    {
        var abs = new List<double>();
        for (int i = 0; i < y.Length; i++) if (w[i] > 0) abs.Add(Math.Abs(y[i] - raw[i]));
        _gamma = LowerPercentile(abs, alpha * 100);
        for (int i = 0; i < y.Length; i++)
        {
            double d = y[i] - raw[i];
            residual[i] = Math.Abs(d) <= _gamma ? d : _gamma * Math.Sign(d);
        }
    }

    public override double LeafValue(List<int> rows, double[] y, double[] raw, double[] residual, int k)
    {
        double[] diff = rows.Select(i => y[i] - raw[i]).ToArray();
        double median = LowerPercentile(diff.ToList(), 50);
        return median + diff.Average(d => Math.Sign(d - median) * Math.Min(Math.Abs(d - median), _gamma));
    }

    public override double Value(double[] y, double[] raw, double[] w)
    {
        double s = 0, ws = 0;
        for (int i = 0; i < y.Length; i++)
        {
            double d = Math.Abs(y[i] - raw[i]);
            s += w[i] * (d <= _gamma ? 0.5 * d * d : _gamma * (d - _gamma / 2));
            ws += w[i];
        }
        return s / ws;
    }
}

/// <summary>Binomial deviance for y ∈ {0, 1}: init log-odds of the prior (clipped to float32 ε), gradient y − σ(F),
/// leaf = one Newton step Σ r / Σ (y − r)(1 − y + r); value −2 mean(y F − log(1 + e^F)).</summary>
internal sealed class BinomialBoostLoss : BoostLoss
{
    public override double[] Init(double[] y)
    {
        double p = Math.Clamp(y.Average(), Float32Epsilon, 1 - Float32Epsilon);
        return [Math.Log(p / (1 - p))];
    }

    public override void NegativeGradient(double[] y, double[] raw, int k, double[] w, double[] residual)
    {
        for (int i = 0; i < y.Length; i++) residual[i] = y[i] - 1 / (1 + Math.Exp(-raw[i]));
    }

    public override double LeafValue(List<int> rows, double[] y, double[] raw, double[] residual, int k)
    {
        double num = 0, den = 0;
        foreach (int i in rows)
        {
            num += residual[i];
            den += (y[i] - residual[i]) * (1 - y[i] + residual[i]);
        }
        return Math.Abs(den) < 1e-150 ? 0 : num / den;
    }

    public override double Value(double[] y, double[] raw, double[] w)
    {
        double s = 0, ws = 0;
        for (int i = 0; i < y.Length; i++)
        {
            // log(1 + e^F) computed stably (numpy's logaddexp(0, F)).
            double softplus = raw[i] > 0 ? raw[i] + Math.Log(1 + Math.Exp(-raw[i])) : Math.Log(1 + Math.Exp(raw[i]));
            s += w[i] * (y[i] * raw[i] - softplus);
            ws += w[i];
        }
        return -2 * s / ws;
    }
}

/// <summary>Multinomial deviance over K classes (y holds class indices): K trees per stage, init log prior (clipped),
/// gradient 1[y = k] − softmax(F)_k, leaf = (K−1)/K · Σ r / Σ (1[y=k] − r)(1 − 1[y=k] + r); value mean(logsumexp F − F_y).</summary>
internal sealed class MultinomialBoostLoss(int k) : BoostLoss
{
    public override int Trees => k;

    public override double[] Init(double[] y)
    {
        var init = new double[k];
        foreach (double c in y) init[(int)c]++;
        for (int c = 0; c < k; c++) init[c] = Math.Log(Math.Clamp(init[c] / y.Length, Float32Epsilon, 1 - Float32Epsilon));
        return init;
    }

    public override void NegativeGradient(double[] y, double[] raw, int column, double[] w, double[] residual)
    {
        for (int i = 0; i < y.Length; i++)
        {
            double lse = LogSumExp(raw.AsSpan(i * k, k));
            residual[i] = ((int)y[i] == column ? 1 : 0) - Math.Exp(raw[i * k + column] - lse);
        }
    }

    public override double LeafValue(List<int> rows, double[] y, double[] raw, double[] residual, int column)
    {
        double num = 0, den = 0;
        foreach (int i in rows)
        {
            double yk = (int)y[i] == column ? 1 : 0;
            num += residual[i];
            den += (yk - residual[i]) * (1 - yk + residual[i]);
        }
        num *= (k - 1.0) / k;
        return Math.Abs(den) < 1e-150 ? 0 : num / den;
    }

    public override double Value(double[] y, double[] raw, double[] w)
    {
        double s = 0, ws = 0;
        for (int i = 0; i < y.Length; i++)
        {
            s += w[i] * (LogSumExp(raw.AsSpan(i * k, k)) - raw[i * k + (int)y[i]]);
            ws += w[i];
        }
        return s / ws;
    }

    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (double v in z) max = Math.Max(max, v);
        double s = 0;
        foreach (double v in z) s += Math.Exp(v - max);
        return max + Math.Log(s);
    }
}
