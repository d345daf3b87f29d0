using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;

namespace LazyLecture.Whisper.Nn;

/// <summary>
/// The text decoder for one job: cross-attention K/V of the current window and the self-attention KV cache.
/// All buffers are allocated up front; decoding a token allocates nothing of its own.
/// </summary>
internal sealed unsafe partial class WhisperDecoderState : IDisposable
{
    private readonly DecoderWeights _weights;
    private readonly int _threads;
    private readonly int _state;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly int _textCtx;
    private readonly int _audioCtx;
    private readonly int _layers;
    private readonly int _vocab;
    private readonly float _qkScale;

    private readonly PinnedBuffer _probabilities; // attention scores, one row per head
    private readonly WorkerTeam _team;
    private readonly ProjectionJob _projection;
    private readonly ushort[] _crossStore; // pinned backing of the two f16 caches below
    private readonly ushort* _crossKeys; // [layer][head][key block][d][32 positions] (Attention.StoreKeyBlocks), 64-byte aligned
    private readonly ushort* _crossValues; // [layer][head][position][d]: one contiguous stream per head
    private readonly long _crossKeysPerHead;
    private readonly long _crossValuesPerHead;
    private readonly Action<int> _crossAttentionHead;
    private readonly PackedMatrix _crossPacked = new();
    private readonly int _scoresPerHead;
    private readonly Action<int> _selfAttentionHead;
    private PinnedBuffer? _crossInput;
    private PinnedBuffer? _crossOutput;
    private ushort[]? _crossHalves;
    private int _audioPositions;
    private int _layer;
    private bool _hasEncoderOutput;

    public WhisperDecoderState(WhisperModel model, int threads)
    {
        ArgumentNullException.ThrowIfNull(model);
        _weights = model.Decoder;
        _threads = Math.Max(1, threads);
        var h = model.HyperParameters;
        _state = h.NTextState;
        _heads = h.NTextHead;
        _headSize = _state / _heads;
        _textCtx = h.NTextCtx;
        _audioCtx = h.NAudioCtx;
        _layers = h.NTextLayer;
        _vocab = h.NVocab;
        _qkScale = MathF.Pow(_headSize, -0.25f);
        _scoresPerHead = Math.Max(_textCtx, Attention.KeyBlocks(_audioCtx) * Attention.KeyBlock);
        _probabilities = new PinnedBuffer((long)_heads * _scoresPerHead);
        _step = new StepBuffers(1, _state);
        _cache = new KeyValueCache(_layers, _state, _textCtx);
        _team = new WorkerTeam(_threads);
        _projection = new ProjectionJob(_team);
        _crossKeysPerHead = (long)Attention.KeyBlocks(_audioCtx) * Attention.KeyBlock * _headSize;
        _crossValuesPerHead = (long)_audioCtx * _headSize;
        var keyHalves = _layers * _heads * _crossKeysPerHead;
        _crossStore = GC.AllocateArray<ushort>(checked((int)(keyHalves + _layers * _heads * _crossValuesPerHead + 32)), pinned: true);
        var storeStart = (nint)Unsafe.AsPointer(ref _crossStore[0]);
        _crossKeys = (ushort*)((storeStart + 63) & ~(nint)63);
        _crossValues = _crossKeys + keyHalves;
        _crossAttentionHead = CrossAttentionHead;
        _selfAttentionHead = SelfAttentionHead;
    }

    /// <summary>Tokens held in the self-attention KV cache (of sequence 0, the one <see cref="Decode"/> extends).</summary>
    public int PastTokens => _cache.Length(0);

    /// <summary>Computes the cross-attention K/V once for this window and clears the self-attention cache.</summary>
    public void SetEncoderOutput(EncoderOutput encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.State != _state || encoded.Positions > _audioCtx || encoded.Positions < 1)
        {
            throw new ArgumentException($"Encoder output is {encoded.Positions} x {encoded.State}, expected up to {_audioCtx} x {_state}.", nameof(encoded));
        }

        var positions = encoded.Positions;
        var n = positions * _state;
        _crossInput ??= new PinnedBuffer((long)_audioCtx * _state);
        _crossOutput ??= new PinnedBuffer((long)_audioCtx * _state);
        _crossHalves ??= new ushort[_audioCtx * _state];
        var input = _crossInput;
        var output = _crossOutput;
        var halves = _crossHalves.AsSpan(0, n);
        var packed = _crossPacked;
        for (var layer = 0; layer < _layers; layer++)
        {
            var block = _weights.Blocks[layer];

            // K: scaled by d^-1/4 then stored f16, per head in key blocks (see Attention.StoreKeyBlocks).
            encoded.Data.AsSpan(0, n).CopyTo(input.Span);
            Linear.Forward(input.Pointer, positions, block.CrossKeyWeight!, null, output.Pointer, packed, _threads);
            TensorPrimitives.Multiply(output.Slice(0, n), _qkScale, output.Slice(0, n));
            HalfConversion.ToHalfBits(output.Slice(0, n), input.Slice(0, n), halves);
            for (var head = 0; head < _heads; head++)
            {
                var keys = new Span<ushort>(CrossKeys(layer, head), checked((int)_crossKeysPerHead));
                Attention.StoreKeyBlocks(halves, _state, head * _headSize, _headSize, positions, keys);
            }

            // V: f16, per head [position][d] so the weighted sum reads one contiguous stream.
            encoded.Data.AsSpan(0, n).CopyTo(input.Span);
            Linear.Forward(input.Pointer, positions, block.CrossValueWeight!, block.CrossValueBias, output.Pointer, packed, _threads);
            HalfConversion.ToHalfBits(output.Slice(0, n), input.Slice(0, n), halves);
            for (var head = 0; head < _heads; head++)
            {
                var values = CrossValues(layer, head);
                for (var t = 0; t < positions; t++)
                {
                    halves.Slice(t * _state + head * _headSize, _headSize).CopyTo(new Span<ushort>(values + (long)t * _headSize, _headSize));
                }
            }
        }

        _audioPositions = positions;
        _hasEncoderOutput = true;
        _cache.Clear();
    }

    /// <summary>Truncates the KV cache to its first <paramref name="pastTokens"/> tokens.</summary>
    public void Rewind(int pastTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pastTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pastTokens, PastTokens);
        _cache.Truncate(0, pastTokens);
    }

    /// <summary>Feeds tokens at positions PastTokens.., appends them to the cache, writes the last token's logits (length NVocab).</summary>
    public void Decode(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        if (!_hasEncoderOutput)
        {
            throw new InvalidOperationException("SetEncoderOutput must be called before Decode.");
        }

        if (tokens.IsEmpty)
        {
            throw new ArgumentException("At least one token is needed.", nameof(tokens));
        }

        if (logits.Length < _vocab)
        {
            throw new ArgumentException($"Logits span holds {logits.Length} values, expected {_vocab}.", nameof(logits));
        }

        if (PastTokens + tokens.Length > _textCtx)
        {
            throw new ArgumentException($"{PastTokens} cached + {tokens.Length} new tokens exceed the text context of {_textCtx}.", nameof(tokens));
        }

        foreach (var token in tokens)
        {
            if ((uint)token >= (uint)_vocab)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), token, $"Token id outside the vocabulary of {_vocab}.");
            }
        }

        if (tokens.Length >= BatchThreshold)
        {
            // Prompts go through batched GEMMs; the last token's hidden state lands in lane 0 for the logits.
            StepBatch(tokens, PastTokens);
        }
        else
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                _laneSequences[0] = 0;
                Step(tokens.Slice(i, 1), PastTokens);
            }
        }

        Logits(1, logits[.._vocab]);
    }

    public void Dispose()
    {
        _hasEncoderOutput = false;
        _team.Dispose();
    }

    // One head of cross-attention over f16 K/V: blocked key scores, softmax(· d^-1/4), weighted value sum.
    private void CrossAttentionHead(int layer, int head, float* query, float* output, float* scores)
    {
        var positions = _audioPositions;
        var p = new Span<float>(scores, positions);
        Attention.ScoresF16(query, CrossKeys(layer, head), _headSize, Attention.KeyBlocks(positions), scores);
        Softmax.Apply(p, _qkScale);
        HalfConversion.RoundToHalfPrecision(p);
        Attention.WeightedSumF16(p, CrossValues(layer, head), _headSize, _headSize, output);
    }

    private ushort* CrossKeys(int layer, int head) => _crossKeys + ((long)layer * _heads + head) * _crossKeysPerHead;

    private ushort* CrossValues(int layer, int head) => _crossValues + ((long)layer * _heads + head) * _crossValuesPerHead;
}
