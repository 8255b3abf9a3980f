using Nabla.Models.Text;
using Nabla.Nn;

namespace Nabla.Models;

/// <summary>Causal multi-head self-attention with one fused Q/K/V projection, as nanoGPT's
/// <c>CausalSelfAttention</c>: parameters <c>c_attn</c> (C → 3C) and <c>c_proj</c> (C → C).</summary>
/// <remarks>Shapes: (B, T, C) → (B, T, C). Each head h takes its slice of width C / NHead of Q, K, V and computes
/// softmax(Q·Kᵀ/√hd + causal −∞ mask)·V; the heads are concatenated and projected by c_proj.</remarks>
public sealed class CausalSelfAttention : Module<Tensor, Tensor>
{
    private readonly int _nHead, _nEmbd;

    /// <summary>A layer of the given size.</summary>
    /// <param name="config">The model's size.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public CausalSelfAttention(GptConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _nHead = config.NHead;
        _nEmbd = config.NEmbd;
        CAttn = RegisterModule("c_attn", new Linear(config.NEmbd, 3 * config.NEmbd, generator: generator));
        CProj = RegisterModule("c_proj", new Linear(config.NEmbd, config.NEmbd, generator: generator));
    }

    /// <summary>The fused Q/K/V projection, C → 3C. nanoGPT: <c>c_attn</c>.</summary>
    public Linear CAttn { get; }

    /// <summary>The output projection, C → C. nanoGPT: <c>c_proj</c>.</summary>
    public Linear CProj { get; }

    /// <summary>Attention over the whole input with the causal mask. Shapes: (B, T, C) → (B, T, C).</summary>
    /// <param name="input">(B, T, C).</param>
    public override Tensor Forward(Tensor input) => Forward(input, null, 0);

    /// <summary>Attention of the input tokens over the cached tokens and themselves: token i of the input sits at
    /// position cache.Length + i and may attend positions ≤ its own. Shapes: (B, T, C) → (B, T, C).</summary>
    internal Tensor Forward(Tensor input, KvCache? cache, int layer)
    {
        ArgumentNullException.ThrowIfNull(input);
        int b = input.Size(0), t = input.Size(1), hd = _nEmbd / _nHead;
        // With gradients, Q, K and V are projected separately (see Project); without, one c_attn GEMM split into
        // views is cheaper (a decoding step is dominated by per-op overhead, and nothing flows back).
        // Without a cache the projections are intermediates (a cache keeps K and V).
        Tensor[] qkv = GradMode.IsEnabled
            ? [Intermediate(Project(input, 0), cache), Intermediate(Project(input, 1), cache), Intermediate(Project(input, 2), cache)]
            : CAttn.Forward(input).Split(_nEmbd, 2);
        // (B, T, C) → (B, T, H, hd) → (B, H, T, hd): heads become a batch dimension.
        Tensor q = qkv[0].View(b, t, _nHead, hd).Transpose(1, 2);
        Tensor k = qkv[1].View(b, t, _nHead, hd).Transpose(1, 2);
        Tensor v = qkv[2].View(b, t, _nHead, hd).Transpose(1, 2);
        Tensor y;
        if (cache is null || cache.Length == 0)
        {
            if (cache is not null) (k, v) = cache.Append(layer, k, v);
            y = Intermediate(Tensor.ScaledDotProductAttention(q, k, v, isCausal: true), cache);
        }
        else
        {
            int past = cache.Length;
            (k, v) = cache.Append(layer, k, v);
            y = Tensor.ScaledDotProductAttention(q, k, v, attnMask: t == 1 ? null : OffsetCausalMask(t, past));
        }
        return CProj.Forward(y.Transpose(1, 2).Contiguous().View(b, t, _nEmbd));
    }

    private static Tensor Intermediate(Tensor t, KvCache? cache) => cache is null ? t.ReleaseAfterBackward() : t;

    /// <summary>Part <paramref name="part"/> (0 = Q, 1 = K, 2 = V) of c_attn(x): x·W_partᵀ + b_part with the
    /// part's rows of c_attn's weight and bias. The same values as splitting c_attn(x) into three, but each part is
    /// its own contiguous (B, T, C) tensor: the gradients of Q, K and V then reach c_attn as three (C, C) weight
    /// slices and three (B, T, C) input gradients instead of three zero-padded (B, T, 3C) tensors summed.</summary>
    private Tensor Project(Tensor x, int part)
    {
        Tensor w = CAttn.Weight.Narrow(0, part * _nEmbd, _nEmbd);
        return Tensor.Linear(x, w, CAttn.Bias?.Narrow(0, part * _nEmbd, _nEmbd));
    }

    /// <summary>(T, past + T) Bool mask: query i (position past + i) may attend key j when j ≤ past + i.</summary>
    private static Tensor OffsetCausalMask(int t, int past)
    {
        int s = past + t;
        var m = new bool[t * s];
        for (int i = 0; i < t; i++)
            for (int j = 0; j <= past + i; j++) m[i * s + j] = true;
        return Tensor.FromArray(m, t, s);
    }
}

/// <summary>The feed-forward part of a block: Linear(C, 4C) → GELU (exact, erf) → Linear(4C, C). nanoGPT:
/// <c>MLP</c> with parameters <c>c_fc</c> and <c>c_proj</c>.</summary>
/// <remarks>Shapes: (*, C) → (*, C).</remarks>
public sealed class GptMlp : Module<Tensor, Tensor>
{
    /// <summary>A layer of the given size.</summary>
    /// <param name="config">The model's size.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public GptMlp(GptConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        CFc = RegisterModule("c_fc", new Linear(config.NEmbd, 4 * config.NEmbd, generator: generator));
        CProj = RegisterModule("c_proj", new Linear(4 * config.NEmbd, config.NEmbd, generator: generator));
    }

    /// <summary>The expansion C → 4C. nanoGPT: <c>c_fc</c>.</summary>
    public Linear CFc { get; }

    /// <summary>The projection 4C → C. nanoGPT: <c>c_proj</c>.</summary>
    public Linear CProj { get; }

    /// <summary>c_proj(GELU(c_fc(x))). Shapes: (*, C) → (*, C).</summary>
    /// <param name="input">(*, C).</param>
    /// <remarks>c_fc's output and the GELU are intermediates (<see cref="Tensor.ReleaseAfterBackward"/>): their
    /// storage is recycled once the backward has passed them.</remarks>
    public override Tensor Forward(Tensor input) => CProj.Forward(CFc.Forward(input).ReleaseAfterBackward().Gelu().ReleaseAfterBackward());
}

/// <summary>A pre-LayerNorm transformer block: x + attn(ln_1(x)), then + mlp(ln_2(x)). nanoGPT: <c>Block</c>.</summary>
/// <remarks>Shapes: (B, T, C) → (B, T, C).</remarks>
public sealed class GptBlock : Module<Tensor, Tensor>
{
    /// <summary>A block of the given size.</summary>
    /// <param name="config">The model's size.</param>
    /// <param name="generator">The random source of the initialisation.</param>
    public GptBlock(GptConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Ln1 = RegisterModule("ln_1", new LayerNorm(config.NEmbd));
        Attn = RegisterModule("attn", new CausalSelfAttention(config, generator));
        Ln2 = RegisterModule("ln_2", new LayerNorm(config.NEmbd));
        Mlp = RegisterModule("mlp", new GptMlp(config, generator));
    }

    /// <summary>LayerNorm before attention. nanoGPT: <c>ln_1</c>.</summary>
    public LayerNorm Ln1 { get; }

    /// <summary>The causal self-attention. nanoGPT: <c>attn</c>.</summary>
    public CausalSelfAttention Attn { get; }

    /// <summary>LayerNorm before the MLP. nanoGPT: <c>ln_2</c>.</summary>
    public LayerNorm Ln2 { get; }

    /// <summary>The feed-forward layer. nanoGPT: <c>mlp</c>.</summary>
    public GptMlp Mlp { get; }

    /// <summary>The block over a whole sequence. Shapes: (B, T, C) → (B, T, C).</summary>
    /// <param name="input">(B, T, C).</param>
    public override Tensor Forward(Tensor input) => Forward(input, null, 0);

    internal Tensor Forward(Tensor x, KvCache? cache, int layer)
    {
        // Everything but the returned sum is an intermediate whose storage the backward may recycle.
        x = (x + Attn.Forward(Ln1.Forward(x).ReleaseAfterBackward(), cache, layer).ReleaseAfterBackward()).ReleaseAfterBackward();
        return x + Mlp.Forward(Ln2.Forward(x).ReleaseAfterBackward()).ReleaseAfterBackward();
    }
}

/// <summary>A decoder-only transformer language model, nanoGPT-style as the W4 anchor: token embedding
/// <c>wte</c> + learned position embedding <c>wpe</c>, NLayer pre-LN blocks <c>h.i</c>, final LayerNorm
/// <c>ln_f</c> and an untied <c>lm_head</c> (C → V, no bias). nanoGPT: <c>GPT</c>.</summary>
/// <remarks>
/// <para>Shapes: token ids (B, T) Int64 with T ≤ BlockSize → logits (B, T, V).</para>
/// <para>Initialisation as nanoGPT: Linear and Embedding weights N(0, 0.02), biases 0, LayerNorm (1, 0); the
/// residual projections (<c>attn.c_proj</c>, <c>mlp.c_proj</c>) N(0, 0.02/√(2·NLayer)) so that the variance
/// the 2·NLayer residual additions contribute stays O(0.02²) whatever the depth.</para>
/// </remarks>
public sealed class Gpt : Module<Tensor, Tensor>
{
    /// <summary>Standard deviation of the initial weights (GPT-2's 0.02).</summary>
    public const double InitStd = 0.02;

    private readonly ModuleList _blocks;

    /// <summary>A freshly initialised model.</summary>
    /// <param name="config">The model's size.</param>
    /// <param name="generator">The random source of the initialisation (<see cref="Generator.Default"/> when null).</param>
    /// <exception cref="ArgumentException">The configuration is invalid.</exception>
    public Gpt(GptConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config;
        Wte = RegisterModule("wte", new Embedding(config.VocabSize, config.NEmbd, generator: generator));
        Wpe = RegisterModule("wpe", new Embedding(config.BlockSize, config.NEmbd, generator: generator));
        _blocks = RegisterModule("h", new ModuleList());
        for (int i = 0; i < config.NLayer; i++) _blocks.Add(new GptBlock(config, generator));
        LnF = RegisterModule("ln_f", new LayerNorm(config.NEmbd));
        LmHead = RegisterModule("lm_head", new Linear(config.NEmbd, config.VocabSize, bias: false, generator: generator));
        InitWeights(generator);
    }

    /// <summary>The model's size.</summary>
    public GptConfig Config { get; }

    /// <summary>Token embedding (V, C). nanoGPT: <c>wte</c>.</summary>
    public Embedding Wte { get; }

    /// <summary>Position embedding (BlockSize, C). nanoGPT: <c>wpe</c>.</summary>
    public Embedding Wpe { get; }

    /// <summary>The transformer blocks. nanoGPT: <c>h</c>.</summary>
    public IReadOnlyList<GptBlock> Blocks => Enumerable.Range(0, _blocks.Count).Select(i => (GptBlock)_blocks[i]).ToList();

    /// <summary>The final LayerNorm. nanoGPT: <c>ln_f</c>.</summary>
    public LayerNorm LnF { get; }

    /// <summary>The output projection C → V, no bias. nanoGPT: <c>lm_head</c>.</summary>
    public Linear LmHead { get; }

    private void InitWeights(Generator? generator)
    {
        foreach ((string name, Parameter p) in NamedParameters())
        {
            if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) Init.Normal(p, 0, InitStd / Math.Sqrt(2 * Config.NLayer), generator);
            else if (name.StartsWith("ln", StringComparison.Ordinal) || name.Contains(".ln_", StringComparison.Ordinal)) continue;
            else if (name.EndsWith(".bias", StringComparison.Ordinal)) Init.Zeros(p);
            else Init.Normal(p, 0, InitStd, generator);
        }
    }

    /// <summary>Logits of the next token at every position. Shapes: (B, T) Int64 → (B, T, V).</summary>
    /// <param name="input">Token ids (B, T), T ≤ BlockSize.</param>
    /// <exception cref="ArgumentException">The input is not (B, T) Int64 or T exceeds the block size.</exception>
    public override Tensor Forward(Tensor input) => Forward(input, null);

    /// <summary>Logits of the new tokens, using and extending a KV cache: the input's tokens sit at positions
    /// cache.Length … cache.Length + T − 1 and attend to the cached tokens. The logits are those the model gives
    /// at those positions for the whole sequence. Shapes: (B, T) Int64 → (B, T, V).</summary>
    /// <param name="input">Token ids (B, T).</param>
    /// <param name="cache">The cache (null: no cache, positions start at 0).</param>
    /// <exception cref="ArgumentException">The input is not (B, T) Int64, or the tokens would pass BlockSize.</exception>
    public Tensor Forward(Tensor input, KvCache? cache) => LmHead.Forward(Features(input, cache).ReleaseAfterBackward());

    /// <summary>The final hidden states (after the last layer norm), which the language-model head turns into
    /// logits: features for a head of one's own, such as <see cref="Rlhf.RewardModel"/>'s score. Shapes: (B, T)
    /// Int64 → (B, T, NEmbd). PyTorch (Hugging Face): <c>GPT2Model(input_ids).last_hidden_state</c>.</summary>
    /// <param name="input">Token ids (B, T), T ≤ BlockSize.</param>
    /// <exception cref="ArgumentException">The input is not (B, T) Int64 or T exceeds the block size.</exception>
    public Tensor Hidden(Tensor input) => Features(input, null);

    private Tensor Features(Tensor input, KvCache? cache)
    {
        ArgumentNullException.ThrowIfNull(input);
        int past = cache?.Length ?? 0;
        if (input.Dim != 2 || input.DType != DType.Int64)
            throw new ArgumentException($"Gpt: expects token ids (B, T) of Int64, got {input.DType} ({string.Join(", ", input.Shape)}).", nameof(input));
        int t = input.Size(1);
        if (past + t > Config.BlockSize)
            throw new ArgumentException($"Gpt: {past} cached + {t} new tokens exceed the block size {Config.BlockSize}.", nameof(input));
        // The residual stream and the final norm are intermediates: only the logits leave the model.
        Tensor x = (Wte.Forward(input).ReleaseAfterBackward() + Wpe.Forward(Tensor.Arange(past, past + t))).ReleaseAfterBackward();
        for (int i = 0; i < _blocks.Count; i++) x = ((GptBlock)_blocks[i]).Forward(x, cache, i).ReleaseAfterBackward();
        cache?.Advance(t);
        return LnF.Forward(x);
    }

    /// <summary>Mean cross-entropy of the next-token predictions. Shapes: input, targets (B, T) Int64 → scalar.</summary>
    /// <param name="input">Token ids (B, T).</param>
    /// <param name="targets">The next token at every position (B, T).</param>
    public Tensor Loss(Tensor input, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        Tensor logits = Forward(input).ReleaseAfterBackward();
        return Functional.CrossEntropy(logits.View(-1, Config.VocabSize), targets.Reshape(-1));
    }

    /// <summary>Continues a prompt by sampling one token at a time (no gradient). With the KV cache each step runs
    /// the model on the new token only; when the cache is full (BlockSize tokens) the last BlockSize/2 tokens are
    /// re-encoded into an empty cache, so the context then spans BlockSize/2 to BlockSize tokens. Without the cache
    /// each step re-runs the model on the last BlockSize tokens (the W4 anchor's loop).</summary>
    /// <param name="prompt">The prompt's token ids (at least one).</param>
    /// <param name="maxNewTokens">Tokens to generate.</param>
    /// <param name="options">Temperature, top-k, top-p.</param>
    /// <param name="generator">The random source.</param>
    /// <param name="useKvCache">Cache keys and values (default) or re-run the whole context each step.</param>
    /// <returns>The prompt followed by the generated tokens.</returns>
    /// <exception cref="ArgumentException">The prompt is empty or holds an id outside [0, VocabSize).</exception>
    public int[] Generate(IReadOnlyList<int> prompt, int maxNewTokens, SamplingOptions options, Generator generator, bool useKvCache = true)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (prompt.Count == 0) throw new ArgumentException("Gpt.Generate: the prompt is empty.", nameof(prompt));
        foreach (int id in prompt)
        {
            if ((uint)id >= (uint)Config.VocabSize)
                throw new ArgumentException($"Gpt.Generate: prompt token {id} is outside [0, {Config.VocabSize}).", nameof(prompt));
        }
        bool wasTraining = Training;
        Eval();
        var tokens = new List<int>(prompt);
        var cache = useKvCache ? new KvCache(Config) : null;
        try
        {
            using var noGrad = GradMode.Disable();
            int bs = Config.BlockSize;
            for (int step = 0; step < maxNewTokens; step++)
            {
                Tensor logits;
                if (cache is null) logits = Forward(Ids(tokens, Math.Max(0, tokens.Count - bs), tokens.Count));
                else if (cache.Length == 0 || cache.Length == bs)
                {
                    // (Re)fill: the whole prompt at first (cropped to the block), the last half block when full.
                    cache.Clear();
                    int keep = step == 0 ? Math.Min(tokens.Count, bs) : bs / 2;
                    logits = Forward(Ids(tokens, tokens.Count - keep, tokens.Count), cache);
                }
                else logits = Forward(Ids(tokens, tokens.Count - 1, tokens.Count), cache);
                float[] last = logits.Select(1, logits.Size(1) - 1).Reshape(-1).ToArray<float>();
                tokens.Add(Sampling.Sample(last, options, generator));
            }
        }
        finally
        {
            Train(wasTraining);
        }
        return [.. tokens];
    }

    private static Tensor Ids(List<int> tokens, int start, int end)
    {
        var ids = new long[end - start];
        for (int i = start; i < end; i++) ids[i - start] = tokens[i];
        return Tensor.FromArray(ids, 1, end - start);
    }
}
