using System.Runtime.CompilerServices;

namespace LazyLecture.Whisper.Decoding;

/// <summary>Preallocated per-step buffers: filtered logits, their log-softmax and probabilities (length n_vocab).</summary>
internal sealed class TokenDistribution(int vocabularySize)
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

    /// <summary>
    /// log_softmax over the finite logits (whisper_compute_logprobs), vectorised; suppressed (-inf) logits stay -inf.
    /// <paramref name="scratch"/> receives exp(logit - max) and may alias nothing else.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot per token: skip the unoptimised first tier
    public static void ComputeLogProbabilities(ReadOnlySpan<float> logits, Span<float> logProbabilities, Span<float> scratch)
    {
        var max = DistributionMath.Max(logits);
        var sum = DistributionMath.ExpShiftedSum(logits, max, scratch); // exp(-inf) = 0: suppressed tokens drop out
        DistributionMath.Subtract(logits, MathF.Log(sum) + max, logProbabilities);
    }

    /// <summary>Probabilities from log-probabilities; zero where the logit was suppressed (whisper_compute_probs).</summary>
    public static void ComputeProbabilities(ReadOnlySpan<float> logProbabilities, Span<float> probabilities) =>
        DistributionMath.Exp(logProbabilities, probabilities);
}
