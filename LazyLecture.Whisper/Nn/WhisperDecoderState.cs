using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;

namespace LazyLecture.Whisper;

/// <summary>
/// The text decoder for one job: cross-attention K/V of the current window and the self-attention KV cache.
/// All buffers are allocated up front; decoding a token allocates nothing of its own.
/// </summary>
public sealed unsafe partial class WhisperDecoderState : IDisposable
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

    private readonly PinnedBuffer _x;
    private readonly PinnedBuffer _normed;
    private readonly PinnedBuffer _query;
    private readonly PinnedBuffer _key;
    private readonly PinnedBuffer _value;
    private readonly PinnedBuffer _attention;
    private readonly PinnedBuffer _projected;
    private readonly PinnedBuffer _hidden;
    private readonly PinnedBuffer _probabilities;
    private readonly PinnedBuffer _prepared;
    private readonly WorkerTeam _team;
    private readonly ProjectionJob _projection;
    private readonly PinnedBuffer _selfKeys;
    private readonly PinnedBuffer _selfValues;
    private readonly ushort[] _crossStore; // pinned backing of the two f16 caches below
    private readonly ushort* _crossKeys; // [layer][head][key block][d][32 positions] (Attention.StoreKeyBlocks), 64-byte aligned
    private readonly ushort* _crossValues; // [layer][head][position][d]: one contiguous stream per head
    private readonly long _crossKeysPerHead;
    private readonly long _crossValuesPerHead;
    private readonly PinnedBuffer _logits;
    private readonly Action<int> _crossAttentionHead;
    private readonly PackedMatrix _crossPacked = new();
    private readonly int _scoresPerHead;
    private readonly Action<int> _selfAttentionHead;
    private TransformerBlockWeights? _block; // the layer being decoded, for the per-head dispatches
    private int _position;
    private float* _preparedKey;
    private float* _preparedValue;
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
        _x = new PinnedBuffer(_state);
        _normed = new PinnedBuffer(4 * _state);
        _query = new PinnedBuffer(_state);
        _key = new PinnedBuffer(_state);
        _value = new PinnedBuffer(_state);
        _attention = new PinnedBuffer(_state);
        _projected = new PinnedBuffer(_state);
        _hidden = new PinnedBuffer(4 * _state);
        _scoresPerHead = Math.Max(_textCtx, Attention.KeyBlocks(_audioCtx) * Attention.KeyBlock);
        _probabilities = new PinnedBuffer((long)_heads * _scoresPerHead);
        _prepared = new PinnedBuffer(4 * _state);
        _team = new WorkerTeam(_threads);
        _projection = new ProjectionJob(_team);
        _selfKeys = new PinnedBuffer((long)_layers * _textCtx * _state);
        _selfValues = new PinnedBuffer((long)_layers * _textCtx * _state);
        _crossKeysPerHead = (long)Attention.KeyBlocks(_audioCtx) * Attention.KeyBlock * _headSize;
        _crossValuesPerHead = (long)_audioCtx * _headSize;
        var keyHalves = _layers * _heads * _crossKeysPerHead;
        _crossStore = GC.AllocateArray<ushort>(checked((int)(keyHalves + _layers * _heads * _crossValuesPerHead + 32)), pinned: true);
        var storeStart = (nint)Unsafe.AsPointer(ref _crossStore[0]);
        _crossKeys = (ushort*)((storeStart + 63) & ~(nint)63);
        _crossValues = _crossKeys + keyHalves;
        _logits = new PinnedBuffer(_vocab);
        _crossAttentionHead = CrossAttentionHead;
        _selfAttentionHead = SelfAttentionHead;
    }

    /// <summary>Tokens held in the self-attention KV cache.</summary>
    public int PastTokens { get; private set; }

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
        PastTokens = 0;
    }

    /// <summary>Truncates the KV cache to its first <paramref name="pastTokens"/> tokens.</summary>
    public void Rewind(int pastTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pastTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pastTokens, PastTokens);
        PastTokens = pastTokens;
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
            // Prompts go through batched GEMMs; the last token's hidden state lands in _x for the logits.
            StepBatch(tokens, PastTokens);
            PastTokens += tokens.Length;
        }
        else
        {
            for (var i = 0; i < tokens.Length; i++)
            {
                Step(tokens[i], PastTokens);
                PastTokens++;
            }
        }

        Logits();
        _logits.Slice(0, _vocab).CopyTo(logits);
    }

    public void Dispose()
    {
        _hasEncoderOutput = false;
        _team.Dispose();
    }

    private void Step(int token, int position)
    {
        var x = _x.Slice(0, _state);
        _weights.TokenEmbedding.ReadRow(token, x);
        TensorPrimitives.Add(x, _weights.PositionalEmbedding.AsSingles().Slice(position * _state, _state), x);
        for (var layer = 0; layer < _layers; layer++)
        {
            _layer = layer;
            var block = _weights.Blocks[layer];
            // Each head projects its own q, k and v slices, caches k and v, then attends: one dispatch per layer.
            LayerNorm.Apply(x, block.AttnLnWeight.AsSingles(), block.AttnLnBias.AsSingles(), _normed.Slice(0, _state));
            PrepareQueryKeyValueInputs(block);
            _block = block;
            _position = position;
            _team.Run(_heads, _selfAttentionHead);
            Project(block.OutWeight, block.OutBias, _attention, _projected);
            TensorPrimitives.Add(x, _projected.Slice(0, _state), x);

            // Each head projects its own slice of the cross-attention query, then attends: one dispatch for both.
            LayerNorm.Apply(x, block.CrossLnWeight!.AsSingles(), block.CrossLnBias!.AsSingles(), _normed.Slice(0, _state));
            MatVec.PrepareInput(block.CrossQueryWeight!.Type, _normed.Slice(0, _state), _prepared.Slice(0, _state));
            _team.Run(_heads, _crossAttentionHead);
            Project(block.CrossOutWeight!, block.CrossOutBias, _attention, _projected);
            TensorPrimitives.Add(x, _projected.Slice(0, _state), x);

            LayerNorm.Apply(x, block.MlpLnWeight.AsSingles(), block.MlpLnBias.AsSingles(), _normed.Slice(0, _state));
            Project(block.Mlp0Weight, block.Mlp0Bias, _normed, _hidden);
            Gelu.Apply(_hidden.Slice(0, 4 * _state));
            Project(block.Mlp2Weight, block.Mlp2Bias, _hidden, _projected);
            TensorPrimitives.Add(x, _projected.Slice(0, _state), x);
        }
    }

    private void Logits()
    {
        LayerNorm.Apply(_x.Slice(0, _state), _weights.LnWeight.AsSingles(), _weights.LnBias.AsSingles(), _normed.Slice(0, _state));
        Project(_weights.TokenEmbedding, null, _normed, _logits);
    }

    // ggml_mul_mat + ggml_add for one vector (the input prepared as ggml converts it for W's type).
    private void Project(GgmlTensor weight, GgmlTensor? bias, PinnedBuffer input, PinnedBuffer output)
    {
        MatVec.PrepareInput(weight.Type, input.Slice(0, weight.RowLength), _prepared.Slice(0, weight.RowLength));
        _projection.Run(weight, _prepared.Pointer, output.Pointer);
        AddBias(bias, output, (int)weight.Rows);
    }

    // ggml converts the normalised input once per weight type; q, k and v usually share one type and one preparation.
    private void PrepareQueryKeyValueInputs(TransformerBlockWeights block)
    {
        var normed = _normed.Slice(0, _state);
        MatVec.PrepareInput(block.QueryWeight.Type, normed, _prepared.Slice(0, _state));
        _preparedKey = _prepared.Pointer;
        _preparedValue = _prepared.Pointer;
        if (block.KeyWeight.Type != block.QueryWeight.Type)
        {
            MatVec.PrepareInput(block.KeyWeight.Type, normed, _prepared.Slice(_state, _state));
            _preparedKey = _prepared.Pointer + _state;
        }

        if (block.ValueWeight.Type != block.QueryWeight.Type)
        {
            MatVec.PrepareInput(block.ValueWeight.Type, normed, _prepared.Slice(2 * _state, _state));
            _preparedValue = _prepared.Pointer + 2 * _state;
        }
    }

    private static void AddBiasSlice(GgmlTensor? bias, Span<float> slice, int offset)
    {
        if (bias is not null)
        {
            TensorPrimitives.Add(slice, bias.AsSingles().Slice(offset, slice.Length), slice);
        }
    }

    private static void AddBias(GgmlTensor? bias, PinnedBuffer output, int length)
    {
        if (bias is not null)
        {
            var y = output.Slice(0, length);
            TensorPrimitives.Add(y, bias.AsSingles(), y);
        }
    }

    // One head of the newest token: its q/k/v slices (Q and K scaled by d^-1/4 each and rounded to f16 as ggml's
    // f16 KV cache stores them), then causal attention over the cache including itself.
    private void SelfAttentionHead(int head)
    {
        var block = _block!;
        var offset = head * _headSize;
        var end = offset + _headSize;
        MatVec.MultiplyRows(block.QueryWeight, _prepared.Pointer, _query.Pointer, offset, end);
        MatVec.MultiplyRows(block.KeyWeight, _preparedKey, _key.Pointer, offset, end);
        MatVec.MultiplyRows(block.ValueWeight, _preparedValue, _value.Pointer, offset, end);
        var q = _query.Slice(offset, _headSize);
        var v = _value.Slice(offset, _headSize);
        AddBiasSlice(block.QueryBias, q, offset);
        AddBiasSlice(block.ValueBias, v, offset);
        TensorPrimitives.Multiply(q, _qkScale, q);
        HalfConversion.RoundToHalfPrecision(q);
        var cacheRow = ((long)_layer * _textCtx + _position) * _state + offset;
        var k = _selfKeys.Slice(cacheRow, _headSize);
        TensorPrimitives.Multiply(_key.Slice(offset, _headSize), _qkScale, k);
        HalfConversion.RoundToHalfPrecision(k);
        HalfConversion.RoundToHalfPrecision(v, _selfValues.Slice(cacheRow, _headSize));
        SelfAttentionHead(_layer, _position + 1, _query.Pointer + offset, _attention.Pointer + offset, head, _probabilities.Pointer + (long)head * _scoresPerHead);
    }

    private void SelfAttentionHead(int layer, int length, float* query, float* output, int head, float* scratch)
    {
        var offset = head * _headSize;
        var keys = _selfKeys.Pointer + (long)layer * _textCtx * _state + offset;
        var values = _selfValues.Pointer + (long)layer * _textCtx * _state + offset;
        var q = new ReadOnlySpan<float>(query, _headSize);
        var p = new Span<float>(scratch, length);
        for (var j = 0; j < length; j++)
        {
            p[j] = TensorPrimitives.Dot(q, new ReadOnlySpan<float>(keys + (long)j * _state, _headSize));
        }

        Softmax.Apply(p, 1f);
        HalfConversion.RoundToHalfPrecision(p);
        Attention.WeightedSum(p, values, _state, _headSize, output);
    }

    private void CrossAttentionHead(int head)
    {
        var offset = head * _headSize;
        var query = _query.Pointer + offset;
        var block = _block!;
        MatVec.MultiplyRows(block.CrossQueryWeight!, _prepared.Pointer, _query.Pointer, offset, offset + _headSize);
        var q = new Span<float>(query, _headSize);
        AddBiasSlice(block.CrossQueryBias, q, offset);

        HalfConversion.RoundToHalfPrecision(q);
        CrossAttentionHead(_layer, head, query, _attention.Pointer + offset, _probabilities.Pointer + (long)head * _scoresPerHead);
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
