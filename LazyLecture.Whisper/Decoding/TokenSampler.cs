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

    /// <summary>A token drawn in proportion to its probability.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot per token at temperatures above zero
    public static SampledToken Draw(TokenDistribution distribution, int timestampBegin, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var probabilities = distribution.Probabilities;
        var total = (double)DistributionMath.Sum(probabilities);
        var id = DistributionMath.IndexOfCumulative(probabilities, random.NextDouble() * total);
        return Complete(distribution, timestampBegin, id);
    }

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
