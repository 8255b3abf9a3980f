namespace Nabla.Learn.Ensemble;

/// <summary>The random streams scikit-learn's tree splitter draws from, reproduced so that exact split ties break as
/// they do there: numpy's legacy <c>RandomState(seed)</c> (Mersenne Twister MT19937, Matsumoto and Nishimura 1998)
/// gives each tree a seed by <c>randint(0, RAND_R_MAX)</c>, and the splitter's <c>rand_r</c> (an xorshift) orders the
/// features it visits at each node.</summary>
/// <remarks>Only the order in which features are examined depends on these draws; a split that is strictly best is
/// found whatever the order. Matching it makes ties — equal improvements on different features, common when
/// residuals take few values (absolute error, the first stages of classification) — resolve identically.</remarks>
internal sealed class MersenneTwister
{
    private const int N = 624, M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    /// <summary>numpy's <c>mt19937_seed</c> (Knuth's initialisation, as MT19937's init_genrand).</summary>
    public MersenneTwister(uint seed)
    {
        _mt[0] = seed;
        for (int i = 1; i < N; i++) _mt[i] = 1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i;
        _index = N;
    }

    public uint NextUInt32()
    {
        if (_index >= N)
        {
            for (int i = 0; i < N; i++)
            {
                uint y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
                _mt[i] = _mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
            }
            _index = 0;
        }
        uint v = _mt[_index++];
        v ^= v >> 11;
        v ^= (v << 7) & 0x9d2c5680u;
        v ^= (v << 15) & 0xefc60000u;
        v ^= v >> 18;
        return v;
    }

    /// <summary>numpy's legacy <c>randint(0, 2³¹ − 1)</c>: masked rejection sampling on 31 bits.</summary>
    public uint NextTreeSeed()
    {
        uint v;
        do v = NextUInt32() & 0x7fffffffu;
        while (v > 0x7ffffffeu);
        return v;
    }
}

/// <summary>scikit-learn's <c>our_rand_r</c>/<c>rand_int</c> (sklearn/tree/_utils.pyx): a 32-bit xorshift.</summary>
internal struct SklearnRandR(uint seed)
{
    private uint _state = seed;

    /// <summary>low + r mod (high − low).</summary>
    public int Next(int low, int high)
    {
        if (_state == 0) _state = 1;
        _state ^= _state << 13;
        _state ^= _state >> 17;
        _state ^= _state << 5;
        uint r = _state % (0x7fffffffu + 1u);
        return low + (int)(r % (uint)(high - low));
    }
}
