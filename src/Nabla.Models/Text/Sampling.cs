namespace Nabla.Models.Text;

/// <summary>How to pick the next token from a model's logits.</summary>
/// <param name="Temperature">Divides the logits before the softmax: &lt; 1 sharpens, &gt; 1 flattens; 0 means greedy
/// (always the most likely token).</param>
/// <param name="TopK">Keep only the k largest logits (ties with the k-th are kept), or null for all.</param>
/// <param name="TopP">Nucleus sampling: keep the most likely tokens, in decreasing order, until their probability
/// reaches p (the token that crosses p is kept), or null for all.</param>
public sealed record SamplingOptions(double Temperature = 1.0, int? TopK = null, double? TopP = null);

/// <summary>Temperature, top-k and top-p (nucleus) sampling, as Hugging Face's logits warpers
/// (<c>TemperatureLogitsWarper</c>, <c>TopKLogitsWarper</c>, <c>TopPLogitsWarper</c>) followed by
/// <c>torch.multinomial</c>.</summary>
public static class Sampling
{
    /// <summary>The distribution the next token is drawn from: softmax(logits / T) restricted to the top-k and then
    /// the top-p tokens, renormalised.</summary>
    /// <param name="logits">Scores of the V tokens.</param>
    /// <param name="options">Temperature, top-k, top-p.</param>
    /// <returns>V probabilities summing to 1 (in double precision).</returns>
    /// <exception cref="ArgumentException">An option is out of range or the logits are empty or not finite.</exception>
    public static double[] Probabilities(ReadOnlySpan<float> logits, SamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int v = logits.Length;
        if (v == 0) throw new ArgumentException("Sampling: the logits are empty.", nameof(logits));
        if (!(options.Temperature >= 0)) throw new ArgumentException($"Sampling: temperature {options.Temperature} must be ≥ 0.", nameof(options));
        if (options.TopK is int k0 && k0 < 1) throw new ArgumentException($"Sampling: top-k {k0} must be ≥ 1.", nameof(options));
        if (options.TopP is double p0 && !(p0 > 0 && p0 <= 1)) throw new ArgumentException($"Sampling: top-p {p0} must be in (0, 1].", nameof(options));
        var probs = new double[v];
        int argmax = 0;
        for (int i = 0; i < v; i++)
        {
            if (!float.IsFinite(logits[i]) && !float.IsNegativeInfinity(logits[i]))
                throw new ArgumentException($"Sampling: logit {i} is {logits[i]}.", nameof(logits));
            if (logits[i] > logits[argmax]) argmax = i;
        }
        if (options.Temperature == 0)
        {
            probs[argmax] = 1;
            return probs;
        }

        // Top-k: everything below the k-th largest logit is removed (−∞ before the softmax).
        double threshold = double.NegativeInfinity;
        if (options.TopK is int k && k < v)
        {
            float[] sorted = logits.ToArray();
            Array.Sort(sorted);
            threshold = sorted[v - k];
        }
        // Softmax of logits / T over the kept tokens, shifted by the max for stability.
        double max = logits[argmax], sum = 0;
        for (int i = 0; i < v; i++)
        {
            probs[i] = logits[i] >= threshold ? Math.Exp((logits[i] - max) / options.Temperature) : 0;
            sum += probs[i];
        }
        for (int i = 0; i < v; i++) probs[i] /= sum;

        if (options.TopP is double p && p < 1)
        {
            // Keep tokens in decreasing probability while the mass before them is below p.
            int[] order = Enumerable.Range(0, v).OrderByDescending(i => probs[i]).ThenBy(i => i).ToArray();
            double before = 0, kept = 0;
            var keep = new bool[v];
            foreach (int i in order)
            {
                if (before >= p) break;
                keep[i] = true;
                before += probs[i];
                kept += probs[i];
            }
            for (int i = 0; i < v; i++) probs[i] = keep[i] ? probs[i] / kept : 0;
        }
        return probs;
    }

    /// <summary>Draws a token: u = <see cref="Generator.NextDouble"/>, then the first token whose cumulative
    /// probability exceeds u (inverse CDF). Seeded generators give reproducible text.</summary>
    /// <param name="logits">Scores of the V tokens.</param>
    /// <param name="options">Temperature, top-k, top-p.</param>
    /// <param name="generator">The random source.</param>
    /// <returns>The token id.</returns>
    public static int Sample(ReadOnlySpan<float> logits, SamplingOptions options, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(generator);
        return Draw(Probabilities(logits, options), generator.NextDouble());
    }

    /// <summary>Inverse CDF: the first index whose cumulative probability exceeds u; the last token with non-zero
    /// probability if rounding leaves the total just below u.</summary>
    internal static int Draw(double[] probs, double u)
    {
        double c = 0;
        int last = 0;
        for (int i = 0; i < probs.Length; i++)
        {
            if (probs[i] == 0) continue;
            c += probs[i];
            last = i;
            if (u < c) return i;
        }
        return last;
    }
}
