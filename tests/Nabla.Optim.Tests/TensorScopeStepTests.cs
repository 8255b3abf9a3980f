using Xunit;

namespace Nabla.Optim.Tests;

/// <summary>An optimizer step inside a <see cref="TensorScope"/> (no graph recorded there, so the scope recycles
/// what the step makes): the state the first step creates must outlive the scope, and the steps must give the same
/// bits as without scopes.</summary>
public sealed class TensorScopeStepTests
{
    private static Parameter Param(int n, double start)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++) v[i] = start + 0.1 * i;
        return new Parameter(Tensor.FromArray(v));
    }

    /// <summary>Gradient of step k for a parameter of n elements: sin(k + i), deterministic and of mixed sign.</summary>
    private static Tensor Gradient(int n, int k)
    {
        var g = new double[n];
        for (int i = 0; i < n; i++) g[i] = Math.Sin(k + i);
        return Tensor.FromArray(g);
    }

    private static double[][] Run(string name, bool scoped)
    {
        Parameter w = Param(12, -0.5), b = Param(3, 0.2);
        Optimizer opt = OptimizerCases.All[name](w, b);
        for (int k = 0; k < 4; k++)
        {
            w.Grad = Gradient(12, k);
            b.Grad = Gradient(3, 7 * k);
            if (scoped)
            {
                using (TensorScope.Begin()) opt.Step();
            }
            else
            {
                opt.Step();
            }
        }
        return [w.ToArray<double>(), b.ToArray<double>()];
    }

    [Theory]
    [MemberData(nameof(OptimizerCases.Names), MemberType = typeof(OptimizerCases))]
    public void Steps_in_scopes_keep_the_state_and_match_steps_without(string name)
        => Assert.Equal(Run(name, scoped: false), Run(name, scoped: true));
}
