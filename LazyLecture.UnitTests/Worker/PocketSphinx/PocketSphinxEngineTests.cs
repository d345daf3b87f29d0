using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Engines.PocketSphinx;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Worker.PocketSphinx;

public sealed class PocketSphinxEngineTests
{
    private const int SampleRate = 16000;

    /// <summary>Debian's pocketsphinx_continuous reaches 57.6 % pooled on these files with the same library and model.</summary>
    private const double MaxPooledWordErrorRate = 0.58;

    private static readonly string[] AccuracyFiles = ["jfk", "LDC93S1"];

    [Fact]
    public async Task Pooled_word_error_rate_on_jfk_and_LDC93S1_is_no_worse_than_pocketsphinx_continuous()
    {
        using var engine = CreateEngine();
        var pairs = new List<(string Reference, string Hypothesis)>();
        foreach (var name in AccuracyFiles)
        {
            var audio = ReadMono16kHz($"audio/{name}.wav");
            var reference = await File.ReadAllTextAsync(SharedAssets.Require($"audio/{name}.txt"), TestContext.Current.CancellationToken);
            var hypothesis = Text(await TranscribeAsync(engine, audio.Samples, null, TestContext.Current.CancellationToken));
            var rate = WordErrorRate.Pooled([(reference, hypothesis)]);
            TestContext.Current.TestOutputHelper?.WriteLine($"{name}: WER {rate:P1} \"{hypothesis}\"");
            pairs.Add((reference, hypothesis));
        }

        var pooled = WordErrorRate.Pooled(pairs);
        TestContext.Current.TestOutputHelper?.WriteLine($"pooled: WER {pooled:P1}");
        Assert.True(pooled <= MaxPooledWordErrorRate, $"Pooled WER {pooled:P1} is above {MaxPooledWordErrorRate:P0}.");
    }

    [Theory]
    [InlineData("jfk")]
    [InlineData("LDC93S1")]
    public async Task Words_match_pocketsphinx_continuous_on_the_same_audio(string name)
    {
        var wav = SharedAssets.Require($"audio/{name}.wav");
        if (!File.Exists("/usr/bin/pocketsphinx_continuous"))
        {
            Assert.Skip("pocketsphinx_continuous (Debian package pocketsphinx) is not installed.");
        }

        // Raw PCM, so the tool decodes exactly the stream the engine decodes (it would read a LIST chunk as samples): the
        // engine's lead-in of silence, then the samples.
        var audio = ReadMono16kHz($"audio/{name}.wav");
        var leadIn = (int)Math.Round(new PocketSphinxOptions().LeadInSecs * 100) * (SampleRate / 100);
        var raw = Path.Combine(Path.GetTempPath(), $"lazylecture-pocketsphinx-{Guid.NewGuid():N}.raw");
        try
        {
            var pcm = new short[leadIn + audio.Samples.Length];
            for (var i = 0; i < audio.Samples.Length; i++)
            {
                pcm[leadIn + i] = (short)Math.Round(audio.Samples[i] * 32768f);
            }

            await File.WriteAllBytesAsync(raw, System.Runtime.InteropServices.MemoryMarshal.AsBytes(pcm.AsSpan()).ToArray(), TestContext.Current.CancellationToken);
            var expected = WordErrorRate.Normalize(await RunContinuousAsync(raw));

            // without the cepstral-mean warm-up, the one step the tool does not take
            using var engine = CreateEngine(options => options.CepstralMeanWarmUpSecs = 0);
            var actual = WordErrorRate.Normalize(Text(await TranscribeAsync(engine, audio.Samples, null, TestContext.Current.CancellationToken)));

            Assert.NotEmpty(expected);
            Assert.Equal(expected.Select(StripPronunciationMarker), actual);
        }
        finally
        {
            File.Delete(raw);
        }
    }

    [Fact]
    public async Task Segments_are_ordered_within_the_audio_and_hold_only_words()
    {
        var audio = ReadMono16kHz("audio/jfk.wav");
        using var engine = CreateEngine();

        var segments = await TranscribeAsync(engine, audio.Samples, null, TestContext.Current.CancellationToken);

        Assert.NotEmpty(segments);
        var previousEnd = 0.0;
        foreach (var segment in segments)
        {
            Assert.InRange(segment.Start, previousEnd, segment.End);
            Assert.InRange(segment.End, segment.Start, (audio.Samples.Length / (double)audio.SampleRate));
            Assert.False(string.IsNullOrWhiteSpace(segment.Text));
            Assert.DoesNotMatch(@"[<>\[\]()+]", segment.Text);
            previousEnd = segment.End;
        }

        // The first words ("and so my fellow americans") start within the first second of speech.
        Assert.InRange(segments[0].Start, 0, 1);
    }

    /// <summary>The cepstral-mean warm-up decodes the first seconds twice; the words it then finds keep their place in time.</summary>
    [Fact]
    public async Task Words_found_with_and_without_the_cepstral_mean_warm_up_lie_at_the_same_times()
    {
        var audio = ReadMono16kHz("audio/jfk.wav");
        using var plain = CreateEngine(options => options.CepstralMeanWarmUpSecs = 0);
        using var warmed = CreateEngine();

        var without = (await TranscribeAsync(plain, audio.Samples, null, TestContext.Current.CancellationToken)).SelectMany(s => s.Words).ToList();
        var with = (await TranscribeAsync(warmed, audio.Samples, null, TestContext.Current.CancellationToken)).SelectMany(s => s.Words).ToList();

        // "country" and "americans" are recognised both ways: each occurrence lies within a few frames of the other's
        foreach (var word in new[] { "country", "americans" })
        {
            var plainTimes = without.Where(w => w.Text == word).Select(w => w.Start).ToList();
            var warmedTimes = with.Where(w => w.Text == word).Select(w => w.Start).ToList();
            Assert.NotEmpty(warmedTimes);
            Assert.All(plainTimes, t => Assert.Contains(warmedTimes, u => Math.Abs(u - t) < 0.15));
        }

        Assert.All(with, w => Assert.InRange(w.End, w.Start, audio.Samples.Length / (double)audio.SampleRate));
    }

    [Fact]
    public async Task Segments_report_only_the_statistics_pocketsphinx_has()
    {
        var audio = ReadMono16kHz("audio/jfk.wav");
        using var engine = CreateEngine();

        var segments = await TranscribeAsync(engine, audio.Samples, null, TestContext.Current.CancellationToken);

        Assert.NotEmpty(segments);
        foreach (var segment in segments)
        {
            var decoding = Assert.IsType<SegmentDecoding>(segment.Decoding);
            Assert.Empty(decoding.Tokens); // no Whisper vocabulary
            Assert.Null(decoding.Seek);
            Assert.Null(decoding.Temperature);
            Assert.Null(decoding.NoSpeechProb);
            var average = segment.Words.Average(w => Math.Log(Math.Max(w.Probability, Math.Exp(-20))));
            Assert.Equal(average, decoding.AvgLogprob!.Value, 1e-9);
            Assert.InRange(decoding.AvgLogprob.Value, -20, 0);
            Assert.True(decoding.CompressionRatio > 0);
        }
    }

    [Fact]
    public async Task Long_speech_is_split_into_segments_of_at_most_the_configured_words_and_length()
    {
        var jfk = ReadMono16kHz("audio/jfk.wav").Samples;
        var audio = Enumerable.Repeat(jfk, 3).SelectMany(s => s).ToArray();
        using var engine = CreateEngine(options => { options.MaxSegmentWords = 4; options.MaxSegmentSecs = 2; });

        var segments = await TranscribeAsync(engine, audio, null, TestContext.Current.CancellationToken);

        Assert.True(segments.Count >= 6, $"Only {segments.Count} segments.");
        Assert.All(segments, segment =>
        {
            Assert.InRange(segment.Text.Split(' ').Length, 1, 4);
            Assert.InRange(segment.End - segment.Start, 0, 2 + 1e-9);
        });
    }

    [Fact]
    public async Task Thirty_seconds_of_silence_give_no_words()
    {
        using var engine = CreateEngine();
        var progress = new RecordedProgress();

        var segments = await TranscribeAsync(engine, new float[30 * SampleRate], progress, TestContext.Current.CancellationToken);

        Assert.Empty(segments);
        Assert.Equal(30, progress.Values.Last(), 3);
    }

    [Fact]
    public async Task Progress_rises_to_the_length_of_the_audio()
    {
        var audio = ReadMono16kHz("audio/LDC93S1.wav");
        using var engine = CreateEngine();
        var progress = new RecordedProgress();

        await TranscribeAsync(engine, audio.Samples, progress, TestContext.Current.CancellationToken);

        var values = progress.Values.ToArray();
        Assert.True(values.Length >= 2, "Progress was reported only once.");
        Assert.Equal(values.Order(), values);
        Assert.Equal((audio.Samples.Length / (double)audio.SampleRate), values[^1], 3);
    }

    [Fact]
    public async Task Cancellation_stops_a_transcription_before_the_end_of_the_audio()
    {
        var jfk = ReadMono16kHz("audio/jfk.wav").Samples;
        var audio = Enumerable.Repeat(jfk, 6).SelectMany(s => s).ToArray();
        var audioSecs = audio.Length / (double)SampleRate;
        using var engine = CreateEngine();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var progress = new RecordedProgress(_ => cancellation.Cancel());

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TranscribeAsync(engine, audio, progress, cancellation.Token));

        Assert.Equal(cancellation.Token, exception.CancellationToken);
        Assert.True(progress.Values.Max() < audioSecs / 2, $"Decoding went on to {progress.Values.Max()} s of {audioSecs} s.");
    }

    [Fact]
    public async Task An_already_cancelled_token_stops_the_transcription_before_it_starts()
    {
        using var engine = CreateEngine();
        var progress = new RecordedProgress();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TranscribeAsync(engine, new float[SampleRate], progress, new CancellationToken(canceled: true)));

        Assert.Empty(progress.Values);
    }

    [Fact]
    public async Task Disposing_the_engine_stops_a_running_transcription_and_refuses_new_ones()
    {
        var jfk = ReadMono16kHz("audio/jfk.wav").Samples;
        var audio = Enumerable.Repeat(jfk, 6).SelectMany(s => s).ToArray();
        var engine = CreateEngine();
        var progress = new RecordedProgress(_ => engine.Dispose());

        await Assert.ThrowsAsync<ObjectDisposedException>(() => TranscribeAsync(engine, audio, progress, TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => TranscribeAsync(engine, jfk, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Concurrent_transcriptions_do_not_disturb_each_other()
    {
        var jfk = ReadMono16kHz("audio/jfk.wav").Samples;
        var ldc = ReadMono16kHz("audio/LDC93S1.wav").Samples;
        using var engine = CreateEngine();
        var aloneJfk = Text(await TranscribeAsync(engine, jfk, null, TestContext.Current.CancellationToken));
        var aloneLdc = Text(await TranscribeAsync(engine, ldc, null, TestContext.Current.CancellationToken));

        var together = await Task.WhenAll(
            Task.Run(async () => Text(await TranscribeAsync(engine, jfk, null, TestContext.Current.CancellationToken)), TestContext.Current.CancellationToken),
            Task.Run(async () => Text(await TranscribeAsync(engine, ldc, null, TestContext.Current.CancellationToken)), TestContext.Current.CancellationToken),
            Task.Run(async () => Text(await TranscribeAsync(engine, jfk, null, TestContext.Current.CancellationToken)), TestContext.Current.CancellationToken));

        Assert.Equal([aloneJfk, aloneLdc, aloneJfk], together);
    }

    [Fact]
    public async Task Leaving_the_enumeration_early_ends_the_transcription_quietly()
    {
        var jfk = ReadMono16kHz("audio/jfk.wav").Samples;
        using var engine = CreateEngine();

        await foreach (var segment in engine.TranscribeAsync(jfk, null, TestContext.Current.CancellationToken))
        {
            Assert.NotEmpty(segment.Text);
            break;
        }

        // The engine still works: the abandoned call freed its decoder and left nothing behind.
        Assert.NotEmpty(await TranscribeAsync(engine, jfk, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_missing_model_fails_the_call_with_the_path_instead_of_ending_the_process()
    {
        using var engine = CreateEngine(options => options.DictionaryPath = "/nonexistent/lazylecture.dict");

        var exception = await Assert.ThrowsAsync<FileNotFoundException>(() => TranscribeAsync(engine, new float[SampleRate], null, TestContext.Current.CancellationToken));

        Assert.Contains("/nonexistent/lazylecture.dict", exception.Message, StringComparison.Ordinal);
    }

    internal static PocketSphinxEngine CreateEngine(Action<PocketSphinxOptions>? configure = null) => PocketSphinxRun.CreateEngine(configure);

    private static WaveFile.Audio ReadMono16kHz(string relativePath) => PocketSphinxRun.ReadMono16kHz(relativePath);

    private static Task<List<EngineSegment>> TranscribeAsync(PocketSphinxEngine engine, float[] samples, IProgress<double>? progress, CancellationToken cancellationToken) =>
        PocketSphinxRun.TranscribeAsync(engine, samples, progress, cancellationToken);

    private static string Text(IEnumerable<EngineSegment> segments) => string.Join(' ', segments.Select(s => s.Text));

    private static string StripPronunciationMarker(string word)
    {
        var open = word.IndexOf('(', StringComparison.Ordinal);
        return open > 0 ? word[..open] : word;
    }

    private static async Task<string> RunContinuousAsync(string rawFile)
    {
        var startInfo = new ProcessStartInfo("pocketsphinx_continuous") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-infile", rawFile, "-logfn", "/dev/null" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"pocketsphinx_continuous failed: {await errors}");
        return output;
    }

    /// <summary>Records progress synchronously on the reporting thread (unlike Progress&lt;T&gt;, which posts).</summary>
    private sealed class RecordedProgress(Action<double>? onReport = null) : IProgress<double>
    {
        private readonly ConcurrentQueue<double> _values = new();

        public IReadOnlyCollection<double> Values => _values;

        public void Report(double value)
        {
            _values.Enqueue(value);
            onReport?.Invoke(value);
        }
    }
}
