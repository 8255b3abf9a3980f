using Nabla.Models.Text;
using Nabla.Nn;

namespace Nabla.Models.Rlhf;

/// <summary>
/// The reward model of reinforcement learning from human feedback: a GPT trunk whose final hidden state at the last
/// token feeds a linear score, trained on pairs of sequences where a person (or a stand-in labeler) said which one
/// is better. Shapes: (B, T) Int64 → (B). PyTorch (TRL): <c>AutoModelForSequenceClassification(num_labels=1)</c>
/// trained by <c>RewardTrainer</c>.
/// </summary>
/// <remarks>State-dict keys: <c>transformer.*</c> (a <see cref="Gpt"/>, whose language-model head is not used) and
/// <c>score.weight</c>. The sequences of a batch have equal length (the score reads position T − 1).</remarks>
public sealed class RewardModel : Module<Tensor, Tensor>
{
    /// <summary>A reward model with a freshly initialised trunk and a zero score (every reward starts at 0).</summary>
    /// <param name="config">The trunk's configuration.</param>
    /// <param name="generator">Random source for the trunk's initial weights.</param>
    public RewardModel(GptConfig config, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Transformer = RegisterModule("transformer", new Gpt(config, generator));
        Score = RegisterModule("score", new Linear(config.NEmbd, 1, bias: false, generator: generator));
        Init.Zeros(Score.Weight);
    }

    /// <summary>The trunk.</summary>
    public Gpt Transformer { get; }

    /// <summary>The linear score on the last token's hidden state (NEmbd → 1, no bias).</summary>
    public Linear Score { get; }

    /// <summary>A reward model whose trunk starts as a copy of <paramref name="gpt"/>, as InstructGPT's reward model
    /// starts from the supervised model: it already knows the language it scores.</summary>
    /// <param name="gpt">The language model to copy.</param>
    public static RewardModel FromGpt(Gpt gpt)
    {
        ArgumentNullException.ThrowIfNull(gpt);
        var model = new RewardModel(gpt.Config);
        model.Transformer.LoadStateDict(gpt.StateDict());
        return model;
    }

    /// <summary>One reward per sequence. Shapes: (B, T) Int64 → (B).</summary>
    /// <param name="input">Token ids (B, T), T ≤ the trunk's block size.</param>
    public override Tensor Forward(Tensor input)
    {
        Tensor hidden = Transformer.Hidden(input);
        return Score.Forward(hidden.Select(1, hidden.Size(1) - 1)).Reshape(-1);
    }

    /// <summary>The rewards of equal-length token sequences, without a graph: the reward function a
    /// <see cref="PpoTrainer"/> takes. Shapes: B sequences of T ids → B values.</summary>
    /// <param name="sequences">Token ids, all of one length ≤ the block size.</param>
    public double[] Rewards(IReadOnlyList<int[]> sequences)
    {
        using var noGrad = GradMode.Disable();
        return Forward(TokenBatch.FromSequences(sequences)).To(DType.Float64).ToArray<double>();
    }

    /// <summary>The Bradley–Terry loss of preference pairs: mean of −log σ(r_chosen − r_rejected), computed as
    /// softplus(r_rejected − r_chosen) (exact for large differences). Its gradient pushes the preferred reward up
    /// and the other down by σ(r_rejected − r_chosen) / B each. Shapes: (B), (B) → scalar.
    /// PyTorch (TRL): <c>-F.logsigmoid(rewards_chosen - rewards_rejected).mean()</c>.</summary>
    /// <param name="chosen">Rewards of the preferred sequences.</param>
    /// <param name="rejected">Rewards of the other sequences.</param>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public static Tensor PairwiseLoss(Tensor chosen, Tensor rejected)
    {
        ArgumentNullException.ThrowIfNull(chosen);
        ArgumentNullException.ThrowIfNull(rejected);
        if (!chosen.Shape.SequenceEqual(rejected.Shape))
            throw new ArgumentException($"RewardModel.PairwiseLoss: chosen ({string.Join(", ", chosen.Shape)}) and rejected ({string.Join(", ", rejected.Shape)}) rewards differ in shape.");
        return (rejected - chosen).Softplus().Mean();
    }
}
