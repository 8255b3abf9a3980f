using Nabla.Models.Text;
using Nabla.Optim;

namespace Nabla.Models.Rlhf;

/// <summary>Settings of <see cref="PpoTrainer"/>. Defaults follow InstructGPT/TRL's PPO where they apply.</summary>
/// <param name="BatchSize">Completions sampled per step.</param>
/// <param name="NewTokens">Tokens generated per completion.</param>
/// <param name="KlCoef">β: weight of the KL divergence to the reference model subtracted from the reward.</param>
/// <param name="ClipRange">ε of PPO's clipped probability ratio.</param>
/// <param name="Epochs">Optimizer steps taken on each batch of samples (PPO epochs, one minibatch each).</param>
/// <param name="MaxGradNorm">Gradient-norm clipping before each optimizer step.</param>
/// <param name="Temperature">Sampling temperature of the completions.</param>
public sealed record PpoOptions(int BatchSize = 16, int NewTokens = 32, double KlCoef = 0.05, double ClipRange = 0.2,
                                int Epochs = 4, double MaxGradNorm = 1.0, double Temperature = 1.0);

/// <summary>What one <see cref="PpoTrainer.Step"/> did.</summary>
/// <param name="MeanReward">Mean reward of the sampled completions (before the KL penalty).</param>
/// <param name="MeanKl">Mean over completions of Σₜ (log π(xₜ) − log π_ref(xₜ)): the sampled estimate of
/// KL(π ‖ π_ref) per completion, in nats.</param>
/// <param name="Loss">The clipped surrogate loss of the first epoch (the policy-gradient loss at the sampling policy).</param>
/// <param name="ClipFraction">Fraction of tokens whose ratio was clipped in the last epoch.</param>
/// <param name="Sequences">The sampled sequences (prompt + completion).</param>
public sealed record PpoStats(double MeanReward, double MeanKl, double Loss, double ClipFraction, int[][] Sequences);

/// <summary>
/// The reinforcement-learning stage of RLHF: samples completions of a prompt from the policy, scores them with a
/// reward (usually a <see cref="RewardModel"/> trained on human preferences), subtracts β times the KL divergence
/// from a frozen reference model (so the policy keeps its language while it chases the reward), and improves the
/// policy with PPO's clipped surrogate objective. PyTorch (TRL): <c>PPOTrainer</c>.
/// </summary>
/// <remarks>
/// <para>One step: sample B completions; r = reward − β·Σₜ(log π_old − log π_ref); advantage
/// A = (r − mean r) / (std r + 10⁻⁸) over the batch, the same for every token of a completion; then for each epoch
/// the loss −mean over tokens of min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A) with ρ = exp(log π − log π_old), clipped
/// gradients, an optimizer step. In the first epoch ρ = 1 and the gradient is the REINFORCE gradient
/// −mean(A·∇log π); the clip stops later epochs from moving a token's probability by more than a factor 1 ± ε in
/// the direction its advantage favours.</para>
/// <para>Unlike InstructGPT there is no learned value function: the batch mean is the baseline (as in RLOO and
/// GRPO), which needs no second network and suffices for short completions.</para>
/// </remarks>
public sealed class PpoTrainer
{
    private readonly Gpt _policy;
    private readonly Gpt _reference;
    private readonly Func<IReadOnlyList<int[]>, double[]> _reward;
    private readonly Optimizer _optimizer;

    /// <summary>A trainer for <paramref name="policy"/>.</summary>
    /// <param name="policy">The model being trained.</param>
    /// <param name="reference">The frozen model the KL penalty measures against (usually a copy of the policy
    /// before RLHF); never updated.</param>
    /// <param name="reward">Rewards of sampled sequences (prompt + completion), one per sequence, e.g. a
    /// <see cref="RewardModel"/>'s outputs.</param>
    /// <param name="optimizer">Updates the policy's parameters (PyTorch practice: Adam with a small learning rate).</param>
    /// <param name="options">Batch, lengths, β, ε, epochs; defaults when null.</param>
    /// <exception cref="ArgumentException">A setting is out of range, or the models' vocabularies differ.</exception>
    public PpoTrainer(Gpt policy, Gpt reference, Func<IReadOnlyList<int[]>, double[]> reward, Optimizer optimizer, PpoOptions? options = null)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _reference = reference ?? throw new ArgumentNullException(nameof(reference));
        _reward = reward ?? throw new ArgumentNullException(nameof(reward));
        _optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        Options = options ?? new PpoOptions();
        if (Options.BatchSize < 2 || Options.NewTokens < 1 || Options.Epochs < 1 || Options.KlCoef < 0 || Options.ClipRange <= 0 || Options.MaxGradNorm <= 0 || Options.Temperature <= 0)
            throw new ArgumentException($"PpoTrainer: needs BatchSize ≥ 2 (the baseline is the batch mean), NewTokens ≥ 1, Epochs ≥ 1, KlCoef ≥ 0 and positive ClipRange, MaxGradNorm and Temperature; got {Options}.", nameof(options));
        if (policy.Config.VocabSize != reference.Config.VocabSize)
            throw new ArgumentException($"PpoTrainer: the policy's vocabulary ({policy.Config.VocabSize}) and the reference's ({reference.Config.VocabSize}) differ.", nameof(reference));
    }

    /// <summary>The settings.</summary>
    public PpoOptions Options { get; }

    /// <summary>Samples a batch of completions of <paramref name="prompt"/>, scores them, and takes
    /// <see cref="PpoOptions.Epochs"/> PPO steps on them.</summary>
    /// <param name="prompt">Token ids the completions continue (at least one).</param>
    /// <param name="generator">The sampling's random source.</param>
    /// <exception cref="ArgumentException">The prompt and completion do not fit the block size, or the reward
    /// function returned the wrong number of values or a non-finite one.</exception>
    public PpoStats Step(IReadOnlyList<int> prompt, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(generator);
        int p = prompt.Count, b = Options.BatchSize;
        if (p < 1 || p + Options.NewTokens - 1 > _policy.Config.BlockSize)
            throw new ArgumentException($"PpoTrainer.Step: a prompt of {p} tokens plus {Options.NewTokens} new ones needs a block of at least {p + Options.NewTokens - 1}; the policy's is {_policy.Config.BlockSize}.", nameof(prompt));

        var sampling = new SamplingOptions(Options.Temperature);
        int[][] sequences = [.. Enumerable.Range(0, b).Select(_ => _policy.Generate(prompt, Options.NewTokens, sampling, generator))];
        double[] rewards = _reward(sequences);
        if (rewards is null || rewards.Length != b || rewards.Any(r => !double.IsFinite(r)))
            throw new ArgumentException($"PpoTrainer.Step: the reward function must return {b} finite values, got {(rewards is null ? "null" : string.Join(", ", rewards))}.");

        Tensor ids = TokenBatch.FromSequences(sequences);
        Tensor oldLogProbs, klPerSequence;
        using (GradMode.Disable())
        {
            oldLogProbs = TokenLogProbs(_policy, ids, p);
            klPerSequence = (oldLogProbs - TokenLogProbs(_reference, ids, p)).Sum(1);
        }
        double[] kl = klPerSequence.To(DType.Float64).ToArray<double>();
        double[] shaped = [.. rewards.Select((r, i) => r - Options.KlCoef * kl[i])];
        double mean = shaped.Average();
        double std = Math.Sqrt(shaped.Sum(v => (v - mean) * (v - mean)) / (b - 1));
        Tensor advantages = Tensor.FromArray([.. shaped.Select(v => (float)((v - mean) / (std + 1e-8)))]).Reshape(b, 1);

        _policy.Train();
        double firstLoss = double.NaN, clipFraction = 0;
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            Tensor logProbs = TokenLogProbs(_policy, ids, p);
            Tensor loss = ClippedSurrogateLoss(logProbs, oldLogProbs, advantages, Options.ClipRange);
            if (epoch == 0) firstLoss = loss.ItemAsDouble();
            using (GradMode.Disable())
            {
                Tensor ratio = (logProbs.Detach() - oldLogProbs).Exp();
                clipFraction = (ratio.Lt(1 - Options.ClipRange).LogicalOr(ratio.Gt(1 + Options.ClipRange))).To(DType.Float64).Mean().ItemAsDouble();
            }
            _optimizer.ZeroGrad();
            loss.Backward();
            ClipGrad.ClipGradNorm(_policy.Parameters(), Options.MaxGradNorm);
            _optimizer.Step();
        }
        return new PpoStats(rewards.Average(), kl.Average(), firstLoss, clipFraction, sequences);
    }

    /// <summary>PPO's clipped surrogate loss: −mean of min(ρ·A, clip(ρ, 1 − ε, 1 + ε)·A) with
    /// ρ = exp(logProbs − oldLogProbs). Shapes: logProbs, oldLogProbs (B, L); advantages broadcastable to (B, L)
    /// → scalar. PyTorch (TRL): the policy-gradient term of <c>PPOTrainer.loss</c>.</summary>
    /// <param name="logProbs">log π(xₜ) under the policy being trained (with its graph).</param>
    /// <param name="oldLogProbs">log π_old(xₜ) under the policy that sampled the tokens (no graph).</param>
    /// <param name="advantages">A per completion (B, 1) or per token (B, L).</param>
    /// <param name="clipRange">ε.</param>
    public static Tensor ClippedSurrogateLoss(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, double clipRange)
    {
        ArgumentNullException.ThrowIfNull(logProbs);
        ArgumentNullException.ThrowIfNull(oldLogProbs);
        ArgumentNullException.ThrowIfNull(advantages);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clipRange);
        Tensor ratio = (logProbs - oldLogProbs).Exp();
        Tensor unclipped = ratio * advantages;
        Tensor clipped = ratio.Clamp(1 - clipRange, 1 + clipRange) * advantages;
        return -unclipped.Minimum(clipped).Mean();
    }

    /// <summary>log π(xₜ | x₍&lt;ₜ₎) of each completion token, for sequences whose first
    /// <paramref name="promptLength"/> tokens are the prompt. Shapes: (B, T) Int64 → (B, T − promptLength).</summary>
    /// <param name="model">The language model.</param>
    /// <param name="sequences">Prompt + completion token ids (B, T).</param>
    /// <param name="promptLength">Tokens of prompt at the start of every sequence (≥ 1).</param>
    /// <exception cref="ArgumentException">The prompt length is not in [1, T).</exception>
    public static Tensor TokenLogProbs(Gpt model, Tensor sequences, int promptLength)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sequences);
        int t = sequences.Size(1);
        if (promptLength < 1 || promptLength >= t)
            throw new ArgumentException($"PpoTrainer.TokenLogProbs: prompt length {promptLength} must be in [1, {t}) for sequences of {t} tokens.", nameof(promptLength));
        // Position i predicts token i + 1: the completion's tokens promptLength … T − 1 are predicted at
        // positions promptLength − 1 … T − 2.
        Tensor logits = model.Forward(sequences.Narrow(1, 0, t - 1)).Narrow(1, promptLength - 1, t - promptLength);
        Tensor targets = sequences.Narrow(1, promptLength, t - promptLength).Unsqueeze(-1);
        return logits.LogSoftmax(-1).Gather(2, targets).Squeeze(-1);
    }
}
