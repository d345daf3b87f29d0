using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Nn;

namespace LazyLecture.Whisper.Nn;

/// <summary>
/// Several continuations of one prompt (whisper.cpp's best-of decoders at a fallback temperature), each with its own
/// self-attention KV sequence, advanced together: one pass over the weights per step for all of them.
/// </summary>
internal sealed unsafe partial class WhisperDecoderState : ICandidateDecoder
{
    private PinnedBuffer[] _sequenceKeys;
    private PinnedBuffer[] _sequenceValues;
    private int[] _sequenceLengths; // tokens cached per sequence; sequence 0 is the one Decode extends
    private PinnedBuffer?[] _reorderKeys = [];
    private PinnedBuffer?[] _reorderValues = [];
    private bool[] _reorderTaken = [];

    private long SequenceCacheLength => (long)_layers * _textCtx * _state;

    /// <summary>
    /// Makes sequences 0..<paramref name="count"/>-1 hold sequence 0's first <paramref name="promptLength"/> tokens,
    /// so each candidate continues the same prompt. Caches for extra sequences are allocated on first use.
    /// </summary>
    public void ForkPrompt(int promptLength, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(promptLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(promptLength, PastTokens);
        if (_sequenceKeys.Length < count)
        {
            var keys = _sequenceKeys;
            var values = _sequenceValues;
            Array.Resize(ref keys, count);
            Array.Resize(ref values, count);
            Array.Resize(ref _sequenceLengths, count);
            for (var s = _sequenceKeys.Length; s < count; s++)
            {
                keys[s] = new PinnedBuffer(SequenceCacheLength);
                values[s] = new PinnedBuffer(SequenceCacheLength);
            }

            _sequenceKeys = keys;
            _sequenceValues = values;
        }

        EnsureLanes(count);
        PastTokens = promptLength;
        var rows = promptLength * _state;
        for (var s = 1; s < count; s++)
        {
            for (var layer = 0; layer < _layers; layer++)
            {
                var start = (long)layer * _textCtx * _state;
                _sequenceKeys[0].Slice(start, rows).CopyTo(_sequenceKeys[s].Slice(start, rows));
                _sequenceValues[0].Slice(start, rows).CopyTo(_sequenceValues[s].Slice(start, rows));
            }

            _sequenceLengths[s] = promptLength;
        }

        // Sequences of an earlier, larger fork hold nothing of this prompt: DecodeCandidates must not accept them.
        Array.Clear(_sequenceLengths, count, _sequenceLengths.Length - count);
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
            if ((uint)sequence >= (uint)_sequenceKeys.Length || _sequenceLengths[sequence] != position || sequences[..i].Contains(sequence))
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
        foreach (var sequence in sequences)
        {
            _sequenceLengths[sequence] = position + 1;
        }
    }

    /// <summary>
    /// Sequence targets[i] continues from sequence sources[i]'s cache. The caches move rather than copy where they can: a
    /// source's cache goes to the first target that continues it (itself first); only a source continued by several
    /// targets is copied, into the caches no target continues. whisper.cpp tags cache cells with several sequences instead.
    /// </summary>
    public void ReorderSequences(ReadOnlySpan<int> targets, ReadOnlySpan<int> sources)
    {
        var count = targets.Length;
        if (sources.Length != count)
        {
            throw new ArgumentException($"Got {count} targets for {sources.Length} sources.", nameof(sources));
        }

        var sequences = _sequenceKeys.Length;
        for (var i = 0; i < count; i++)
        {
            if ((uint)targets[i] >= (uint)sequences || (uint)sources[i] >= (uint)sequences || targets[..i].Contains(targets[i]))
            {
                throw new ArgumentException($"Target {targets[i]} from source {sources[i]}: each target must be a distinct forked sequence, each source a forked sequence.", nameof(targets));
            }
        }

        if (_reorderTaken.Length < sequences)
        {
            _reorderKeys = new PinnedBuffer?[sequences];
            _reorderValues = new PinnedBuffer?[sequences];
            _reorderTaken = new bool[sequences];
        }

        var keys = _reorderKeys.AsSpan(0, count);
        var values = _reorderValues.AsSpan(0, count);
        var taken = _reorderTaken.AsSpan(0, sequences);
        keys.Clear();
        values.Clear();
        taken.Clear();

        // A source keeps its own cache when it continues itself; otherwise its first continuing target takes the cache over.
        for (var pass = 0; pass < 2; pass++)
        {
            for (var i = 0; i < count; i++)
            {
                var source = sources[i];
                var continuesItself = source == targets[i];
                if (keys[i] is null && !taken[source] && (pass == 1 || continuesItself) && (continuesItself || targets.Contains(source)))
                {
                    keys[i] = _sequenceKeys[source];
                    values[i] = _sequenceValues[source];
                    taken[source] = true;
                }
            }
        }

        // The others copy their source into a target's cache that no target continues.
        var free = 0;
        for (var i = 0; i < count; i++)
        {
            if (keys[i] is not null)
            {
                continue;
            }

            while (taken[targets[free]])
            {
                free++;
            }

            var spare = targets[free++];
            var source = sources[i];
            var rows = _sequenceLengths[source] * _state;
            for (var layer = 0; layer < _layers; layer++)
            {
                var start = (long)layer * _textCtx * _state;
                _sequenceKeys[source].Slice(start, rows).CopyTo(_sequenceKeys[spare].Slice(start, rows));
                _sequenceValues[source].Slice(start, rows).CopyTo(_sequenceValues[spare].Slice(start, rows));
            }

            keys[i] = _sequenceKeys[spare];
            values[i] = _sequenceValues[spare];
        }

        Span<int> lengths = stackalloc int[count];
        for (var i = 0; i < count; i++)
        {
            lengths[i] = _sequenceLengths[sources[i]];
        }

        for (var i = 0; i < count; i++)
        {
            _sequenceKeys[targets[i]] = keys[i]!;
            _sequenceValues[targets[i]] = values[i]!;
            _sequenceLengths[targets[i]] = lengths[i];
        }
    }
}
