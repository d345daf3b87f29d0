namespace LazyLecture.Whisper;

/// <summary>The text decoder for one job: cross-attention K/V of the current window and the self-attention KV cache.</summary>
public sealed class WhisperDecoderState : IDisposable
{
    public WhisperDecoderState(WhisperModel model, int threads)
    {
        _ = model;
        _ = threads;
    }

    /// <summary>Tokens held in the self-attention KV cache.</summary>
    public int PastTokens { get; private set; }

    /// <summary>Computes the cross-attention K/V once for this window and clears the self-attention cache.</summary>
    public void SetEncoderOutput(EncoderOutput encoded) => throw new NotImplementedException();

    /// <summary>Truncates the KV cache to its first <paramref name="pastTokens"/> tokens.</summary>
    public void Rewind(int pastTokens) => throw new NotImplementedException();

    /// <summary>Feeds tokens at positions PastTokens.., appends them to the cache, writes the last token's logits (length NVocab).</summary>
    public void Decode(ReadOnlySpan<int> tokens, Span<float> logits) => throw new NotImplementedException();

    public void Dispose()
    {
    }
}
