using System.Numerics.Tensors;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;

namespace LazyLecture.Whisper.Nn;

/// <summary>
/// One decode step for one or more lanes: lane i feeds one token into KV sequence _laneSequences[i], all at the same
/// position. A single token is one lane of sequence 0; best-of candidates are one lane each and share every read of
/// the weights. Each lane's arithmetic is the same whatever the lane count, so batched candidates decode bit for bit
/// as they would one after another.
/// </summary>
internal sealed unsafe partial class WhisperDecoderState
{
    private StepBuffers _step;
    private int[] _laneSequences = new int[1];
    private int _lanes;
    private int _position;
    private TransformerBlockWeights? _block; // the layer being decoded, for the per-head dispatches
    private float* _preparedKey;
    private float* _preparedValue;

    /// <summary>Activations of the lanes, each [lane][width]; the prepared inputs hold up to four lanes' worth of rows.</summary>
    private sealed class StepBuffers(int lanes, int state)
    {
        public int Lanes { get; } = lanes;
        public PinnedBuffer X { get; } = new((long)lanes * state);
        public PinnedBuffer Normed { get; } = new((long)lanes * state);
        public PinnedBuffer Prepared { get; } = new(4L * lanes * state); // q, k, v regions of [lane][state], or [lane][4·state]
        public PinnedBuffer Query { get; } = new((long)lanes * state);
        public PinnedBuffer Key { get; } = new((long)lanes * state);
        public PinnedBuffer Value { get; } = new((long)lanes * state);
        public PinnedBuffer Attention { get; } = new((long)lanes * state);
        public PinnedBuffer Projected { get; } = new((long)lanes * state);
        public PinnedBuffer Hidden { get; } = new(4L * lanes * state);
    }

    // Each head's attention probabilities for every lane (cross-attention of several lanes at once): [head][lane][score].
    private PinnedBuffer? _laneScores;

    private void EnsureLanes(int lanes)
    {
        if (_step.Lanes < lanes)
        {
            _step = new StepBuffers(lanes, _state);
        }

        if (_laneSequences.Length < lanes)
        {
            Array.Resize(ref _laneSequences, lanes);
        }

        if (lanes > 1 && (_laneScores?.Length ?? 0) < (long)_heads * lanes * _scoresPerHead)
        {
            _laneScores = new PinnedBuffer((long)_heads * lanes * _scoresPerHead);
        }
    }

    // Feeds tokens[i] to sequence _laneSequences[i] at `position`; leaves the final hidden states in _step.X.
    private void Step(ReadOnlySpan<int> tokens, int position)
    {
        var lanes = tokens.Length;
        var b = _step;
        _lanes = lanes;
        _position = position;
        for (var i = 0; i < lanes; i++)
        {
            _cache.Append(_laneSequences[i]);
            var x = b.X.Slice((long)i * _state, _state);
            _weights.TokenEmbedding.ReadRow(tokens[i], x);
            TensorPrimitives.Add(x, _weights.PositionalEmbedding.AsSingles().Slice(position * _state, _state), x);
        }

        for (var layer = 0; layer < _layers; layer++)
        {
            _layer = layer;
            var block = _weights.Blocks[layer];
            _block = block;

            // Each head projects its own q, k and v slices, caches k and v, then attends: one dispatch for all of it.
            NormalizeLanes(block.AttnLnWeight, block.AttnLnBias);
            PrepareQueryKeyValueInputs(block);
            _team.Run(_heads, _selfAttentionHead);
            ProjectLanes(block.OutWeight, block.OutBias, b.Attention, _state, b.Projected.Pointer);
            AddToResidual(b.Projected);

            // Each head projects its own slice of the cross-attention query, then attends: one dispatch for both.
            NormalizeLanes(block.CrossLnWeight!, block.CrossLnBias!);
            PrepareLanes(block.CrossQueryWeight!.Type, b.Normed, _state, b.Prepared.Pointer);
            _team.Run(_heads, _crossAttentionHead);
            ProjectLanes(block.CrossOutWeight!, block.CrossOutBias, b.Attention, _state, b.Projected.Pointer);
            AddToResidual(b.Projected);

            NormalizeLanes(block.MlpLnWeight, block.MlpLnBias);
            ProjectLanes(block.Mlp0Weight, block.Mlp0Bias, b.Normed, _state, b.Hidden.Pointer);
            Gelu.Apply(b.Hidden.Slice(0, lanes * 4 * _state));
            ProjectLanes(block.Mlp2Weight, block.Mlp2Bias, b.Hidden, 4 * _state, b.Projected.Pointer);
            AddToResidual(b.Projected);
        }
    }

    // The final layer norm and the tied-embedding projection of the first `lanes` hidden states, written straight into
    // the caller's [lane][vocabulary] logits.
    private void Logits(int lanes, Span<float> logits)
    {
        var b = _step;
        _lanes = lanes;
        NormalizeLanes(_weights.LnWeight, _weights.LnBias);
        fixed (float* output = logits)
        {
            ProjectLanes(_weights.TokenEmbedding, null, b.Normed, _state, output);
        }
    }

    private void NormalizeLanes(GgmlTensor weight, GgmlTensor bias)
    {
        for (var i = 0; i < _lanes; i++)
        {
            LayerNorm.Apply(_step.X.Slice((long)i * _state, _state), weight.AsSingles(), bias.AsSingles(), _step.Normed.Slice((long)i * _state, _state));
        }
    }

    private void AddToResidual(PinnedBuffer projected)
    {
        var n = _lanes * _state;
        TensorPrimitives.Add(_step.X.Slice(0, n), projected.Slice(0, n), _step.X.Slice(0, n));
    }

    // ggml_mul_mat + ggml_add per lane (each input prepared as ggml converts it for W's type), one pass over W.
    private void ProjectLanes(GgmlTensor weight, GgmlTensor? bias, PinnedBuffer input, int inputWidth, float* output)
    {
        var rows = (int)weight.Rows;
        PrepareLanes(weight.Type, input, inputWidth, _step.Prepared.Pointer);
        _projection.Run(weight, _step.Prepared.Pointer, _lanes, inputWidth, output, rows);
        if (bias is not null)
        {
            for (var i = 0; i < _lanes; i++)
            {
                var y = new Span<float>(output + (long)i * rows, rows);
                TensorPrimitives.Add(y, bias.AsSingles(), y);
            }
        }
    }

    private void PrepareLanes(GgmlType weightType, PinnedBuffer input, int width, float* prepared)
    {
        for (var i = 0; i < _lanes; i++)
        {
            MatVec.PrepareInput(weightType, input.Slice((long)i * width, width), new Span<float>(prepared + (long)i * width, width));
        }
    }

    // ggml converts the normalised input once per weight type; q, k and v usually share one type and one preparation.
    private void PrepareQueryKeyValueInputs(TransformerBlockWeights block)
    {
        var region = (long)_step.Lanes * _state;
        var prepared = _step.Prepared.Pointer;
        PrepareLanes(block.QueryWeight.Type, _step.Normed, _state, prepared);
        _preparedKey = prepared;
        _preparedValue = prepared;
        if (block.KeyWeight.Type != block.QueryWeight.Type)
        {
            _preparedKey = prepared + region;
            PrepareLanes(block.KeyWeight.Type, _step.Normed, _state, _preparedKey);
        }

        if (block.ValueWeight.Type != block.QueryWeight.Type)
        {
            _preparedValue = prepared + 2 * region;
            PrepareLanes(block.ValueWeight.Type, _step.Normed, _state, _preparedValue);
        }
    }

    private static void AddBiasSlice(GgmlTensor? bias, Span<float> slice, int offset)
    {
        if (bias is not null)
        {
            TensorPrimitives.Add(slice, bias.AsSingles().Slice(offset, slice.Length), slice);
        }
    }

    // One head for every lane: its q/k/v slices (Q and K scaled by d^-1/4 each and rounded to f16 as ggml's f16 KV
    // cache stores them), the new k and v appended to the lane's sequence, then causal attention over that sequence.
    private void SelfAttentionHead(int head)
    {
        var b = _step;
        var block = _block!;
        var offset = head * _headSize;
        var end = offset + _headSize;
        MatVec.MultiplyRowsBatch(block.QueryWeight, b.Prepared.Pointer, _lanes, _state, b.Query.Pointer, _state, offset, end);
        MatVec.MultiplyRowsBatch(block.KeyWeight, _preparedKey, _lanes, _state, b.Key.Pointer, _state, offset, end);
        MatVec.MultiplyRowsBatch(block.ValueWeight, _preparedValue, _lanes, _state, b.Value.Pointer, _state, offset, end);
        var scores = _probabilities.Pointer + (long)head * _scoresPerHead;
        for (var i = 0; i < _lanes; i++)
        {
            var lane = (long)i * _state + offset;
            var sequence = _laneSequences[i];
            var q = b.Query.Slice(lane, _headSize);
            var v = b.Value.Slice(lane, _headSize);
            AddBiasSlice(block.QueryBias, q, offset);
            AddBiasSlice(block.ValueBias, v, offset);
            TensorPrimitives.Multiply(q, _qkScale, q);
            HalfConversion.RoundToHalfPrecision(q);
            var k = new Span<float>(_cache.KeyRow(sequence, _position, _layer) + offset, _headSize);
            TensorPrimitives.Multiply(b.Key.Slice(lane, _headSize), _qkScale, k);
            HalfConversion.RoundToHalfPrecision(k);
            HalfConversion.RoundToHalfPrecision(v, new Span<float>(_cache.ValueRow(sequence, _position, _layer) + offset, _headSize));
            SelfAttentionHead(sequence, _layer, _position + 1, b.Query.Pointer + lane, b.Attention.Pointer + lane, head, scores);
        }
    }

    private void SelfAttentionHead(int sequence, int layer, int length, float* query, float* output, int head, float* scratch)
    {
        // the sequence's positions are rows of the shared cache: one token's layers per row
        var offset = (long)layer * _state + head * _headSize;
        var rows = _cache.Rows(sequence);
        var rowLength = _cache.RowLength;
        var keys = _cache.Keys + offset;
        var q = new ReadOnlySpan<float>(query, _headSize);
        var p = new Span<float>(scratch, length);
        for (var j = 0; j < length; j++)
        {
            p[j] = TensorPrimitives.Dot(q, new ReadOnlySpan<float>(keys + rows[j] * rowLength, _headSize));
        }

        Softmax.Apply(p, 1f);
        HalfConversion.RoundToHalfPrecision(p);
        Attention.WeightedSum(p, new PooledRows(_cache.Values + offset, rows, rowLength), _headSize, output);
    }

    // One head for every lane: the lane's slice of the cross-attention query, then attention over the window's K/V.
    private void CrossAttentionHead(int head)
    {
        var b = _step;
        var block = _block!;
        var offset = head * _headSize;
        MatVec.MultiplyRowsBatch(block.CrossQueryWeight!, b.Prepared.Pointer, _lanes, _state, b.Query.Pointer, _state, offset, offset + _headSize);
        for (var i = 0; i < _lanes; i++)
        {
            var q = b.Query.Slice((long)i * _state + offset, _headSize);
            AddBiasSlice(block.CrossQueryBias, q, offset);
            HalfConversion.RoundToHalfPrecision(q);
        }

        if (_lanes > 1 && CrossAttentionLanes.IsSupported(_headSize))
        {
            for (var first = 0; first < _lanes; first += CrossAttentionLanes.MaxLanes)
            {
                var lane = (long)first * _state + offset;
                CrossAttentionLaneGroup(head, first, Math.Min(CrossAttentionLanes.MaxLanes, _lanes - first), b.Query.Pointer + lane, b.Attention.Pointer + lane);
            }

            return;
        }

        var scores = _probabilities.Pointer + (long)head * _scoresPerHead;
        for (var i = 0; i < _lanes; i++)
        {
            var lane = (long)i * _state + offset;
            CrossAttentionHead(_layer, head, b.Query.Pointer + lane, b.Attention.Pointer + lane, scores);
        }
    }

    // CrossAttentionHead for lanes first.. (their queries and outputs _state apart) sharing each load of the head's K/V.
    private void CrossAttentionLaneGroup(int head, int first, int lanes, float* queries, float* outputs)
    {
        switch (lanes)
        {
            case 1: CrossAttentionLaneGroup<InputCount1>(head, first, queries, outputs); break;
            case 2: CrossAttentionLaneGroup<InputCount2>(head, first, queries, outputs); break;
            case 3: CrossAttentionLaneGroup<InputCount3>(head, first, queries, outputs); break;
            case 4: CrossAttentionLaneGroup<InputCount4>(head, first, queries, outputs); break;
            default: CrossAttentionLaneGroup<InputCount5>(head, first, queries, outputs); break;
        }
    }

    private void CrossAttentionLaneGroup<TLanes>(int head, int first, float* queries, float* outputs)
        where TLanes : struct, IInputCount
    {
        var positions = _audioPositions;
        var scores = _laneScores!.Pointer + ((long)head * _lanes + first) * _scoresPerHead;
        CrossAttentionLanes.ScoresF16<TLanes>(queries, _state, CrossKeys(_layer, head), Attention.KeyBlocks(positions), scores, _scoresPerHead);
        for (var i = 0; i < TLanes.Count; i++)
        {
            var p = new Span<float>(scores + (long)i * _scoresPerHead, positions);
            Softmax.Apply(p, _qkScale);
            HalfConversion.RoundToHalfPrecision(p);
        }

        CrossAttentionLanes.WeightedSumF16<TLanes>(scores, _scoresPerHead, positions, CrossValues(_layer, head), outputs, _state);
    }
}
