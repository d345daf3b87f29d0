using System.Numerics.Tensors;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;

namespace LazyLecture.Whisper.Nn;

/// <summary>Batched decoding of several tokens (prompts): projections as packed GEMMs, attention per (token, head).</summary>
internal sealed unsafe partial class WhisperDecoderState
{
    private const int BatchThreshold = 4;

    [ThreadStatic]
    private static float[]? t_attentionScratch;

    private BatchBuffers? _batch;
    private int _batchStart;
    private Action<int>? _batchSelfAttention;
    private Action<int>? _batchCrossAttention;

    private sealed class BatchBuffers(int tokens, int state)
    {
        public PinnedBuffer X { get; } = new((long)tokens * state);
        public PinnedBuffer Normed { get; } = new((long)tokens * state);
        public PinnedBuffer Query { get; } = new((long)tokens * state);
        public PinnedBuffer Key { get; } = new((long)tokens * state);
        public PinnedBuffer Value { get; } = new((long)tokens * state);
        public PinnedBuffer Attention { get; } = new((long)tokens * state);
        public PinnedBuffer Hidden { get; } = new((long)tokens * state * 4);
        public PackedMatrix Packed { get; } = new();
    }

    private void StepBatch(ReadOnlySpan<int> tokens, int start)
    {
        var m = tokens.Length;
        _batch ??= new BatchBuffers(_textCtx, _state);
        _batchSelfAttention ??= BatchSelfAttentionItem;
        _batchCrossAttention ??= BatchCrossAttentionItem;
        var b = _batch;
        var n = m * _state;
        for (var i = 0; i < m; i++)
        {
            _cache.Append(0);
        }

        var x = b.X.Slice(0, n);
        for (var i = 0; i < m; i++)
        {
            var row = x.Slice(i * _state, _state);
            _weights.TokenEmbedding.ReadRow(tokens[i], row);
            TensorPrimitives.Add(row, _weights.PositionalEmbedding.AsSingles().Slice((start + i) * _state, _state), row);
        }

        _batchStart = start;
        for (var layer = 0; layer < _layers; layer++)
        {
            _layer = layer;
            var block = _weights.Blocks[layer];
            NormalizeRows(b.X, b.Normed, m, block.AttnLnWeight, block.AttnLnBias);

            // Linear.Forward rounds its input in place for f16 weights; q, k and v all read the same rounded rows.
            Linear.Forward(b.Normed.Pointer, m, block.QueryWeight, block.QueryBias, b.Query.Pointer, b.Packed, _threads);
            Linear.Forward(b.Normed.Pointer, m, block.KeyWeight, null, b.Key.Pointer, b.Packed, _threads);
            Linear.Forward(b.Normed.Pointer, m, block.ValueWeight, block.ValueBias, b.Value.Pointer, b.Packed, _threads);
            var q = b.Query.Slice(0, n);
            TensorPrimitives.Multiply(q, _qkScale, q);
            HalfConversion.RoundToHalfPrecision(q);
            for (var i = 0; i < m; i++)
            {
                var keys = new Span<float>(_cache.KeyRow(0, start + i, layer), _state);
                TensorPrimitives.Multiply(b.Key.Slice((long)i * _state, _state), _qkScale, keys);
                HalfConversion.RoundToHalfPrecision(keys);
                HalfConversion.RoundToHalfPrecision(b.Value.Slice((long)i * _state, _state), new Span<float>(_cache.ValueRow(0, start + i, layer), _state));
            }
            _team.Run(m * _heads, _batchSelfAttention);
            Linear.Forward(b.Attention.Pointer, m, block.OutWeight, block.OutBias, b.Query.Pointer, b.Packed, _threads);
            TensorPrimitives.Add(x, b.Query.Slice(0, n), x);

            NormalizeRows(b.X, b.Normed, m, block.CrossLnWeight!, block.CrossLnBias!);
            Linear.Forward(b.Normed.Pointer, m, block.CrossQueryWeight!, block.CrossQueryBias, b.Query.Pointer, b.Packed, _threads);
            HalfConversion.RoundToHalfPrecision(b.Query.Slice(0, n));
            _team.Run(m * _heads, _batchCrossAttention);
            Linear.Forward(b.Attention.Pointer, m, block.CrossOutWeight!, block.CrossOutBias, b.Query.Pointer, b.Packed, _threads);
            TensorPrimitives.Add(x, b.Query.Slice(0, n), x);

            NormalizeRows(b.X, b.Normed, m, block.MlpLnWeight, block.MlpLnBias);
            Linear.Forward(b.Normed.Pointer, m, block.Mlp0Weight, block.Mlp0Bias, b.Hidden.Pointer, b.Packed, _threads);
            Gelu.Apply(b.Hidden.Slice(0, 4 * n));
            Linear.Forward(b.Hidden.Pointer, m, block.Mlp2Weight, block.Mlp2Bias, b.Query.Pointer, b.Packed, _threads);
            TensorPrimitives.Add(x, b.Query.Slice(0, n), x);
        }

        x.Slice((m - 1) * _state, _state).CopyTo(_step.X.Span);
    }

    private static void NormalizeRows(PinnedBuffer input, PinnedBuffer output, int rows, GgmlTensor weight, GgmlTensor bias)
    {
        var state = weight.RowLength;
        for (var i = 0; i < rows; i++)
        {
            LayerNorm.Apply(input.Slice((long)i * state, state), weight.AsSingles(), bias.AsSingles(), output.Slice((long)i * state, state));
        }
    }

    private float* AttentionScratch()
    {
        var scratch = t_attentionScratch;
        var needed = _scoresPerHead;
        if (scratch is null || scratch.Length < needed)
        {
            scratch = GC.AllocateArray<float>(needed, pinned: true);
            t_attentionScratch = scratch;
        }

        return (float*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref scratch[0]);
    }

    // Token i of the batch sees the cache up to its own position (the causal mask of ggml's KQ_mask).
    private void BatchSelfAttentionItem(int item)
    {
        var token = item / _heads;
        var head = item % _heads;
        var offset = (long)token * _state + head * _headSize;
        SelfAttentionHead(0, _layer, _batchStart + token + 1, _batch!.Query.Pointer + offset, _batch.Attention.Pointer + offset, head, AttentionScratch());
    }

    private void BatchCrossAttentionItem(int item)
    {
        var token = item / _heads;
        var head = item % _heads;
        var offset = (long)token * _state + head * _headSize;
        CrossAttentionHead(_layer, head, _batch!.Query.Pointer + offset, _batch.Attention.Pointer + offset, AttentionScratch());
    }
}
