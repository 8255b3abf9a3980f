namespace Nabla;

/// <summary>A seedable pseudo-random number generator (xoshiro256**, seeded through SplitMix64).
/// PyTorch: <c>torch.Generator</c>.</summary>
/// <remarks>The numbers differ from PyTorch's Mersenne Twister; what matches is the contract: the same seed
/// gives the same tensors, on every machine. <see cref="Default"/> is what creation ops use when none is given.</remarks>
public sealed class Generator
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    /// <summary>A generator seeded with <paramref name="seed"/>.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public Generator(long seed = DefaultSeed) => ManualSeed(seed);

    /// <summary>The seed of <see cref="Default"/> at start-up (PyTorch's default seed is not fixed; ours is).</summary>
    public const long DefaultSeed = 0x5EED;

    /// <summary>The process-wide generator used when an op is not given one.</summary>
    public static Generator Default { get; } = new();

    /// <summary>The seed last set.</summary>
    public long InitialSeed { get; private set; }

    /// <summary>Resets the state from a seed. PyTorch: <c>generator.manual_seed(seed)</c>.</summary>
    /// <param name="seed">Any 64-bit value.</param>
    public Generator ManualSeed(long seed)
    {
        InitialSeed = seed;
        ulong x = (ulong)seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _spareNormal = null;
        return this;
    }

    /// <summary>The full state, for checkpoints. PyTorch: <c>generator.get_state()</c>.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3, _spareNormal is null ? 0UL : 1UL,
                                  BitConverter.DoubleToUInt64Bits(_spareNormal ?? 0)];

    /// <summary>Restores a state from <see cref="GetState"/>. PyTorch: <c>generator.set_state(state)</c>.</summary>
    /// <param name="state">Six values, as returned by <see cref="GetState"/>.</param>
    /// <exception cref="ArgumentException">The state does not have six values or is all zero.</exception>
    public void SetState(ulong[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != 6 || (state[0] | state[1] | state[2] | state[3]) == 0)
            throw new ArgumentException($"Generator.SetState: expected the 6 values of GetState(), got {state.Length}.", nameof(state));
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
        _spareNormal = state[4] != 0 ? BitConverter.UInt64BitsToDouble(state[5]) : null;
    }

    /// <summary>Uniform over all 64-bit values.</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="bound"/>), without modulo bias (Lemire's method).</summary>
    /// <param name="bound">Exclusive upper bound, at least 1.</param>
    public ulong NextBounded(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        ulong threshold = (0 - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            ulong high = Math.BigMul(r, bound, out ulong low);
            if (low >= threshold) return high;
        }
    }

    /// <summary>Standard normal N(0, 1), by the Box–Muller transform (two values per pair of uniforms).</summary>
    public double NextNormal()
    {
        if (_spareNormal is double spare)
        {
            _spareNormal = null;
            return spare;
        }
        double u1 = 1.0 - NextDouble();                    // (0, 1]: log(u1) is finite
        double u2 = NextDouble();
        double radius = Math.Sqrt(-2.0 * Math.Log(u1));
        (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
        _spareNormal = radius * sin;
        return radius * cos;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
