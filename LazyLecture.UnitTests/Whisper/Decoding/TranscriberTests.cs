using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Transcription;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

public class TranscriberTests
{
    private static readonly WhisperOptions Greedy = new() { Threads = 2, NoFallback = true, BestOf = 1 };

    [Fact]
    public async Task Cancellation_stops_a_transcription_between_windows()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var jfk = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), TestContext.Current.CancellationToken);
        var longAudio = new float[jfk.Length * 6]; // 66 s: three windows at least
        for (var i = 0; i < 6; i++)
        {
            jfk.CopyTo(longAudio, i * jfk.Length);
        }

        using var transcriber = new WhisperTranscriber(model, Greedy);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var reports = new List<TranscriptionProgress>();
        var progress = new SynchronousProgress(p =>
        {
            reports.Add(p);
            if (p.WindowsDone >= 1)
            {
                cts.Cancel();
            }
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in transcriber.TranscribeAsync(longAudio, progress, cts.Token))
            {
            }
        });

        Assert.True(reports[^1].ProcessedSeconds < 66);
        Assert.True(transcriber.Statistics.Windows < 3);
    }

    [Fact]
    public async Task Segments_of_a_real_decode_carry_their_tokens_and_plausible_window_statistics()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var jfk = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), TestContext.Current.CancellationToken);
        using var transcriber = new WhisperTranscriber(model, Greedy);

        var result = await transcriber.TranscribeAllAsync(jfk, ct: TestContext.Current.CancellationToken);

        Assert.NotEmpty(result.Segments);
        var special = transcriber.Tokenizer.Special;
        foreach (var segment in result.Segments)
        {
            var window = Assert.IsType<WindowStatistics>(segment.Window);
            Assert.Equal(0, window.Seek); // 11 s: one window
            Assert.Equal(0f, window.Temperature);
            Assert.InRange(window.AverageLogProbability, -30, 0);
            Assert.InRange(window.NoSpeechProbability, 0f, 1f);
            Assert.True(window.CompressionRatio > 0);
            Assert.True(double.IsFinite(window.AverageLogProbability));
            Assert.Equal(segment.Tokens, segment.DecodedTokens.Where(special.IsText));
        }
    }

    [Fact]
    public async Task Already_cancelled_token_starts_no_work()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        using var transcriber = new WhisperTranscriber(model, Greedy);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            transcriber.TranscribeAllAsync(new float[16000 * 5], ct: new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Concurrent_transcribers_sharing_one_model_give_the_same_result_as_one_alone()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var jfk = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), TestContext.Current.CancellationToken);
        var ldc = AudioFileReader.Read(SharedAssets.Require("audio/LDC93S1.wav"), TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;

        using var a = new WhisperTranscriber(model, Greedy with { Threads = 1 });
        using var b = new WhisperTranscriber(model, Greedy with { Threads = 1 });
        var together = await Task.WhenAll(a.TranscribeAllAsync(jfk, ct: ct), b.TranscribeAllAsync(ldc, ct: ct));
        using var alone = new WhisperTranscriber(model, Greedy with { Threads = 1 });
        var jfkAlone = await alone.TranscribeAllAsync(jfk, ct: ct);

        Assert.Equal(jfkAlone.Segments.SelectMany(s => s.Tokens), together[0].Segments.SelectMany(s => s.Tokens));
        Assert.NotEmpty(together[1].Segments);
    }

    [Fact]
    public async Task A_reused_transcriber_samples_its_fallback_candidates_as_a_fresh_one_does()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var jfk = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;
        var withFallback = new WhisperOptions { Threads = 2 }; // temperatures 0, 0.2 … 1.0, best of 5

        using var reused = new WhisperTranscriber(model, withFallback);
        var first = await reused.TranscribeAllAsync(jfk, ct: ct);
        var second = await reused.TranscribeAllAsync(jfk, ct: ct);

        Assert.True(first.Statistics.BatchTokens > 0, "the synthetic weights should make the window fall back to sampling");
        Assert.Equal(first.Segments.SelectMany(s => s.Tokens), second.Segments.SelectMany(s => s.Tokens));
    }

    [Fact]
    public async Task Progress_reaches_the_full_duration()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var ldc = AudioFileReader.Read(SharedAssets.Require("audio/LDC93S1.wav"), TestContext.Current.CancellationToken);
        using var transcriber = new WhisperTranscriber(model, Greedy);
        var reports = new List<TranscriptionProgress>();

        await transcriber.TranscribeAllAsync(ldc, new SynchronousProgress(reports.Add), TestContext.Current.CancellationToken);

        Assert.Equal(1.0, reports[^1].Fraction, 6);
    }

    [Fact]
    public async Task Long_audio_is_transcribed_window_by_window_with_increasing_times_inside_the_audio()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var jfk = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), TestContext.Current.CancellationToken);
        var audio = new float[jfk.Length * 4]; // 44 s: at least two windows, the second conditioned on the first
        for (var i = 0; i < 4; i++)
        {
            jfk.CopyTo(audio, i * jfk.Length);
        }

        using var transcriber = new WhisperTranscriber(model, Greedy);
        var result = await transcriber.TranscribeAllAsync(audio, ct: TestContext.Current.CancellationToken);

        Assert.True(result.Statistics.Windows >= 2);
        Assert.True(result.Segments.Count >= 2);
        for (var i = 0; i < result.Segments.Count; i++)
        {
            Assert.True(result.Segments[i].Start <= result.Segments[i].End);
            Assert.True(i == 0 || result.Segments[i - 1].Start < result.Segments[i].Start);
        }

        Assert.True(result.Segments[^1].Start < 44);
    }

    [Fact]
    public async Task Prompt_tokens_condition_the_first_window_behind_the_previous_text_token()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var ldc = AudioFileReader.Read(SharedAssets.Require("audio/LDC93S1.wav"), TestContext.Current.CancellationToken);
        using var plain = new WhisperTranscriber(model, Greedy);
        using var prompted = new WhisperTranscriber(model, Greedy with { PromptTokens = [1757, 1757, 1757] });

        var without = await plain.TranscribeAllAsync(ldc, ct: TestContext.Current.CancellationToken);
        var with = await prompted.TranscribeAllAsync(ldc, ct: TestContext.Current.CancellationToken);

        Assert.Equal(0, without.Statistics.PromptTokens);
        Assert.Equal(5, with.Statistics.PromptTokens); // <|startofprev|> + 3 tokens + <|startoftranscript|>
        Assert.NotEmpty(with.Segments);
    }

    [Fact]
    public async Task Multilingual_prompt_is_sot_language_task_and_translation_changes_the_task_token()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.bin"));
        var ldc = AudioFileReader.Read(SharedAssets.Require("audio/LDC93S1.wav"), TestContext.Current.CancellationToken);
        using var transcribe = new WhisperTranscriber(model, Greedy with { Language = "de" });
        using var translate = new WhisperTranscriber(model, Greedy with { Language = "de", Translate = true });

        var transcribed = await transcribe.TranscribeAllAsync(ldc, ct: TestContext.Current.CancellationToken);
        var translated = await translate.TranscribeAllAsync(ldc, ct: TestContext.Current.CancellationToken);

        Assert.Equal("de", transcribed.Language);
        Assert.Equal(3, transcribed.Statistics.PromptTokens); // <|startoftranscript|> <|de|> <|transcribe|>
        Assert.Equal(3, translated.Statistics.PromptTokens);
        Assert.NotEqual(transcribed.Segments.SelectMany(s => s.Tokens), translated.Segments.SelectMany(s => s.Tokens));
    }

    [Fact]
    public async Task Unknown_language_is_rejected_with_its_name()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.bin"));
        using var transcriber = new WhisperTranscriber(model, Greedy with { Language = "klingon" });

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            transcriber.TranscribeAllAsync(new float[16000 * 2], ct: TestContext.Current.CancellationToken));

        Assert.Contains("klingon", error.Message);
    }

    [Fact]
    public async Task Empty_or_sub_second_audio_gives_no_segments()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.bin"));
        using var transcriber = new WhisperTranscriber(model, Greedy with { Language = "auto" });

        var empty = await transcriber.TranscribeAllAsync(Array.Empty<float>(), ct: TestContext.Current.CancellationToken);
        var halfSecond = await transcriber.TranscribeAllAsync(new float[8000], ct: TestContext.Current.CancellationToken);

        Assert.Empty(empty.Segments);
        Assert.Empty(halfSecond.Segments);
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<TranscriptionProgress> report) : IProgress<TranscriptionProgress>
    {
        public void Report(TranscriptionProgress value) => report(value);
    }
}
