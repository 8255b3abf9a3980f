using Nabla.Models.Rlhf;
using Nabla.Optim;
using Xunit;

namespace Nabla.Models.Tests;

/// <summary>Reinforcement learning from human feedback: the reward model's pairwise loss, PPO's clipped surrogate
/// (hand-derived values and gradients), completion log-probabilities against the language-model loss, a reward
/// model learning a labeler's preference, and PPO raising a reward while the reference model stays put.</summary>
public sealed class RlhfTests
{
    private static readonly GptConfig Tiny = new(VocabSize: 5, BlockSize: 16, NLayer: 1, NHead: 2, NEmbd: 16);

    private static void Close(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-12);
    }

    [Fact]
    public void Pairwise_loss_is_Bradley_Terry_with_its_gradient()
    {
        // L = ½[softplus(1 − 2) + softplus(0 − 0)] = ½[ln(1 + e⁻¹) + ln 2] = ½[0.3132616875 + 0.6931471806].
        // ∂L/∂chosenᵢ = −σ(rejectedᵢ − chosenᵢ) / 2 = [−σ(−1)/2, −σ(0)/2] = [−0.1344707, −0.25]; rejected: the negation.
        Tensor chosen = Tensor.FromArray(new double[] { 2, 0 }).RequireGrad();
        Tensor rejected = Tensor.FromArray(new double[] { 1, 0 }).RequireGrad();
        Tensor loss = RewardModel.PairwiseLoss(chosen, rejected);
        Assert.Equal(0.5 * (Math.Log(1 + Math.Exp(-1)) + Math.Log(2)), loss.Item<double>(), 1e-12);
        loss.Backward();
        double s = 1 / (1 + Math.Exp(1));
        Close(new[] { -s / 2, -0.25 }, chosen.Grad!.ToArray<double>());
        Close(new[] { s / 2, 0.25 }, rejected.Grad!.ToArray<double>());
        Assert.Throws<ArgumentException>(() => RewardModel.PairwiseLoss(chosen, Tensor.Zeros([3], DType.Float64)));
    }

    [Fact]
    public void Clipped_surrogate_takes_the_pessimistic_branch_per_token()
    {
        // ε = 0.2; tokens with ratio ρ and advantage A:
        //   ρ = 1.5, A = +1: min(1.5, 1.2) = 1.2, clipped → no gradient
        //   ρ = 1.5, A = −1: min(−1.5, −1.2) = −1.5 → ∂/∂log π = A·ρ = −1.5
        //   ρ = 0.5, A = +1: min(0.5, 0.8) = 0.5 → A·ρ = 0.5
        //   ρ = 0.5, A = −1: min(−0.5, −0.8) = −0.8, clipped → no gradient
        // L = −mean(1.2, −1.5, 0.5, −0.8) = 0.15; ∂L/∂log π = −¼·(0, −1.5, 0.5, 0) = (0, 0.375, −0.125, 0).
        Tensor old = Tensor.FromArray(new double[,] { { -1, -1 }, { -2, -2 } });
        Tensor logProbs = (old + Tensor.FromArray(new double[,] { { Math.Log(1.5), Math.Log(1.5) }, { Math.Log(0.5), Math.Log(0.5) } })).Detach().RequireGrad();
        Tensor advantages = Tensor.FromArray(new double[,] { { 1, -1 }, { 1, -1 } });
        Tensor loss = PpoTrainer.ClippedSurrogateLoss(logProbs, old, advantages, 0.2);
        Assert.Equal(0.15, loss.Item<double>(), 1e-12);
        loss.Backward();
        Close(new[] { 0, 0.375, -0.125, 0 }, logProbs.Grad!.ToArray<double>());
    }

    [Fact]
    public void Completion_log_probabilities_average_to_minus_the_language_model_loss()
    {
        // With a one-token prompt every later token is "completion", so −mean(log π) is Gpt.Loss on the same tokens.
        var model = new Gpt(Tiny, new Generator(1));
        Tensor seq = Tensor.RandInt(0, Tiny.VocabSize, [3, 9], new Generator(2));
        Tensor logProbs = PpoTrainer.TokenLogProbs(model, seq, 1);
        Assert.Equal([3, 8], logProbs.Shape);
        double lm = model.Loss(seq.Narrow(1, 0, 8), seq.Narrow(1, 1, 8)).ItemAsDouble();
        Assert.Equal(lm, -logProbs.Mean().ItemAsDouble(), 1e-5);
        // A longer prompt keeps the last columns: the completion tokens' log-probabilities are the same numbers.
        Assert.Equal(logProbs.Narrow(1, 3, 5).ToArray<float>(), PpoTrainer.TokenLogProbs(model, seq, 4).ToArray<float>());
    }

    /// <summary>The stand-in for a person: prefers the sequence with more 0 tokens.</summary>
    private static int Zeros(int[] s) => s.Count(t => t == 0);

    [Fact]
    public void Reward_model_learns_the_labelers_preference()
    {
        var g = new Generator(3);
        (Tensor Chosen, Tensor Rejected) Pairs(int n)
        {
            var chosen = new List<long>();
            var rejected = new List<long>();
            while (chosen.Count < n * 10)
            {
                int[] a = [.. Tensor.RandInt(0, Tiny.VocabSize, [10], g).ToArray<long>().Select(v => (int)v)];
                int[] b = [.. Tensor.RandInt(0, Tiny.VocabSize, [10], g).ToArray<long>().Select(v => (int)v)];
                if (Zeros(a) == Zeros(b)) continue;
                (int[] win, int[] lose) = Zeros(a) > Zeros(b) ? (a, b) : (b, a);
                chosen.AddRange(win.Select(v => (long)v));
                rejected.AddRange(lose.Select(v => (long)v));
            }
            return (Tensor.FromArray([.. chosen]).Reshape(n, 10), Tensor.FromArray([.. rejected]).Reshape(n, 10));
        }
        var model = new RewardModel(Tiny, new Generator(4));
        var opt = new Adam(model.Parameters(), lr: 3e-3);
        (Tensor trainChosen, Tensor trainRejected) = Pairs(256);
        (Tensor testChosen, Tensor testRejected) = Pairs(200);
        for (int step = 0; step < 150; step++)
        {
            int start = step * 32 % 256;
            Tensor loss = RewardModel.PairwiseLoss(model.Forward(trainChosen.Narrow(0, start, 32)), model.Forward(trainRejected.Narrow(0, start, 32)));
            opt.ZeroGrad();
            loss.Backward();
            opt.Step();
        }
        using var noGrad = GradMode.Disable();
        double accuracy = model.Forward(testChosen).Gt(model.Forward(testRejected)).To(DType.Float64).Mean().ItemAsDouble();
        // Chance is 0.5; counting one token is easy for attention: seeds 3/4 reach 0.995 (0.9 leaves room).
        Assert.True(accuracy > 0.9, $"held-out preference accuracy {accuracy:F3}");
    }

    [Fact]
    public void Ppo_raises_the_reward_and_leaves_the_reference_alone()
    {
        var reference = new Gpt(Tiny, new Generator(5));
        float[] referenceBefore = reference.Wte.Weight.ToArray<float>();
        int[] prompt = [1, 2];
        List<PpoStats> stats = Train(reference, klCoef: 0.01);
        double before = stats.Take(3).Average(s => s.MeanReward), after = stats.TakeLast(3).Average(s => s.MeanReward);
        // Seeds 5/6: 0.30 → 1.00, every completion all zeros (the bounds leave room for sampling noise).
        Assert.InRange(before, 0.1, 0.35);
        Assert.True(after > 0.6, $"reward {before:F3} → {after:F3}");
        Assert.True(stats[^1].MeanKl > 0.1, $"KL {stats[^1].MeanKl}");
        Assert.All(stats, s => Assert.True(double.IsFinite(s.Loss) && s.ClipFraction is >= 0 and <= 1));
        Assert.Equal(referenceBefore, reference.Wte.Weight.ToArray<float>());
        Assert.All(stats[^1].Sequences, s => Assert.Equal(prompt, s.Take(2)));
    }

    /// <summary>30 PPO steps from a copy of <paramref name="reference"/> (seeds 5 and 6), rewarded by the share of
    /// 0 tokens in 8-token completions of the prompt [1, 2] (a uniform policy scores 1/5).</summary>
    private static List<PpoStats> Train(Gpt reference, double klCoef)
    {
        var policy = new Gpt(Tiny, new Generator(5));
        double[] Reward(IReadOnlyList<int[]> seqs) => [.. seqs.Select(s => s.Skip(2).Count(t => t == 0) / 8.0)];
        var trainer = new PpoTrainer(policy, reference, Reward, new Adam(policy.Parameters(), lr: 1e-2),
                                     new PpoOptions(BatchSize: 16, NewTokens: 8, KlCoef: klCoef));
        var g = new Generator(6);
        return [.. Enumerable.Range(0, 30).Select(_ => trainer.Step([1, 2], g))];
    }

    [Fact]
    public void A_larger_KL_coefficient_keeps_the_policy_closer_to_the_reference()
    {
        var reference = new Gpt(Tiny, new Generator(5));
        double loose = Train(reference, klCoef: 0.01).TakeLast(3).Average(s => s.MeanKl);
        double tight = Train(reference, klCoef: 1.0).TakeLast(3).Average(s => s.MeanKl);
        // Seeds 5/6: 0.008 nats with β = 1 (the policy barely moves), 13.1 with β = 0.01 (every completion all zeros:
        // 8 tokens at log(1/0.2) each would be 12.9).
        Assert.True(tight < loose / 2, $"KL with β = 1: {tight:F3} nats, with β = 0.01: {loose:F3}");
    }

    [Fact]
    public void Ppo_refuses_bad_settings_and_rewards()
    {
        var policy = new Gpt(Tiny, new Generator(7));
        var opt = new Sgd(policy.Parameters(), lr: 0.1);
        Assert.Throws<ArgumentException>(() => new PpoTrainer(policy, policy, _ => [], opt, new PpoOptions(BatchSize: 1)));
        var trainer = new PpoTrainer(policy, policy, _ => [1.0], opt, new PpoOptions(BatchSize: 2, NewTokens: 4));
        Assert.Contains("2 finite values", Assert.Throws<ArgumentException>(() => trainer.Step([1], new Generator(0))).Message, StringComparison.Ordinal);
        Assert.Contains("block", Assert.Throws<ArgumentException>(() => new PpoTrainer(policy, policy, _ => [0.0, 0.0], opt, new PpoOptions(BatchSize: 2, NewTokens: 16)).Step([1, 2], new Generator(0))).Message, StringComparison.Ordinal);
    }
}
