using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Transcription;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

public class WindowDecoderTests
{
    private const int Sot = 50257;
    private const int Eot = 50256;
    private const int NoSpeech = 50361;
    private const int Beg = 50363;

    private static WindowDecoder Create(WindowDecodingSettings settings)
    {
        var tokenizer = SyntheticVocabulary.English();
        return new WindowDecoder(tokenizer, new LogitFilter(tokenizer, new LogitFilterSettings()), settings, 448);
    }

    /// <summary>Plays a fixed script of tokens after the prompt, then end of text.</summary>
    private static ScriptedDecoder Script(int promptLength, params int[] script) => new((fed, logits) =>
    {
        var step = fed.Count - promptLength;
        SyntheticVocabulary.Favour(logits, step < script.Length ? script[step] : Eot);
    });

    [Fact]
    public void Greedy_window_ends_at_end_of_text_and_advances_to_the_last_timestamp()
    {
        var decoder = Script(1, Beg, 400, 401, Beg + 150, Beg + 150, 402, Beg + 250);

        var result = Create(new WindowDecodingSettings()).Decode(decoder, [Sot], [Sot], seek: 0, seekEnd: 2000, CancellationToken.None);

        Assert.False(result.Failed);
        Assert.Equal([Beg, 400, 401, Beg + 150, Beg + 150, 402, Beg + 250], result.Tokens.Select(t => t.Id));
        Assert.Equal(500, result.SeekDelta);
        Assert.Equal(0f, result.Temperature);
    }

    [Fact]
    public void Segments_split_at_timestamp_pairs_with_their_times()
    {
        var decoder = Script(1, Beg, 400, 401, Beg + 150, Beg + 150, 402, Beg + 250);
        var tokenizer = SyntheticVocabulary.English();
        var result = Create(new WindowDecodingSettings()).Decode(decoder, [Sot], [Sot], 0, 2000, CancellationToken.None);

        var segments = SegmentBuilder.Build(tokenizer, result, seek: 3000, singleSegment: false);

        Assert.Equal(2, segments.Count);
        Assert.Equal((30.0, 33.0, " w400 w401"), (segments[0].Start, segments[0].End, segments[0].Text));
        Assert.Equal((33.0, 35.0, " w402"), (segments[1].Start, segments[1].End, segments[1].Text));
        Assert.Equal([400, 401], segments[0].Tokens);
    }

    [Fact]
    public void Each_segment_carries_its_tokens_with_their_timestamps_and_its_windows_statistics()
    {
        var decoder = Script(1, Beg, 400, 401, Beg + 150, Beg + 150, 402, Beg + 250);
        var tokenizer = SyntheticVocabulary.English();
        var result = Create(new WindowDecodingSettings()).Decode(decoder, [Sot], [Sot], 0, 2000, CancellationToken.None);

        var segments = SegmentBuilder.Build(tokenizer, result, seek: 3000, singleSegment: false);

        Assert.Equal([Beg, 400, 401, Beg + 150], segments[0].DecodedTokens);
        // whisper.cpp starts the next segment after the whole timestamp pair
        Assert.Equal([402, Beg + 250], segments[1].DecodedTokens);
        // whisper.cpp's average: the log-probabilities of every token of the window's result, timestamps included
        var average = result.Tokens.Take(result.ResultLength).Average(t => (double)t.LogProbability);
        Assert.All(segments, segment =>
        {
            var window = Assert.IsType<WindowStatistics>(segment.Window);
            Assert.Equal(3000, window.Seek);
            Assert.Equal(0f, window.Temperature);
            Assert.Equal(average, window.AverageLogProbability, 1e-9);
            Assert.InRange(window.AverageLogProbability, double.MinValue, 0);
            Assert.Equal(CompressionRatio.Of(" w400 w401 w402"), window.CompressionRatio);
            Assert.Equal(result.NoSpeechProbability, window.NoSpeechProbability);
            Assert.InRange(window.NoSpeechProbability, 0f, 1f);
        });
    }

    [Fact]
    public void Compression_ratio_is_the_text_length_over_its_zlib_length()
    {
        var text = string.Concat(Enumerable.Repeat(" lap", 100));
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Optimal))
        {
            zlib.Write(System.Text.Encoding.UTF8.GetBytes(text));
        }

        Assert.Equal(400.0 / compressed.ToArray().Length, CompressionRatio.Of(text), 1e-12);
        Assert.Equal(0, CompressionRatio.Of(""));
    }

    [Fact]
    public void Repetition_without_timestamps_fails_and_falls_back_to_a_higher_temperature()
    {
        // always the same word at temperature 0; with temperature the rule's flat tail lets the sampler escape
        var decoder = new ScriptedDecoder((fed, logits) =>
        {
            logits.AsSpan().Fill(0f);
            logits[400] = 14f;
        });
        var settings = new WindowDecodingSettings { Temperatures = [0f, 0.2f, 0.4f], BestOf = 2 };

        var result = Create(settings).Decode(decoder, [Sot], [Sot], 0, 2000, CancellationToken.None);

        Assert.NotEqual(0f, result.Temperature);
    }

    [Fact]
    public void Without_fallback_a_failed_window_keeps_every_sampled_token_and_the_full_window()
    {
        var decoder = new ScriptedDecoder((fed, logits) => SyntheticVocabulary.Favour(logits, 400));

        var result = Create(new WindowDecodingSettings()).Decode(decoder, [Sot], [Sot], 0, 2000, CancellationToken.None);

        Assert.True(result.Failed);
        Assert.Equal(220, result.Tokens.Length);
        Assert.Equal(0, result.ResultLength);
        Assert.Equal(3000, result.SeekDelta);
        Assert.Equal(double.NegativeInfinity, result.AverageLogProbability);
    }

    [Fact]
    public void Low_confidence_window_with_likely_no_speech_is_reported_as_no_speech()
    {
        var decoder = new ScriptedDecoder((fed, logits) =>
        {
            logits.AsSpan().Fill(0f);
            if (fed.Count == 1)
            {
                logits[NoSpeech] = 30f; // p(no speech) ≈ 1 at the prompt
                logits[Beg] = 12f;
            }
            else if (fed.Count >= 4)
            {
                logits[Eot] = 12f;
            }
        });

        var result = Create(new WindowDecodingSettings()).Decode(decoder, [Sot], [Sot], 0, 2000, CancellationToken.None);

        Assert.True(result.NoSpeechProbability > 0.6f);
        Assert.True(result.AverageLogProbability < -1.0);
        Assert.True(result.IsNoSpeech);
    }

    [Fact]
    public void Max_tokens_per_window_ends_the_window_early()
    {
        var decoder = Script(1, Beg, 400, 401, 402, 403, 404, 405, 406, Beg + 50);

        var result = Create(new WindowDecodingSettings { MaxTokens = 3 }).Decode(decoder, [Sot], [Sot], 0, 2000, CancellationToken.None);

        Assert.Equal(4, result.Tokens.Length);
    }

    [Fact]
    public void Past_text_prompt_is_dropped_at_high_temperature()
    {
        var prompts = new List<int>();
        var decoder = new ScriptedDecoder((fed, logits) =>
        {
            prompts.Add(fed[0]);
            logits.AsSpan().Fill(0f);
            logits[400] = 14f;
        });
        var settings = new WindowDecodingSettings { Temperatures = [0f, 0.5f], BestOf = 1 };

        Create(settings).Decode(decoder, [50360, 999, Sot], [Sot], 0, 2000, CancellationToken.None);

        Assert.Equal(50360, prompts[0]);
        Assert.Equal(Sot, prompts[^1]);
    }

    [Fact]
    public void Cancellation_stops_between_tokens()
    {
        using var cts = new CancellationTokenSource();
        var decoder = new ScriptedDecoder((fed, logits) => SyntheticVocabulary.Favour(logits, 400))
        {
            OnDecode = () => cts.Cancel(),
        };

        Assert.Throws<OperationCanceledException>(() =>
            Create(new WindowDecodingSettings()).Decode(decoder, [Sot], [Sot], 0, 2000, cts.Token));
        Assert.True(decoder.DecodeCalls <= 2);
    }

    [Fact]
    public void Entropy_of_a_repeating_sequence_is_low_and_of_varied_text_high()
    {
        var repeated = Enumerable.Repeat(new SampledToken(5, 0, 1, 0, 0, 0), 40).ToArray();
        var varied = Enumerable.Range(0, 40).Select(i => new SampledToken(i, 0, 1, -0.5f, 0, 0)).ToArray();

        Assert.Equal(0, SequenceScore.Of(repeated, -1).Entropy, 6);
        Assert.Equal(Math.Log(32), SequenceScore.Of(varied, -1).Entropy, 6);
        Assert.Equal(-0.5, SequenceScore.Of(varied, -1).AverageLogProbability, 6);
    }

    [Fact]
    public void Compression_ratio_of_repeated_text_is_high()
    {
        Assert.True(CompressionRatio.Of(string.Concat(Enumerable.Repeat(" lap", 100))) > 2.4);
        Assert.True(CompressionRatio.Of("And so my fellow Americans, ask not what your country can do for you.") < 2.4);
    }

    [Fact]
    public void Decoding_allocates_nothing_per_token()
    {
        var decoder = Create(new WindowDecodingSettings());
        long AllocatedFor(int textTokens)
        {
            var source = new FixedScriptDecoder(textTokens);
            decoder.Decode(source, [Sot], [Sot], 0, 2000, CancellationToken.None); // warm up
            var before = GC.GetAllocatedBytesForCurrentThread();
            var result = decoder.Decode(source, [Sot], [Sot], 0, 2000, CancellationToken.None);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(textTokens + 2, result.Tokens.Length); // <|0.00|>, text, closing timestamp; end of text is cut
            return allocated;
        }

        var shortWindow = AllocatedFor(10);
        var longWindow = AllocatedFor(150);

        // only the result's token array grows with the window (24 bytes per token)
        Assert.True(longWindow - shortWindow <= 140 * 24 + 512, $"{shortWindow} vs {longWindow} bytes");
    }

    /// <summary>Text tokens then a closing timestamp and end of text, without allocating.</summary>
    private sealed class FixedScriptDecoder(int textTokens) : IDecoderLogitSource
    {
        public int PastTokens { get; private set; }

        public void Rewind(int pastTokens) => PastTokens = pastTokens;

        public void Decode(ReadOnlySpan<int> tokens, Span<float> logits)
        {
            PastTokens += tokens.Length;
            var step = PastTokens - 1;
            logits.Fill(-10f);
            logits[step == 0 ? Beg : step <= textTokens ? 400 + step : step == textTokens + 1 ? Beg + 500 : Eot] = 10f;
        }
    }
}
