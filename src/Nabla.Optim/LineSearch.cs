namespace Nabla.Optim;

/// <summary>Step-size selection by line search for full-batch gradient descent. PyTorch has no direct counterpart
/// (<c>torch.optim.LBFGS</c> offers a strong-Wolfe search inside L-BFGS).</summary>
public static class LineSearch
{
    /// <summary>One gradient-descent step whose length is chosen by backtracking until the Armijo sufficient-decrease
    /// condition holds; the parameters are left at the accepted point.</summary>
    /// <param name="parameters">The parameters x, updated in place.</param>
    /// <param name="loss">Computes the full-batch loss f(x) (a one-element tensor) from the parameters' current values.</param>
    /// <param name="initialStep">t₀ &gt; 0, the first step tried.</param>
    /// <param name="c">Armijo constant c ∈ (0, 1) (default 1e-4, Nocedal and Wright's choice).</param>
    /// <param name="shrink">β ∈ (0, 1): the step is multiplied by β after each rejected trial (default 0.5).</param>
    /// <param name="maxTrials">Trials before giving up.</param>
    /// <returns>The accepted step t, or 0 when the gradient is zero or no trial was accepted (then the parameters are
    /// restored).</returns>
    /// <remarks>
    /// Nocedal and Wright, "Numerical Optimization" (2nd ed., 2006), Algorithm 3.1. With g = ∇f(x), computed once by
    /// calling <paramref name="loss"/> and <see cref="Tensor.Backward"/> (the parameters' gradients are reset first and
    /// hold g afterwards), the trials are t = t₀, βt₀, β²t₀, … and t is accepted at the first trial with
    /// <code>f(x − t·g) ≤ f(x) − c·t·‖g‖²</code>
    /// Because −g is a descent direction, such a t exists for smooth f, and each accepted step decreases f.
    /// Trial losses are evaluated with grad mode off.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">t₀ ≤ 0, c or β outside (0, 1), or <paramref name="maxTrials"/> &lt; 1.</exception>
    /// <exception cref="InvalidOperationException">The loss is not a one-element tensor.</exception>
    public static double Backtracking(IReadOnlyList<Parameter> parameters, Func<Tensor> loss, double initialStep = 1.0,
                                      double c = 1e-4, double shrink = 0.5, int maxTrials = 50)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(loss);
        if (!(initialStep > 0))
            throw new ArgumentOutOfRangeException(nameof(initialStep), initialStep, $"Backtracking: initial step must be positive, got {initialStep}.");
        if (!(c > 0 && c < 1))
            throw new ArgumentOutOfRangeException(nameof(c), c, $"Backtracking: Armijo constant c must be in (0, 1), got {c}.");
        if (!(shrink > 0 && shrink < 1))
            throw new ArgumentOutOfRangeException(nameof(shrink), shrink, $"Backtracking: shrink factor must be in (0, 1), got {shrink}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTrials, 1);

        foreach (Parameter p in parameters) p.Grad = null;
        Tensor f0Tensor;
        using (GradMode.Enable()) f0Tensor = loss();
        f0Tensor.Backward();
        double f0 = f0Tensor.ItemAsDouble();

        // x₀ and g in double, parameter by parameter; a parameter without a gradient has g = 0.
        double[][] x0 = new double[parameters.Count][], g = new double[parameters.Count][];
        double gg = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            Parameter p = parameters[i];
            x0[i] = p.Detach().To(DType.Float64).ToArray<double>();
            g[i] = p.Grad is null ? new double[x0[i].Length] : p.Grad.Detach().To(DType.Float64).ToArray<double>();
            foreach (double v in g[i]) gg += v * v;
        }
        if (gg == 0) return 0;

        double t = initialStep;
        for (int trial = 0; trial < maxTrials; trial++, t *= shrink)
        {
            Move(parameters, x0, g, t);
            double f;
            using (GradMode.Disable()) f = loss().ItemAsDouble();
            if (f <= f0 - c * t * gg) return t;   // Armijo: at least a fraction c of the decrease the linear model predicts
        }
        Move(parameters, x0, g, 0);
        return 0;
    }

    /// <summary>Sets x ← x₀ − t·g for every parameter.</summary>
    private static void Move(IReadOnlyList<Parameter> parameters, double[][] x0, double[][] g, double t)
    {
        using var noGrad = GradMode.Disable();
        for (int i = 0; i < parameters.Count; i++)
        {
            var x = new double[x0[i].Length];
            for (int j = 0; j < x.Length; j++) x[j] = x0[i][j] - t * g[i][j];
            parameters[i].CopyInPlace(Tensor.FromArray(x, parameters[i].Shape));
        }
    }
}
