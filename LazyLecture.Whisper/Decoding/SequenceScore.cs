namespace LazyLecture.Whisper.Decoding;

/// <summary>
/// A finished sequence's score as whisper_sequence_score: sum and mean log-probability of its tokens, and the
/// entropy of the token counts among its last 32 tokens (whisper.cpp's repetition test, in place of openai's
/// compression ratio).
/// </summary>
internal readonly record struct SequenceScore(double SumLogProbability, double AverageLogProbability, double Score, double Entropy)
{
    private const int EntropyWindow = 32;

    public static SequenceScore Of(ReadOnlySpan<SampledToken> tokens, float lengthPenalty)
    {
        if (tokens.IsEmpty)
        {
            return new SequenceScore(double.NegativeInfinity, double.NegativeInfinity, double.NegativeInfinity, 0);
        }

        double sum = 0;
        foreach (var token in tokens)
        {
            sum += token.LogProbability;
        }

        double penalty = tokens.Length;
        if (lengthPenalty > 0f)
        {
            penalty = Math.Pow((5.0 + penalty) / 6.0, lengthPenalty);
        }

        return new SequenceScore(sum, sum / tokens.Length, sum / penalty, CountEntropy(tokens[Math.Max(0, tokens.Length - EntropyWindow)..]));
    }

    private static double CountEntropy(ReadOnlySpan<SampledToken> tokens)
    {
        var counts = new Dictionary<int, int>(tokens.Length);
        foreach (var token in tokens)
        {
            counts[token.Id] = counts.GetValueOrDefault(token.Id) + 1;
        }

        double entropy = 0;
        foreach (var count in counts.Values)
        {
            var p = count / (double)tokens.Length;
            entropy -= p * Math.Log(p);
        }

        return entropy;
    }
}
