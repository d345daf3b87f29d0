using LazyLecture.Contracts.Jobs;
using Xunit;

namespace LazyLecture.Tests.Contracts;

/// <summary>The one check of a worker's segments, for saved chunks and partial results alike (chunk 1 runs here from 30 s to 60 s).</summary>
public class SegmentRulesTests
{
    private const int ChunkNo = 1;
    private const double ChunkStart = 30, ChunkEnd = 60;

    private static readonly SegmentDecoding GoodDecoding = new([50364, 400, 50464], 3000, 0.2f, -0.3, 1.4, 0.01);

    [Fact]
    public void Segments_inside_their_chunk_with_good_words_and_statistics_pass()
    {
        SegmentInput[] segments =
        [
            new(30, 34.5, " Hello there", [new(30, 31, " Hello", 0.9), new(31.2, 34.5, " there", 1)], GoodDecoding),
            new(34.5, 34.5, "", []),
            // the tolerance of ChunkBounds: times rounded between processes may end a hair past the chunk
            new(58, 60.005, "end"),
        ];

        Assert.Null(SegmentRules.Check(segments, ChunkNo, ChunkStart, ChunkEnd));
        Assert.Null(SegmentRules.Check(null, ChunkNo, ChunkStart, ChunkEnd));
        Assert.Null(SegmentRules.Check([], ChunkNo, ChunkStart, ChunkEnd));
    }

    public static TheoryData<string, SegmentInput?> BadSegments => new()
    {
        { "end before start", new(40, 39, "x") },
        { "negative start", new(-1, 1, "x") },
        { "NaN start", new(double.NaN, 40, "x") },
        { "infinite end", new(40, double.PositiveInfinity, "x") },
        { "no text", new(40, 41, null!) },
        { "no segment at all", null },
    };

    [Theory]
    [MemberData(nameof(BadSegments))]
    public void A_segment_needs_finite_ordered_times_and_a_text(string why, SegmentInput? segment)
    {
        var problem = SegmentRules.Check([new(30, 31, "fine"), segment!], ChunkNo, ChunkStart, ChunkEnd);

        Assert.True(problem is { Field: "segments" }, $"{why}: {problem}");
    }

    [Theory]
    [InlineData(29, 31)]
    [InlineData(59, 61)]
    [InlineData(0, 5)]
    public void A_segment_outside_its_chunk_is_refused_and_named(double start, double end)
    {
        var problem = SegmentRules.Check([new(start, end, "x")], ChunkNo, ChunkStart, ChunkEnd);

        Assert.NotNull(problem);
        Assert.Equal("segments", problem.Field);
        Assert.Contains($"outside chunk {ChunkNo} (30-60 s)", problem.Message);
    }

    public static TheoryData<string, SegmentWord?> BadWords => new()
    {
        { "probability above 1", new(31, 32, "x", 1.01) },
        { "negative probability", new(31, 32, "x", -0.1) },
        { "NaN probability", new(31, 32, "x", double.NaN) },
        { "end before start", new(32, 31, "x", 0.5) },
        { "NaN end", new(31, double.NaN, "x", 0.5) },
        { "no text", new(31, 32, null!, 0.5) },
        { "outside the chunk", new(61, 62, "x", 0.5) },
        { "no word at all", null },
    };

    [Theory]
    [MemberData(nameof(BadWords))]
    public void Every_word_keeps_the_word_rules(string why, SegmentWord? word)
    {
        var problem = SegmentRules.Check([new(30, 40, "x y", [new(30, 31, "x", 0.5), word!])], ChunkNo, ChunkStart, ChunkEnd);

        Assert.True(problem is { Field: "segments.words" }, $"{why}: {problem}");
    }

    public static TheoryData<string, SegmentDecoding> BadDecodings => new()
    {
        { "negative token", GoodDecoding with { Tokens = [1, -2] } },
        { "no token list", GoodDecoding with { Tokens = null! } },
        { "negative seek", GoodDecoding with { Seek = -1 } },
        { "negative temperature", GoodDecoding with { Temperature = -0.2f } },
        { "NaN temperature", GoodDecoding with { Temperature = float.NaN } },
        { "positive log-probability", GoodDecoding with { AvgLogprob = 0.5 } },
        { "infinite log-probability", GoodDecoding with { AvgLogprob = double.NegativeInfinity } },
        { "negative compression ratio", GoodDecoding with { CompressionRatio = -1 } },
        { "no-speech probability above 1", GoodDecoding with { NoSpeechProb = 1.5 } },
    };

    [Theory]
    [MemberData(nameof(BadDecodings))]
    public void Decoding_statistics_stay_in_their_ranges(string why, SegmentDecoding decoding)
    {
        var problem = SegmentRules.Check([new(30, 40, "x", null, decoding)], ChunkNo, ChunkStart, ChunkEnd);

        Assert.True(problem is { Field: "segments.decoding" }, $"{why}: {problem}");
    }

    [Fact]
    public void Statistics_the_engine_cannot_tell_may_be_null_and_temperature_may_pass_1_by_a_float_step()
    {
        var decoding = new SegmentDecoding([], null, 1.0000001f, null, null, null);

        Assert.Null(SegmentRules.Check([new(30, 40, "x", null, decoding)], ChunkNo, ChunkStart, ChunkEnd));
    }
}
