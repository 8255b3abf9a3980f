using Xunit;
using Nabla.Learn.Svm;
using static Nabla.Learn.Tests.Golden;

namespace Nabla.Learn.Tests;

public class SvmTests
{
    private static (Tensor X, Tensor Y) Data(string name) => (EnsembleSvm.MatrixTensor($"{name}.x"), EnsembleSvm.LabelTensor($"{name}.y"));

    public static TheoryData<string, string> Cases() => new()
    {
        { "iris_rbf", "iris" }, { "iris_poly", "iris" }, { "cancer_linear", "cancer" }, { "cancer_rbf", "cancer" }, { "cancer_sigmoid", "cancer" },
    };

    private static Svc Make(string name, double tol) => name switch
    {
        "iris_rbf" => new Svc { Tol = tol },
        "iris_poly" => new Svc { Kernel = SvmKernel.Poly, Degree = 3, Gamma = SvmGamma.Auto, Coef0 = 1.0, C = 0.5, Tol = tol },
        "cancer_linear" => new Svc { Kernel = SvmKernel.Linear, C = 0.1, Tol = tol },
        "cancer_rbf" => new Svc { C = 2.0, Gamma = 0.02, Tol = tol },
        _ => new Svc { Kernel = SvmKernel.Sigmoid, Gamma = 0.01, Coef0 = -0.5, Tol = tol },
    };

    // At tol 1e-10 both solvers stop at the dual optimum: the support set is identical and the coefficients and
    // intercepts agree to the optimum's conditioning (1e-6 absolute on values of order C); decision values likewise.
    [Theory, MemberData(nameof(Cases))]
    public void Tight_tolerance_matches_sklearn_dual_solution(string name, string data)
    {
        (Tensor x, Tensor y) = Data(data);
        Svc svc = Make(name, 1e-10).Fit(x, y);
        string g = $"svc.{name}";
        Assert.Equal(EnsembleSvm.Longs($"{g}.support"), svc.Support.ToArray<long>());
        Assert.Equal(EnsembleSvm.Longs($"{g}.n_support"), svc.NSupport.ToArray<long>());
        AssertClose("dual_coef", EnsembleSvm.Flat($"{g}.dual_coef"), D(svc.DualCoef), 0, 1e-6);
        AssertClose("intercept", EnsembleSvm.Vector($"{g}.intercept"), D(svc.Intercept), 0, 1e-6);
        double[] decision = EnsembleSvm.Get($"{g}.decision")[0].ValueKind == System.Text.Json.JsonValueKind.Array ? EnsembleSvm.Flat($"{g}.decision") : EnsembleSvm.Vector($"{g}.decision");
        AssertClose("decision", decision, D(svc.DecisionFunction(x)), 0, 1e-6);
        Assert.Equal(EnsembleSvm.Longs($"{g}.predict"), svc.Predict(x).ToArray<long>());
        if (data == "iris")
        {
            Svc ovo = new Svc { Kernel = svc.Kernel, Degree = svc.Degree, Gamma = svc.Gamma, Coef0 = svc.Coef0, C = svc.C, Tol = 1e-10, DecisionFunctionShape = DecisionFunctionShape.Ovo }.Fit(x, y);
            AssertClose("decision_ovo", EnsembleSvm.Flat($"{g}.decision_ovo"), D(ovo.DecisionFunction(x)), 0, 1e-6);
        }
    }

    // At the default tol 1e-3 the solvers stop where the maximal KKT violation drops below 1e-3; they follow the same
    // working-set sequence (a port of libsvm's WSS2 and shrinking), so the stopping point is the same up to round-off:
    // decision values agree to 1e-6 and the support counts exactly.
    [Theory, MemberData(nameof(Cases))]
    public void Default_tolerance_follows_libsvm(string name, string data)
    {
        (Tensor x, Tensor y) = Data(data);
        Svc svc = Make(name, 1e-3).Fit(x, y);
        string g = $"svc.{name}";
        double[] decision = EnsembleSvm.Get($"{g}.default_decision")[0].ValueKind == System.Text.Json.JsonValueKind.Array ? EnsembleSvm.Flat($"{g}.default_decision") : EnsembleSvm.Vector($"{g}.default_decision");
        AssertClose("decision", decision, D(svc.DecisionFunction(x)), 0, 1e-6);
        Assert.Equal(EnsembleSvm.Longs($"{g}.default_n_support"), svc.NSupport.ToArray<long>());
    }

    // Probabilities come from Platt sigmoids fitted on 5-fold cross-validated decision values; the folds are random
    // (Nabla's generator vs libsvm's rand()), so the sigmoids differ by fold-to-fold variation: probabilities within
    // 0.1 (absolute) of scikit-learn's, and the most probable class agrees on at least 97 % of samples.
    [Theory]
    [InlineData("iris")]
    [InlineData("cancer")]
    public void Probabilities_are_close_to_sklearn(string data)
    {
        (Tensor x, Tensor y) = Data(data);
        Svc svc = new Svc { Probability = true, RandomState = 0 }.Fit(x, y);
        double[] p = D(svc.PredictProba(x)), expected = EnsembleSvm.Flat($"svc.{data}_proba.proba");
        AssertClose("proba", expected, p, 0, 0.1);
        int k = (int)svc.Classes.NumEl, n = p.Length / k, agree = 0;
        for (int i = 0; i < n; i++)
        {
            int a = Enumerable.Range(0, k).MaxBy(c => p[i * k + c]), b = Enumerable.Range(0, k).MaxBy(c => expected[i * k + c]);
            if (a == b) agree++;
        }
        Assert.True(agree >= 0.97 * n, $"argmax agrees on {agree}/{n}");
        for (int i = 0; i < n; i++) Assert.Equal(1.0, p.Skip(i * k).Take(k).Sum(), 12);
        // Same seed, same folds: reproducible.
        Assert.Equal(D(svc.ProbA), D(new Svc { Probability = true, RandomState = 0 }.Fit(x, y).ProbA));
    }

    [Fact]
    public void Platt_coupling_of_consistent_pairwise_probabilities_recovers_them()
    {
        // Pairwise r_ij = p_i / (p_i + p_j) from p = (0.5, 0.3, 0.2) make every term r_ji p_i − r_ij p_j zero, so the
        // coupling's minimiser is p itself (to its stopping tolerance 0.005/k on the optimality residual).
        double[] p = [0.5, 0.3, 0.2];
        var r = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) if (i != j) r[i, j] = p[i] / (p[i] + p[j]);
        AssertClose("coupled", p, Platt.Couple(r, 3), 0, 1e-3);
    }

    [Fact]
    public void Kernel_matrix_matches_the_naive_oracle_in_both_precisions()
    {
        (Tensor x, _) = Data("iris");
        double[] d = x.ToArray<double>();
        foreach (SvmKernel kind in Enum.GetValues<SvmKernel>())
        {
            var kernel = new KernelFunction(kind, 0.3, 2, 0.5);
            double[] norms = KernelFunction.Norms(d, 150, 4);
            (_, double[]? kd) = kernel.Matrix(d, norms, 150, d, norms, 150, 4);
            for (int i = 0; i < 150; i += 7)
                for (int j = 0; j < 150; j += 5)
                    Assert.Equal(kernel.Evaluate(d.AsSpan(i * 4, 4), d.AsSpan(j * 4, 4)), kd![i * 150 + j], 12);
        }
        // Large problems use a float32 GEMM (forced here on a small one): relative error within a few float32
        // epsilons of the float64 values, on 784 features like Fashion-MNIST's pixels.
        int n = 120, f = 784;
        var g = new Generator(3);
        double[] big = Enumerable.Range(0, n * f).Select(_ => g.NextDouble()).ToArray();
        var rbf = new KernelFunction(SvmKernel.Rbf, 1.0 / f, 3, 0);
        double[] bn = KernelFunction.Norms(big, n, f);
        (float[]? single, _) = rbf.Matrix(big, bn, n, big, bn, n, f, single: true);
        Assert.NotNull(single);
        for (int i = 0; i < n; i += 7)
            for (int j = 0; j < n; j += 5)
                Assert.Equal(rbf.Evaluate(big.AsSpan(i * f, f), big.AsSpan(j * f, f)), single![i * n + j], 1e-5);
        // The symmetric form (upper blocks mirrored) equals the general one.
        (_, double[]? sym) = rbf.SymmetricMatrix(big, bn, n, f);
        (_, double[]? full) = rbf.Matrix(big, bn, n, big, bn, n, f, single: false);
        AssertClose("symmetric", full!, sym!, 0, 1e-12);
    }

    [Fact]
    public void On_demand_rows_with_a_tiny_cache_give_the_precomputed_solution()
    {
        // The LRU cache holding only two rows forces recomputation of evicted rows; the solution must not change.
        (Tensor x, Tensor y) = Data("iris");
        double[] d = x.ToArray<double>();
        long[] labels = y.ToArray<long>();
        var kernel = new KernelFunction(SvmKernel.Rbf, 0.25, 3, 0);
        var precomputed = new KernelStore(kernel, d, 150, 4);
        var onDemand = new KernelStore(kernel, d, 150, 4, precompute: false);
        Assert.True(precomputed.Precomputed);
        Assert.False(onDemand.Precomputed);
        // Classes 1 and 2 of iris overlap, so many multipliers are free and bounded: a real workout for the solver.
        int[] idx = Enumerable.Range(50, 100).ToArray();
        sbyte[] sign = idx.Select(i => labels[i] == 1 ? (sbyte)1 : (sbyte)-1).ToArray();
        var a = new SmoSolver(new QMatrix(precomputed, idx, sign, 1 << 30), sign, 1, 1, 1e-3).Solve(-1, true);
        var b = new SmoSolver(new QMatrix(onDemand, idx, sign, 1), sign, 1, 1, 1e-3).Solve(-1, true);
        AssertClose("coef", a.Coef, b.Coef, 0, 1e-9);
        Assert.Equal(a.Rho, b.Rho, 9);
        // Without shrinking the stopping point differs (other working sets) but both are within tol of the optimum:
        // the KKT gap at tol 1e-3 moves the intercept by well under 1e-2.
        var c = new SmoSolver(new QMatrix(onDemand, idx, sign, 1), sign, 1, 1, 1e-3).Solve(-1, false);
        Assert.Equal(a.Rho, c.Rho, 2);
    }

    [Fact]
    public void Bad_hyper_parameters_and_single_class_throw()
    {
        (Tensor x, Tensor y) = Data("iris");
        Assert.Throws<ArgumentException>(() => new Svc { C = 0 }.Fit(x, y));
        Assert.Throws<ArgumentException>(() => new Svc { Gamma = -1.0 }.Fit(x, y));
        var ex = Assert.Throws<ArgumentException>(() => new Svc().Fit(x, Tensor.FromArray(new long[150])));
        Assert.Contains("class", ex.Message, StringComparison.Ordinal);
        var fitted = new Svc().Fit(x, y);
        Assert.Throws<InvalidOperationException>(() => fitted.PredictProba(x));
    }
}

public class LinearSvcTests
{
    // The squared-hinge primal is strictly convex, so its minimiser is unique; the golden is scikit-learn's solution
    // polished by BFGS to a gradient of 1e-10 (see tools/golden). Dual coordinate descent at Tol 1e-8 reaches it to
    // ~1e-6 on these standardised sets; decision values likewise.
    [Theory]
    [InlineData("cancer")]
    [InlineData("iris")]
    public void Matches_the_unique_primal_optimum(string data)
    {
        Tensor x = EnsembleSvm.MatrixTensor($"{data}.x"), y = EnsembleSvm.LabelTensor($"{data}.y");
        var svc = new LinearSvc { C = EnsembleSvm.Scalar($"linear_svc.{data}.C"), Tol = 1e-8, MaxIter = 100_000, RandomState = 0 }.Fit(x, y);
        AssertClose("coef", EnsembleSvm.Flat($"linear_svc.{data}.coef"), D(svc.Coef), 0, 1e-5);
        AssertClose("intercept", EnsembleSvm.Vector($"linear_svc.{data}.intercept"), D(svc.Intercept), 0, 1e-5);
        double[] decision = EnsembleSvm.Flat($"linear_svc.{data}.decision");
        AssertClose("decision", decision, D(svc.DecisionFunction(x)), 0, 1e-4);
        Assert.Equal(EnsembleSvm.Longs($"linear_svc.{data}.predict"), svc.Predict(x).ToArray<long>());
    }

    [Fact]
    public void Hinge_loss_separates_a_separable_set_with_margin_one()
    {
        // Points ±(2, 0) and ±(2, 1) labelled by the sign of the first coordinate: with a large C the hinge solution is
        // the maximum-margin separator; by symmetry b = 0 and w = (w₁, 0) with the closest points on the margin,
        // w₁·2 = 1 → w₁ = 0.5 (the intercept is regularised too, which keeps it at 0 by the same symmetry).
        var x = Tensor.FromArray(new double[] { 2, 0, 2, 1, -2, 0, -2, 1 }, 4, 2);
        var y = Tensor.FromArray(new long[] { 1, 1, 0, 0 });
        var svc = new LinearSvc { Loss = LinearSvcLoss.Hinge, C = 100, Tol = 1e-10, MaxIter = 100_000, RandomState = 0 }.Fit(x, y);
        AssertClose("coef", [0.5, 0], D(svc.Coef), 0, 1e-6);
        AssertClose("intercept", [0], D(svc.Intercept), 0, 1e-6);
    }
}
