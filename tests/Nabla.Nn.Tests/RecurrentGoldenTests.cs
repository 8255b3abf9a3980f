using System.Text.Json;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>RNN, LSTM, GRU and their cells against PyTorch 1.13 (tools/golden/rnn.py): the state dict loads under
/// PyTorch's names, and outputs, final states and the gradients of L = Σ v⊙output + Σ vh⊙h_n (+ Σ vc⊙c_n) with
/// respect to the input, the initial state and every parameter match.</summary>
public sealed class RecurrentGoldenTests
{
    private static readonly Lazy<JsonDocument> Doc = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "golden", "rnn.json"))));

    private static JsonElement Cases => Doc.Value.RootElement.GetProperty("cases");

    public static IEnumerable<object[]> Names => Cases.EnumerateObject().Select(p => new object[] { p.Name });

    private static Module Build(string kind, JsonElement config, DType dtype)
    {
        int I(string key, int fallback = 0) => config.TryGetProperty(key, out JsonElement e) ? e.GetInt32() : fallback;
        bool B(string key) => config.TryGetProperty(key, out JsonElement e) && e.GetBoolean();
        bool bias = !config.TryGetProperty("bias", out JsonElement be) || be.GetBoolean();
        Nonlinearity act = config.TryGetProperty("nonlinearity", out JsonElement ne) && ne.GetString() == "relu" ? Nonlinearity.Relu : Nonlinearity.Tanh;
        int input = I("input_size"), hidden = I("hidden_size"), layers = I("num_layers", 1);
        return kind switch
        {
            "RNN" => new Rnn(input, hidden, layers, act, bias, B("batch_first"), 0, B("bidirectional"), dtype),
            "LSTM" => new Lstm(input, hidden, layers, bias, B("batch_first"), 0, B("bidirectional"), dtype),
            "GRU" => new Gru(input, hidden, layers, bias, B("batch_first"), 0, B("bidirectional"), dtype),
            "RNNCell" => new RnnCell(input, hidden, bias, act, dtype),
            "LSTMCell" => new LstmCell(input, hidden, bias, dtype),
            _ => new GruCell(input, hidden, bias, dtype),
        };
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Outputs_states_and_gradients_match_pytorch(string name)
    {
        JsonElement c = Cases.GetProperty(name);
        string kind = c.GetProperty("kind").GetString()!;
        DType dtype = c.GetProperty("dtype").GetString() == "float32" ? DType.Float32 : DType.Float64;
        // float64: PyTorch and Nabla differ by summation order only (~1e-15 relative); float32: a few ulps per step
        // through T steps and two GEMMs each.
        (double atol, double rtol) = dtype == DType.Float64 ? (1e-12, 1e-10) : (2e-6, 1e-5);
        Module layer = Build(kind, c.GetProperty("config"), dtype);
        var state = c.GetProperty("state_dict").EnumerateObject().ToDictionary(p => p.Name, p => NnGolden.Tensor(p.Value));
        Assert.Equal(c.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!), layer.StateDict().Keys);
        layer.LoadStateDict(state);

        Tensor T(string key) => NnGolden.Tensor(c.GetProperty(key));
        Tensor? Opt(string key) => c.TryGetProperty(key, out JsonElement e) ? NnGolden.Tensor(e).RequireGrad() : null;
        Tensor x = T("input").RequireGrad();
        Tensor? h0 = Opt("h0"), c0 = Opt("c0");
        int[]? lengths = c.TryGetProperty("lengths", out JsonElement le) ? le.EnumerateArray().Select(v => v.GetInt32()).ToArray() : null;
        (Tensor y, Tensor? hn, Tensor? cn) = layer switch
        {
            Rnn r => Pair(r.Forward(x, h0, lengths)),
            Gru g => Pair(g.Forward(x, h0, lengths)),
            Lstm l => Triple(l.Forward(x, h0 is null ? null : (h0, c0!), lengths)),
            RnnCell rc => (rc.Forward(x, h0), null, null),
            GruCell gc => (gc.Forward(x, h0), null, null),
            LstmCell lc => CellTriple(lc.Forward(x, (h0!, c0!))),
            _ => throw new InvalidOperationException(kind),
        };
        TestUtil.AssertClose(name + " output", T("output"), y, atol, rtol);
        Tensor loss = (y * T("v")).Sum();
        if (hn is not null)
        {
            TestUtil.AssertClose(name + " h_n", T("hn"), hn, atol, rtol);
            loss = loss + (hn * T("vh")).Sum();
        }
        if (cn is not null)
        {
            TestUtil.AssertClose(name + " c_n", T("cn"), cn, atol, rtol);
            loss = loss + (cn * T("vc")).Sum();
        }
        loss.Backward();
        JsonElement grads = c.GetProperty("grads");
        TestUtil.AssertClose(name + " d/dinput", NnGolden.Tensor(grads.GetProperty("input")), x.Grad!, atol, rtol);
        if (h0 is not null) TestUtil.AssertClose(name + " d/dh0", NnGolden.Tensor(grads.GetProperty("h0")), h0.Grad!, atol, rtol);
        if (c0 is not null) TestUtil.AssertClose(name + " d/dc0", NnGolden.Tensor(grads.GetProperty("c0")), c0.Grad!, atol, rtol);
        foreach ((string pname, Parameter p) in layer.NamedParameters())
            TestUtil.AssertClose($"{name} d/d{pname}", NnGolden.Tensor(grads.GetProperty(pname)), p.Grad!, atol, rtol);
    }

    private static (Tensor, Tensor?, Tensor?) Pair((Tensor Output, Tensor HN) r) => (r.Output, r.HN, null);

    private static (Tensor, Tensor?, Tensor?) Triple((Tensor Output, (Tensor HN, Tensor CN) State) r) => (r.Output, r.State.HN, r.State.CN);

    private static (Tensor, Tensor?, Tensor?) CellTriple((Tensor H, Tensor C) r) => (r.H, null, r.C);
}
