using System.Runtime.CompilerServices;

namespace LazyLecture.Whisper.Decoding;

/// <summary>Picks the next token from a filtered distribution, as whisper.cpp's whisper_sample_token.</summary>
internal static class TokenSampler
{
    /// <summary>The most probable token (the first one on ties).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot per token: skip the unoptimised first tier
    public static SampledToken Best(TokenDistribution distribution, int timestampBegin)
    {
        // IndexOfMax returns the first maximum, as whisper.cpp's strict '<' scan
        var id = DistributionMath.IndexOfMax(distribution.Probabilities);
        return Complete(distribution, timestampBegin, Math.Max(0, id));
    }

    /// <summary>A token drawn in proportion to its probability (std::discrete_distribution over whisper.cpp's mt19937).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot per token at temperatures above zero
    public static SampledToken Draw(TokenDistribution distribution, int timestampBegin, Mt19937 random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var total = (double)DistributionMath.Sum(distribution.Probabilities);
        return Complete(distribution, timestampBegin, DrawId(distribution, total, random));
    }

    /// <summary>
    /// <paramref name="drawn"/>.Length tokens drawn one after another from the same distribution, as whisper.cpp's beam
    /// search takes its candidates (whisper_sample_token_topk samples them; it does not take the k most likely).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot per beam and step
    public static void DrawSeveral(TokenDistribution distribution, int timestampBegin, Mt19937 random, Span<SampledToken> drawn)
    {
        ArgumentNullException.ThrowIfNull(random);
        var total = (double)DistributionMath.Sum(distribution.Probabilities);
        for (var k = 0; k < drawn.Length; k++)
        {
            drawn[k] = Complete(distribution, timestampBegin, DrawId(distribution, total, random));
        }
    }

    // The first token whose cumulative probability reaches a uniform draw in [0, 1): std::discrete_distribution's lower_bound.
    private static int DrawId(TokenDistribution distribution, double total, Mt19937 random) =>
        DistributionMath.IndexOfCumulative(distribution.Probabilities, random.NextCanonical() * total);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot per token: skip the unoptimised first tier
    private static SampledToken Complete(TokenDistribution distribution, int timestampBegin, int id)
    {
        var probabilities = distribution.Probabilities;

        // the likeliest timestamp at this step: a text token's segment may start there
        var timestamps = probabilities.AsSpan(timestampBegin);
        var sum = (double)DistributionMath.Sum(timestamps);
        var first = DistributionMath.IndexOfMax(timestamps);
        double max = first >= 0 ? timestamps[first] : 0;

        // when no timestamp is possible the window start stands in (whisper.cpp would leave id 0 here)
        var timestampId = timestampBegin + Math.Max(0, first);

        var p = probabilities[id];
        var pt = (float)(max / (sum + 1e-10));
        if (id >= timestampBegin)
        {
            timestampId = id;
            pt = p;
        }

        return new SampledToken(id, timestampId, p, distribution.LogProbabilities[id], pt, (float)sum);
    }
}
