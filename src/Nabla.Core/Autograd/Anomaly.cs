namespace Nabla;

/// <summary>Anomaly detection: while enabled, the first op whose forward result or backward gradient holds a
/// NaN or ±∞ throws an exception naming the op. PyTorch: <c>torch.autograd.detect_anomaly</c>.</summary>
/// <remarks>Every recorded op scans its output, so this is for debugging, not for training runs.</remarks>
public static class Anomaly
{
    [ThreadStatic] private static bool t_enabled;

    /// <summary>True inside a <see cref="Detect"/> scope on this thread.</summary>
    public static bool IsEnabled => t_enabled;

    /// <summary>Turns detection on until the returned scope is disposed.</summary>
    public static Scope Detect() => new();

    /// <summary>Restores the previous setting when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly bool _previous;

        /// <summary>Enables detection.</summary>
        public Scope()
        {
            _previous = t_enabled;
            t_enabled = true;
        }

        /// <summary>Restores the setting in force when the scope was created.</summary>
        public void Dispose() => t_enabled = _previous;
    }

    internal static void Check(Tensor t, string op, string phase)
    {
        if (!t.DType.IsFloatingPoint()) return;
        double[] values = t.DType == DType.Float64 ? t.ToArray<double>() : Array.ConvertAll(t.ToArray<float>(), v => (double)v);
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i])) continue;
            throw new ArithmeticException(
                $"Anomaly: {op} {phase} produced {values[i]} at flat index {i} of a tensor of shape {t.ShapeString}.");
        }
    }
}
