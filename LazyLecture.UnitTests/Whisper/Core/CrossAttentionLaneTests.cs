using LazyLecture.Whisper.Kernels;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>
/// The AVX-512 kernels that attend several beams at once over one window's keys and values. Not part of
/// <see cref="KernelTests"/>, which <see cref="KernelInstructionSetTests"/> re-runs without AVX-512, where the decoder
/// attends one beam at a time and these kernels are never called.
/// </summary>
public sealed unsafe class CrossAttentionLaneTests
{
    private readonly Random _random = new(1234);
    [Theory]
    [InlineData(1, 1500)]
    [InlineData(2, 1500)]
    [InlineData(3, 64)]
    [InlineData(4, 5)]
    [InlineData(5, 1500)]
    public void Cross_attention_of_several_queries_has_the_bits_of_one_query_at_a_time(int lanes, int positions)
    {
        if (!CrossAttentionLanes.IsSupported(CrossAttentionLanes.HeadSize))
        {
            Assert.Skip("The several-query kernels need AVX-512; the decoder takes one query at a time here.");
        }

        const int headSize = CrossAttentionLanes.HeadSize, stride = 384, offset = 128;
        var keys = RandomHalves(positions * stride);
        var blocks = Attention.KeyBlocks(positions);
        var keyBlocks = new ushort[blocks * headSize * Attention.KeyBlock];
        Attention.StoreKeyBlocks(keys, stride, offset, headSize, positions, keyBlocks);
        var values = RandomHalves(positions * headSize); // one head's [position][d], as the decoder stores them
        var queries = RandomArray(lanes * stride); // each lane's query at its own row, as the decoder's lanes lie
        HalfConversion.RoundToHalfPrecision(queries);
        var scoresStride = blocks * Attention.KeyBlock;
        var p = RandomArray(lanes * scoresStride);
        var alone = (Scores: new float[lanes * scoresStride], Sums: new float[lanes * stride]);
        var together = (Scores: new float[lanes * scoresStride], Sums: new float[lanes * stride]);
        fixed (ushort* pk = keyBlocks, pv = values)
        fixed (float* pq = queries, pp = p, s1 = alone.Scores, o1 = alone.Sums, s2 = together.Scores, o2 = together.Sums)
        {
            for (var i = 0; i < lanes; i++)
            {
                Attention.ScoresF16(pq + i * stride, pk, headSize, blocks, s1 + i * scoresStride);
                Attention.WeightedSumF16(p.AsSpan(i * scoresStride, positions), pv, headSize, headSize, o1 + i * stride);
            }

            switch (lanes)
            {
                case 1: Together<InputCount1>(pq, stride, pk, blocks, pp, scoresStride, positions, pv, s2, o2); break;
                case 2: Together<InputCount2>(pq, stride, pk, blocks, pp, scoresStride, positions, pv, s2, o2); break;
                case 3: Together<InputCount3>(pq, stride, pk, blocks, pp, scoresStride, positions, pv, s2, o2); break;
                case 4: Together<InputCount4>(pq, stride, pk, blocks, pp, scoresStride, positions, pv, s2, o2); break;
                default: Together<InputCount5>(pq, stride, pk, blocks, pp, scoresStride, positions, pv, s2, o2); break;
            }
        }

        Assert.Equal(alone.Scores, together.Scores);
        Assert.Equal(alone.Sums, together.Sums);
        Assert.Contains(together.Sums, value => value != 0f);
    }

    // Several queries at once, their scores scoresStride and their outputs queryStride apart (as the decoder's lanes lie).
    private static void Together<TLanes>(float* queries, int queryStride, ushort* keyBlocks, int blocks, float* p, int scoresStride, int positions, ushort* values, float* scores, float* outputs)
        where TLanes : struct, IInputCount
    {
        CrossAttentionLanes.ScoresF16<TLanes>(queries, queryStride, keyBlocks, blocks, scores, scoresStride);
        CrossAttentionLanes.WeightedSumF16<TLanes>(p, scoresStride, positions, values, outputs, queryStride);
    }

    private float[] RandomArray(int n) => [.. Enumerable.Range(0, n).Select(_ => (float)(_random.NextDouble() * 2 - 1))];

    private ushort[] RandomHalves(int n) => [.. Enumerable.Range(0, n).Select(_ => BitConverter.HalfToUInt16Bits((Half)(_random.NextDouble() - 0.5)))];
}
