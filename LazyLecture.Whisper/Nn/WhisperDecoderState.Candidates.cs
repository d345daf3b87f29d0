using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Nn;

namespace LazyLecture.Whisper.Nn;

/// <summary>
/// Several continuations of one prompt (whisper.cpp's best-of decoders at a fallback temperature, or its beams), each
/// with its own self-attention KV sequence, advanced together: one pass over the weights per step for all of them.
/// </summary>
internal sealed unsafe partial class WhisperDecoderState : ICandidateDecoder
{
    private readonly KeyValueCache _cache;

    /// <summary>
    /// Makes sequences 0..<paramref name="count"/>-1 hold sequence 0's first <paramref name="promptLength"/> tokens (its
    /// cache rows, shared), so each candidate continues the same prompt; other sequences are emptied.
    /// </summary>
    public void ForkPrompt(int promptLength, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(promptLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(promptLength, PastTokens);
        _cache.EnsureSequences(count);
        EnsureLanes(count);
        _cache.Truncate(0, promptLength);
        for (var s = 1; s < _cache.Sequences; s++)
        {
            // sequences of an earlier, larger fork hold nothing of this prompt: DecodeCandidates must not accept them
            _cache.SharePrefix(s, 0, s < count ? promptLength : 0);
        }
    }

    /// <summary>
    /// Feeds tokens[i] to sequence sequences[i] (distinct, each holding exactly <paramref name="position"/> tokens) and
    /// writes lane i's logits to logits[i·NVocab ..].
    /// </summary>
    public void DecodeCandidates(ReadOnlySpan<int> tokens, ReadOnlySpan<int> sequences, int position, Span<float> logits)
    {
        if (!_hasEncoderOutput)
        {
            throw new InvalidOperationException("SetEncoderOutput must be called before DecodeCandidates.");
        }

        var lanes = tokens.Length;
        if (lanes == 0 || sequences.Length != lanes)
        {
            throw new ArgumentException($"Got {lanes} tokens for {sequences.Length} sequences; one token per sequence is needed.", nameof(sequences));
        }

        if (logits.Length < lanes * _vocab)
        {
            throw new ArgumentException($"Logits span holds {logits.Length} values, expected {lanes} x {_vocab}.", nameof(logits));
        }

        if (position >= _textCtx)
        {
            throw new ArgumentOutOfRangeException(nameof(position), position, $"The text context holds {_textCtx} tokens.");
        }

        for (var i = 0; i < lanes; i++)
        {
            var sequence = sequences[i];
            if ((uint)sequence >= (uint)_cache.Sequences || _cache.Length(sequence) != position || sequences[..i].Contains(sequence))
            {
                throw new ArgumentException($"Sequence {sequence} is not a distinct forked sequence holding {position} tokens.", nameof(sequences));
            }

            if ((uint)tokens[i] >= (uint)_vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"Token id outside the vocabulary of {_vocab}.");
            }
        }

        EnsureLanes(lanes);
        sequences.CopyTo(_laneSequences);
        Step(tokens, position);
        Logits(lanes, logits[..(lanes * _vocab)]);
    }

    /// <summary>
    /// Sequence targets[i] continues from sequence sources[i]'s cache: the targets take over the sources' cache rows (shared,
    /// not copied), as whisper.cpp tags its cache cells with the sequences of the beams that continue them.
    /// </summary>
    public void ReorderSequences(ReadOnlySpan<int> targets, ReadOnlySpan<int> sources)
    {
        if (sources.Length != targets.Length)
        {
            throw new ArgumentException($"Got {targets.Length} targets for {sources.Length} sources.", nameof(sources));
        }

        for (var i = 0; i < targets.Length; i++)
        {
            if ((uint)targets[i] >= (uint)_cache.Sequences || (uint)sources[i] >= (uint)_cache.Sequences || targets[..i].Contains(targets[i]))
            {
                throw new ArgumentException($"Target {targets[i]} from source {sources[i]}: each target must be a distinct forked sequence, each source a forked sequence.", nameof(targets));
            }
        }

        _cache.Reorder(targets, sources);
    }
}
