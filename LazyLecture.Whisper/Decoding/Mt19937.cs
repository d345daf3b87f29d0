namespace LazyLecture.Whisper.Decoding;

/// <summary>
/// The 32-bit Mersenne Twister (C++'s std::mt19937) with libstdc++'s uniform double: whisper.cpp gives decoder j an
/// mt19937 seeded with j and samples tokens with std::discrete_distribution over it, so an engine that draws from the
/// same stream picks the same tokens wherever its probabilities match (best-of at fallback temperatures, beam search).
/// </summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    private readonly uint[] _state = new uint[N];
    private int _index;

    public Mt19937(uint seed)
    {
        _state[0] = seed;
        for (var i = 1; i < N; i++)
        {
            _state[i] = unchecked(1812433253u * (_state[i - 1] ^ (_state[i - 1] >> 30)) + (uint)i);
        }

        _index = N;
    }

    /// <summary>The next 32-bit output (operator() of std::mt19937).</summary>
    public uint Next()
    {
        if (_index >= N)
        {
            Twist();
        }

        var y = _state[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>
    /// A double in [0, 1) as libstdc++'s generate_canonical&lt;double, 53&gt; makes it from two outputs (the first one the
    /// low word), which std::discrete_distribution compares with its cumulative probabilities.
    /// </summary>
    public double NextCanonical()
    {
        const double range = 4294967296.0; // 2^32: the engine's max - min + 1
        double sum = Next();
        sum += Next() * range;
        var value = sum / (range * range);
        return value >= 1.0 ? Math.BitDecrement(1.0) : value;
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (_state[i] & UpperMask) | (_state[(i + 1) % N] & LowerMask);
            var next = _state[(i + M) % N] ^ (y >> 1);
            _state[i] = (y & 1) != 0 ? next ^ MatrixA : next;
        }

        _index = 0;
    }
}
