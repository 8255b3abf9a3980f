using Nabla.Samples.Sequence;
using Xunit;

namespace Nabla.Nn.Tests;

/// <summary>The four architectures of samples/Sequence, each trained briefly from a fixed seed (results are
/// deterministic: Nabla's kernels do not depend on timing). The thresholds sit below what these runs reach (measured:
/// 93.9 %, 100 %, 100 %, 93.4 %) and far above chance (50 %, 0.02 %, 0.0001 %, ~0 %).</summary>
public sealed class SequenceArchitectureTests
{
    [Fact]
    public void Many_to_one_classifies_digit_sums_with_packed_lengths()
        => Assert.True(SumThreshold.Run(steps: 100, batch: 16).Accuracy >= 0.92, "sum-threshold accuracy");

    [Fact]
    public void Many_to_many_tags_running_parity()
        => Assert.True(RunningParity.Run(steps: 100, batch: 16).Accuracy >= 0.98, "running-parity exact-tagging accuracy");

    [Fact]
    public void One_to_many_generates_progressions_from_a_vector()
        => Assert.True(Progression.Run(steps: 150, batch: 16).Accuracy >= 0.95, "progression exact-match accuracy");

    [Fact]
    public void Seq2seq_with_additive_attention_reverses_digit_strings()
        => Assert.True(Reverse.Run(steps: 150, batch: 16).Accuracy >= 0.9, "reversal exact-match accuracy");
}
