using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>Registration, traversal, state dicts, modes, gradients, printing.</summary>
public sealed class ModuleTests
{
    /// <summary>A two-layer model written the way users write modules: fields set from Register* calls.</summary>
    private sealed class TwoLayer : Module<Tensor, Tensor>
    {
        private readonly Linear _fc1;
        private readonly Linear _fc2;

        public TwoLayer(Generator g)
        {
            _fc1 = RegisterModule("fc1", new Linear(3, 4, generator: g));
            _fc2 = RegisterModule("fc2", new Linear(4, 2, generator: g));
            RegisterBuffer("steps", Tensor.Zeros([], DType.Int64));
        }

        public override Tensor Forward(Tensor input) => _fc2.Forward(_fc1.Forward(input).Relu());
    }

    private static Sequential Mlp(Generator g) => new(new Linear(784, 256, generator: g), new Relu(), new Linear(256, 128, generator: g),
                                                      new Relu(), new Linear(128, 10, generator: g));

    [Fact]
    public void Parameter_names_shapes_and_counts_follow_pytorch()
    {
        Sequential model = Mlp(new Generator(1));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal([[256, 784], [256], [128, 256], [128], [10, 128], [10]], model.Parameters().Select(p => p.Shape));
        // 784·256 + 256 + 256·128 + 128 + 128·10 + 10 = 200,960 + 32,896 + 1,290.
        Assert.Equal(235_146, model.Parameters().Sum(p => p.NumEl));
        Assert.All(model.Parameters(), p => Assert.True(p.RequiresGrad));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], model.StateDict().Keys);
    }

    [Fact]
    public void Traversal_lists_children_modules_and_buffers_in_order()
    {
        var model = new TwoLayer(new Generator(2));
        Assert.Equal(["fc1", "fc2"], model.NamedChildren().Select(c => c.Name));
        Assert.Equal(2, model.Children().Count());
        Assert.Equal(["", "fc1", "fc2"], model.NamedModules().Select(m => m.Name));
        Assert.Equal(3, model.Modules().Count());
        Assert.Equal(["steps"], model.NamedBuffers().Select(b => b.Name));
        Assert.Single(model.Buffers());
        Assert.Empty(model.Parameters(recurse: false));
        // PyTorch's order: own parameters, own buffers, then children.
        Assert.Equal(["steps", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], model.StateDict().Keys);
    }

    [Fact]
    public void Shared_parameters_are_listed_once_but_keep_every_state_dict_key()
    {
        var shared = new Linear(2, 2, generator: new Generator(3));
        var model = new Sequential(shared, new Tanh(), shared);
        Assert.Equal(["0.weight", "0.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias"], model.StateDict().Keys);
        Assert.Equal(["", "0", "1"], model.NamedModules().Select(m => m.Name));
    }

    [Fact]
    public void Registration_rejects_bad_and_duplicate_names()
    {
        var m = new ModuleList();
        m.RegisterParameter("w", Tensor.Zeros(2));
        Assert.Contains("'w' is already registered", Assert.Throws<ArgumentException>(() => m.RegisterBuffer("w", Tensor.Zeros(2))).Message, StringComparison.Ordinal);
        Assert.Contains("must not contain '.'", Assert.Throws<ArgumentException>(() => m.RegisterModule("a.b", new Relu())).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => m.RegisterParameter("", Tensor.Zeros(2)));
        Assert.Throws<ArgumentException>(() => m.RegisterParameter("i", Tensor.Zeros([2], DType.Int64)));
        Assert.Throws<ArgumentException>(() => m.RegisterModule("self", m));
        var outer = new ModuleList(m);
        Assert.Contains("(a cycle)", Assert.Throws<ArgumentException>(() => m.RegisterModule("outer", outer)).Message, StringComparison.Ordinal);
        // A Parameter is registered as itself (so it can be shared); a plain tensor is wrapped around its storage.
        var p = new Parameter(Tensor.Ones(3));
        Assert.Same(p, m.RegisterParameter("p", p));
        Tensor raw = Tensor.Ones(2);
        Parameter wrapped = m.RegisterParameter("q", raw);
        using (GradMode.Disable()) wrapped.FillInPlace(5);
        Assert.Equal([5f, 5f], raw.ToArray<float>());
    }

    [Fact]
    public void State_dict_round_trips_into_a_fresh_model()
    {
        Sequential source = Mlp(new Generator(4)), target = Mlp(new Generator(5));
        Tensor x = Tensor.Randn([2, 784], new Generator(6));
        Assert.NotEqual(source.Forward(x).ToArray<float>(), target.Forward(x).ToArray<float>());
        LoadStateDictResult result = target.LoadStateDict(source.StateDict());
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
        Assert.Equal(source.Forward(x).ToArray<float>(), target.Forward(x).ToArray<float>());
        // The values were copied: changing the source afterwards leaves the target alone.
        using (GradMode.Disable()) ((Linear)source[0]).Weight.FillInPlace(0);
        Assert.NotEqual(0f, ((Linear)target[0]).Weight.ToArray<float>()[0]);
        // Loading keeps the parameters as trainable leaves.
        Assert.All(target.Parameters(), p => Assert.True(p.RequiresGrad && p.IsLeaf));
    }

    [Fact]
    public void Strict_loading_lists_missing_and_unexpected_keys_and_copies_nothing()
    {
        var model = new Sequential(new Linear(2, 3, generator: new Generator(7)));
        float[] before = ((Linear)model[0]).Weight.ToArray<float>();
        var state = new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros(3, 2), ["0.extra"] = Tensor.Zeros(1) };
        var e = Assert.Throws<InvalidOperationException>(() => model.LoadStateDict(state));
        Assert.Equal("Error(s) in loading state_dict for Sequential:\n\tUnexpected key(s) in state_dict: \"0.extra\".\n\tMissing key(s) in state_dict: \"0.bias\".", e.Message);
        Assert.Equal(before, ((Linear)model[0]).Weight.ToArray<float>());

        LoadStateDictResult result = model.LoadStateDict(state, strict: false);
        Assert.Equal(["0.bias"], result.MissingKeys);
        Assert.Equal(["0.extra"], result.UnexpectedKeys);
        Assert.All(((Linear)model[0]).Weight.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Shape_mismatches_fail_even_when_not_strict_and_name_both_shapes()
    {
        var model = new Sequential(new Linear(4, 4, generator: new Generator(8)));
        var state = new Dictionary<string, Tensor> { ["0.weight"] = Tensor.Zeros(3, 4), ["0.bias"] = Tensor.Zeros(4) };
        var e = Assert.Throws<InvalidOperationException>(() => model.LoadStateDict(state, strict: false));
        Assert.Equal("Error(s) in loading state_dict for Sequential:\n\tsize mismatch for 0.weight: copying a param with shape (3, 4) from checkpoint, the shape in current model is (4, 4).", e.Message);
    }

    [Fact]
    public void Loading_converts_dtypes_and_fills_buffers()
    {
        var model = new TwoLayer(new Generator(9));
        OrderedDictionary<string, Tensor> state = model.StateDict();
        var doubled = state.ToDictionary(kv => kv.Key, kv => kv.Value.DType == DType.Float32 ? kv.Value.To(DType.Float64) * 2.0 : kv.Value + 41L);
        model.LoadStateDict(doubled);
        Assert.Equal(41L, model.NamedBuffers().Single().Value.Item<long>());
        Assert.Equal(DType.Float32, model.Parameters().First().DType);
        Assert.Equal(doubled["fc1.weight"].To(DType.Float32).ToArray<float>(), model.Parameters().First().ToArray<float>());
    }

    [Fact]
    public void Non_persistent_buffers_stay_out_of_the_state_dict()
    {
        var m = new ModuleList();
        m.RegisterBuffer("kept", Tensor.Ones(1));
        m.RegisterBuffer("cache", Tensor.Ones(1), persistent: false);
        Assert.Equal(["kept", "cache"], m.NamedBuffers().Select(b => b.Name));
        Assert.Equal(["kept"], m.StateDict().Keys);
    }

    [Fact]
    public void Train_and_eval_propagate_to_every_module()
    {
        var drop = new Dropout(0.5, new Generator(10));
        var model = new Sequential(new Linear(2, 2, generator: new Generator(11)), new Sequential(drop));
        Assert.True(model.Modules().All(m => m.Training));
        Assert.Same(model, model.Eval());
        Assert.True(model.Modules().All(m => !m.Training));
        Tensor x = Tensor.Ones(100, 2);
        Assert.Equal(x.ToArray<float>(), drop.Forward(x).ToArray<float>());
        model.Train();
        Assert.True(drop.Training);
        Assert.Contains(0f, drop.Forward(x).ToArray<float>());
    }

    [Fact]
    public void ZeroGrad_clears_every_parameter_gradient()
    {
        var model = new TwoLayer(new Generator(12));
        model.Forward(Tensor.Randn([5, 3], new Generator(13))).Sum().Backward();
        Assert.All(model.Parameters(), p => Assert.NotNull(p.Grad));
        model.ZeroGrad();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Gradients_reach_every_parameter_through_nested_modules()
    {
        // y = w·x + b summed over a batch of 3 ones: dL/dw = Σ x = 3 per input, dL/db = 3.
        var lin = new Linear(2, 1, generator: new Generator(14));
        new Sequential(new Sequential(lin)).Forward(Tensor.Ones(3, 2)).Sum().Backward();
        Assert.Equal([3f, 3f], lin.Weight.Grad!.ToArray<float>());
        Assert.Equal([3f], lin.Bias!.Grad!.ToArray<float>());
    }

    [Fact]
    public void ToString_prints_like_pytorch_repr()
    {
        var model = new TwoLayer(new Generator(15));
        Assert.Equal(
            "TwoLayer(\n  (fc1): Linear(in_features=3, out_features=4, bias=True)\n  (fc2): Linear(in_features=4, out_features=2, bias=True)\n)",
            model.ToString());
        Assert.Equal("Sequential()", new Sequential().ToString());
        Assert.Equal("Perceptron(in_features=2, rule=Classic)", new Perceptron(2).ToString());
    }

    [Fact]
    public void Summary_tabulates_names_shapes_and_counts()
    {
        var model = new Sequential(new Linear(3, 4, generator: new Generator(16)), new Relu(), new Linear(4, 2, bias: false, generator: new Generator(17)));
        model.Parameters().Last().RequiresGrad = false;
        const string Expected =
            "Sequential\n" +
            "Parameter  Shape   Count\n" +
            "0.weight   (4, 3)     12\n" +
            "0.bias     (4)         4\n" +
            "2.weight   (2, 4)      8\n" +
            "Total parameters: 24 (trainable: 16)";
        Assert.Equal(Expected, model.Summary());
        Assert.EndsWith("Total parameters: 235,146 (trainable: 235,146)", Mlp(new Generator(18)).Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_module_is_usable_as_a_function()
    {
        Func<Tensor, Tensor> f = new Relu();
        Assert.Equal([0f, 2f], f(Tensor.FromArray([-1f, 2f])).ToArray<float>());
        Tensor[] mapped = new[] { Tensor.FromArray([-3f]) }.Select(new Tanh().AsFunc()).ToArray();
        Assert.Equal(MathF.Tanh(-3f), mapped[0].Item<float>(), 6);
    }
}
