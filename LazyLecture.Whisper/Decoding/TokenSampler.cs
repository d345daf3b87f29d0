namespace LazyLecture.Whisper.Decoding;

/// <summary>Picks the next token from a filtered distribution, as whisper.cpp's whisper_sample_token.</summary>
public static class TokenSampler
{
    /// <summary>The most probable token (the first one on ties).</summary>
    public static SampledToken Best(TokenDistribution distribution, int timestampBegin)
    {
        var probabilities = distribution.Probabilities;
        var id = 0;
        var p = 0f;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (p < probabilities[i])
            {
                id = i;
                p = probabilities[i];
            }
        }

        return Complete(distribution, timestampBegin, id);
    }

    /// <summary>A token drawn in proportion to its probability.</summary>
    public static SampledToken Draw(TokenDistribution distribution, int timestampBegin, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var probabilities = distribution.Probabilities;
        double total = 0;
        foreach (var p in probabilities)
        {
            total += p;
        }

        var target = random.NextDouble() * total;
        var id = 0;
        double cumulative = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if (probabilities[i] <= 0f)
            {
                continue;
            }

            id = i;
            cumulative += probabilities[i];
            if (cumulative > target)
            {
                break;
            }
        }

        return Complete(distribution, timestampBegin, id);
    }

    private static SampledToken Complete(TokenDistribution distribution, int timestampBegin, int id)
    {
        var probabilities = distribution.Probabilities;

        // the likeliest timestamp at this step: a text token's segment may start there
        double sum = 0;
        double max = 0;
        var timestampId = 0;
        for (var i = timestampBegin; i < probabilities.Length; i++)
        {
            sum += probabilities[i];
            if (max < probabilities[i])
            {
                max = probabilities[i];
                timestampId = i;
            }
        }

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
