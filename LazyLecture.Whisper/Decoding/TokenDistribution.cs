namespace LazyLecture.Whisper.Decoding;

/// <summary>Preallocated per-step buffers: filtered logits, their log-softmax and probabilities (length n_vocab).</summary>
public sealed class TokenDistribution(int vocabularySize)
{
    public float[] Logits { get; } = new float[vocabularySize];
    public float[] LogProbabilities { get; } = new float[vocabularySize];
    public float[] Probabilities { get; } = new float[vocabularySize];

    public int VocabularySize => Logits.Length;

    public void CopyFrom(TokenDistribution other)
    {
        other.Logits.CopyTo(Logits, 0);
        other.LogProbabilities.CopyTo(LogProbabilities, 0);
        other.Probabilities.CopyTo(Probabilities, 0);
    }

    /// <summary>log_softmax over the finite logits in single precision, as whisper_compute_logprobs.</summary>
    public static void ComputeLogProbabilities(ReadOnlySpan<float> logits, Span<float> logProbabilities)
    {
        var max = float.NegativeInfinity;
        foreach (var l in logits)
        {
            if (l > max)
            {
                max = l;
            }
        }

        var sum = 0f;
        foreach (var l in logits)
        {
            if (l > float.NegativeInfinity)
            {
                sum += MathF.Exp(l - max);
            }
        }

        var logSumExp = MathF.Log(sum) + max;
        for (var i = 0; i < logits.Length; i++)
        {
            logProbabilities[i] = logits[i] > float.NegativeInfinity ? logits[i] - logSumExp : float.NegativeInfinity;
        }
    }

    /// <summary>exp of the log-probabilities, zero where the logit was suppressed (whisper_compute_probs).</summary>
    public static void ComputeProbabilities(ReadOnlySpan<float> logits, ReadOnlySpan<float> logProbabilities, Span<float> probabilities)
    {
        for (var i = 0; i < logits.Length; i++)
        {
            probabilities[i] = float.IsNegativeInfinity(logits[i]) ? 0f : MathF.Exp(logProbabilities[i]);
        }
    }
}
