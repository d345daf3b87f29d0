using System.Numerics.Tensors;
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
    private readonly ushort[] _crossKeysTransposed; // f16 [layer][channel][position], pinned
    private readonly ushort[] _crossValues; // f16 [layer][position][channel], pinned
    private readonly PinnedBuffer _logits;
    private readonly Action<int> _crossAttentionHead;
    private readonly PackedMatrix _crossPacked = new();
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
        _probabilities = new PinnedBuffer((long)_heads * Math.Max(_textCtx, _audioCtx));
        _prepared = new PinnedBuffer(4 * _state);
        _team = new WorkerTeam(_threads);
        _projection = new ProjectionJob(_team);
        _selfKeys = new PinnedBuffer((long)_layers * _textCtx * _state);
        _selfValues = new PinnedBuffer((long)_layers * _textCtx * _state);
        _crossKeysTransposed = GC.AllocateArray<ushort>(_layers * _audioCtx * _state, pinned: true);
        _crossValues = GC.AllocateArray<ushort>(_layers * _audioCtx * _state, pinned: true);
        _logits = new PinnedBuffer(_vocab);
        _crossAttentionHead = CrossAttentionHead;
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

            // K: scaled by d^-1/4 then stored f16; kept transposed per head so a query scores all positions with row sweeps.
            encoded.Data.AsSpan(0, n).CopyTo(input.Span);
            Linear.Forward(input.Pointer, positions, block.CrossKeyWeight!, null, output.Pointer, packed, _threads);
            TensorPrimitives.Multiply(output.Slice(0, n), _qkScale, output.Slice(0, n));
            HalfConversion.ToHalfBits(output.Slice(0, n), input.Slice(0, n), halves);
            var keys = _crossKeysTransposed.AsSpan(layer * _audioCtx * _state);
            for (var t = 0; t < positions; t++)
            {
                var row = halves.Slice(t * _state, _state);
                for (var c = 0; c < _state; c++)
                {
                    // Layout [head][d][position]: c = head·d_head + d, so this is [c][position].
                    keys[c * positions + t] = row[c];
                }
            }

            encoded.Data.AsSpan(0, n).CopyTo(input.Span);
            Linear.Forward(input.Pointer, positions, block.CrossValueWeight!, block.CrossValueBias, output.Pointer, packed, _threads);
            HalfConversion.ToHalfBits(output.Slice(0, n), input.Slice(0, n), _crossValues.AsSpan(layer * _audioCtx * _state, n));
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
            LayerNorm.Apply(x, block.AttnLnWeight.AsSingles(), block.AttnLnBias.AsSingles(), _normed.Slice(0, _state));
            ProjectQueryKeyValue(block);
            var q = _query.Slice(0, _state);
            TensorPrimitives.Multiply(q, _qkScale, q);
            var cacheRow = ((long)layer * _textCtx + position) * _state;
            var k = _selfKeys.Slice(cacheRow, _state);
            TensorPrimitives.Multiply(_key.Slice(0, _state), _qkScale, k);
            HalfConversion.RoundToHalfPrecision(k);
            HalfConversion.RoundToHalfPrecision(_value.Slice(0, _state), _selfValues.Slice(cacheRow, _state));
            HalfConversion.RoundToHalfPrecision(q);
            SelfAttention(layer, position + 1);
            Project(block.OutWeight, block.OutBias, _attention, _projected);
            TensorPrimitives.Add(x, _projected.Slice(0, _state), x);

            LayerNorm.Apply(x, block.CrossLnWeight!.AsSingles(), block.CrossLnBias!.AsSingles(), _normed.Slice(0, _state));
            Project(block.CrossQueryWeight!, block.CrossQueryBias, _normed, _query);
            HalfConversion.RoundToHalfPrecision(_query.Slice(0, _state));
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
        _projection.Clear();
        _projection.Add(weight, _prepared.Pointer, output.Pointer);
        _projection.Run();
        AddBias(bias, output, (int)weight.Rows);
    }

    // q, k and v read the same normalised input: one preparation, one dispatch.
    private void ProjectQueryKeyValue(TransformerBlockWeights block)
    {
        var type = block.QueryWeight.Type;
        if (block.KeyWeight.Type != type || block.ValueWeight.Type != type)
        {
            Project(block.QueryWeight, block.QueryBias, _normed, _query);
            Project(block.KeyWeight, null, _normed, _key);
            Project(block.ValueWeight, block.ValueBias, _normed, _value);
            return;
        }

        MatVec.PrepareInput(type, _normed.Slice(0, _state), _prepared.Slice(0, _state));
        _projection.Clear();
        _projection.Add(block.QueryWeight, _prepared.Pointer, _query.Pointer);
        _projection.Add(block.KeyWeight, _prepared.Pointer, _key.Pointer);
        _projection.Add(block.ValueWeight, _prepared.Pointer, _value.Pointer);
        _projection.Run();
        AddBias(block.QueryBias, _query, _state);
        AddBias(block.ValueBias, _value, _state);
    }

    private static void AddBias(GgmlTensor? bias, PinnedBuffer output, int length)
    {
        if (bias is not null)
        {
            var y = output.Slice(0, length);
            TensorPrimitives.Add(y, bias.AsSingles(), y);
        }
    }

    // Causal self-attention of the newest token over the first `length` cached positions (Q and K already carry d^-1/4 each).
    private void SelfAttention(int layer, int length)
    {
        for (var head = 0; head < _heads; head++)
        {
            var offset = head * _headSize;
            SelfAttentionHead(layer, length, _query.Pointer + offset, _attention.Pointer + offset, head, _probabilities.Pointer);
        }
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
        var scratch = _probabilities.Pointer + (long)head * Math.Max(_textCtx, _audioCtx);
        CrossAttentionHead(_layer, head, _query.Pointer + offset, _attention.Pointer + offset, scratch);
    }

    // One head of cross-attention over f16 K/V: scores by sweeping the transposed keys, softmax(· d^-1/4), weighted value sum.
    private void CrossAttentionHead(int layer, int head, float* query, float* output, float* scores)
    {
        var positions = _audioPositions;
        var offset = head * _headSize;
        var p = new Span<float>(scores, positions);
        fixed (ushort* keysBase = _crossKeysTransposed, valuesBase = _crossValues)
        {
            var keys = keysBase + (long)layer * _audioCtx * _state + (long)offset * positions;
            Attention.ScoresF16(query, keys, positions, _headSize, positions, scores);
            Softmax.Apply(p, _qkScale);
            HalfConversion.RoundToHalfPrecision(p);
            Attention.WeightedSumF16(p, valuesBase + (long)layer * _audioCtx * _state + offset, _state, _headSize, output);
        }
    }
}
