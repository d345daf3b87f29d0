using LazyLecture.Contracts.Jobs;
using LazyLecture.Media.Ffmpeg;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Worker.PocketSphinx;
using LazyLecture.Whisper.Text;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Jobs.Chunking;
using LazyLecture.Worker.VoiceActivity;
using Xunit;

namespace LazyLecture.Tests.Worker.VoiceActivity;

/// <summary>
/// The worker's chunk pipeline (voice activity detection, chunk plan, speech-only chunks, placement) with the real offline
/// engine on real speech, without the API around it: what the job processor does between downloading and saving.
/// </summary>
public sealed class PocketSphinxPipelineTests
{
    private const string LibriVox = "/usr/share/pocketsphinx/test/data/librivox";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pause_aligned_chunks_keep_the_last_word_that_the_fixed_offset_cuts()
    {
        // jfk.wav's last word, "country", is spoken across 10 s: the fixed offset of 10-s chunks (the minimum size) cuts it.
        var jfk = SharedAssets.Require("audio/jfk.wav");
        using var engine = PocketSphinxEngineTests.CreateEngine();

        var whole = await TranscribeAsync(engine, jfk, chunkSizeSecs: 3600, vad: true);
        var fixedChunks = await TranscribeAsync(engine, jfk, chunkSizeSecs: 10, vad: false);
        var pauseChunks = await TranscribeAsync(engine, jfk, chunkSizeSecs: 10, vad: true);

        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"one chunk:     {Describe(whole)}");
        output?.WriteLine($"fixed offsets: {Describe(fixedChunks)}");
        output?.WriteLine($"pause-aligned: {Describe(pauseChunks)}");
        var words = whole.Chunks.SelectMany(c => c.Segments).SelectMany(s => s.Words ?? []).ToList();
        Assert.NotEmpty(words);
        output?.WriteLine("words: " + string.Join(' ', words.Select(w => $"{w.Text}@{w.Start:0.00}-{w.End:0.00}")));
        // what the fixed offset did: its cut lies at or in the last word the engine heard in the whole recording, and neither
        // fixed chunk holds that word any more
        Assert.Equal(10.0, fixedChunks.Chunks[0].End);
        // (the word spoken at 10 s, or starting within a frame or two of it)
        var cutWord = words.Last(w => w.Start < 10.05);
        Assert.InRange(10.0, cutWord.Start - 0.05, cutWord.End);
        Assert.True(Count(fixedChunks.Text, cutWord.Text) < Count(whole.Text, cutWord.Text), $"The fixed chunks still hold every \"{cutWord.Text}\".");
        // pause-aligned: every cut lies between words, none inside one, and the cut is in the pause before the last phrase
        var cuts = pauseChunks.Chunks.Skip(1).Select(c => c.Span.Start).ToList();
        Assert.NotEmpty(cuts);
        Assert.InRange(cuts[0], 5, 10);
        Assert.All(cuts, cut => Assert.DoesNotContain(words, w => w.Start < cut - 0.05 && w.End > cut + 0.05));
        // and the pause-aligned chunks keep the word the fixed offset lost, as often as the whole recording has it
        Assert.Equal(Count(whole.Text, cutWord.Text), Count(pauseChunks.Text, cutWord.Text));
    }

    [Fact]
    public async Task Word_error_rate_with_10_second_chunks_is_within_a_point_of_one_chunk_on_librivox_speech_joined_with_pauses()
    {
        if (!Directory.Exists(LibriVox))
        {
            var reason = $"Debian's pocketsphinx-testdata is not installed ({LibriVox}).";
            if (SharedAssets.IsCi)
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        var (audio, reference) = await JoinLibriVoxAsync();
        try
        {
            using var engine = PocketSphinxEngineTests.CreateEngine();

            var oneChunk = await TranscribeAsync(engine, audio, chunkSizeSecs: 3600, vad: true);
            var tenSecondChunks = await TranscribeAsync(engine, audio, chunkSizeSecs: 10, vad: true);

            var one = WordErrorRate.Pooled([(reference, oneChunk.Text)]);
            var chunked = WordErrorRate.Pooled([(reference, tenSecondChunks.Text)]);
            TestContext.Current.TestOutputHelper?.WriteLine($"one chunk: WER {one:P1}; 10-s chunks ({Describe(tenSecondChunks)}): WER {chunked:P1}");
            Assert.True(tenSecondChunks.Chunks.Count >= 3);
            Assert.True(chunked <= one + 0.01, $"WER with 10-s chunks {chunked:P1} is more than a point above one chunk's {one:P1}.");
        }
        finally
        {
            File.Delete(audio);
        }
    }

    /// <summary>The five LibriVox sentences of pocketsphinx-testdata (24.7 s of speech), 1.5 s of silence after each.</summary>
    private static async Task<(string Path, string Reference)> JoinLibriVoxAsync()
    {
        var ids = await File.ReadAllLinesAsync(Path.Combine(LibriVox, "fileids"), Cancellation);
        var transcription = await File.ReadAllLinesAsync(Path.Combine(LibriVox, "transcription"), Cancellation);
        var reference = string.Join(' ', transcription.Select(l => l.Replace("<s>", "", StringComparison.Ordinal).Replace("</s>", "", StringComparison.Ordinal)[..l.IndexOf('(', StringComparison.Ordinal)]).Select(t => t.Trim()));
        var path = Path.Combine(Path.GetTempPath(), $"lazylecture-librivox-{Guid.NewGuid():N}.wav");
        var inputs = ids.Where(i => i.Length > 0).SelectMany(i => new[] { "-i", Path.Combine(LibriVox, i + ".wav") }).ToList();
        var count = inputs.Count / 2;
        var filter = string.Concat(Enumerable.Range(0, count).Select(i => $"[{i}:a]aresample=16000,apad=pad_dur=1.5[a{i}];"))
            + string.Concat(Enumerable.Range(0, count).Select(i => $"[a{i}]")) + $"concat=n={count}:v=0:a=1[out]";
        await TestAudio.RunFfmpegAsync(["-y", .. inputs, "-filter_complex", filter, "-map", "[out]", "-ac", "1", "-ar", "16000", path]);
        return (path, reference);
    }

    private static int Count(string text, string word) => WordErrorRate.Normalize(text).Count(w => w == WordErrorRate.Normalize(word).Single());

    private sealed record Chunk(ChunkSpan Span, IReadOnlyList<SegmentInput> Segments)
    {
        public double End => Span.End;
    }

    private sealed record Transcript(IReadOnlyList<Chunk> Chunks)
    {
        public string Text => string.Join(' ', Chunks.SelectMany(c => c.Segments).Select(s => s.Text.Trim()).Where(t => t.Length > 0));
    }

    private static string Describe(Transcript transcript) =>
        string.Join(" | ", transcript.Chunks.Select(c => $"{c.Span.Start:0.00}-{c.Span.End:0.00} s: \"{string.Join(' ', c.Segments.Select(s => s.Text))}\""));

    /// <summary>The job processor's loop without the API: plan the chunks, decode each with ffmpeg, transcribe it in turn.</summary>
    private static async Task<Transcript> TranscribeAsync(ITranscriptionEngine engine, string audioPath, double chunkSizeSecs, bool vad)
    {
        var recordingSecs = (await FfmpegPcm.DecodeFileAsync(audioPath, Cancellation)).Length / 16000.0;
        SpeechMap? speech = null;
        if (vad)
        {
            using var model = SileroVadModel.Load(SharedAssets.Require(SharedAssets.VoiceActivityModel));
            var probabilities = model.Start();
            probabilities.Feed((await FfmpegPcm.DecodeFileAsync(audioPath, Cancellation)).Span);
            speech = VoiceActivityDetector.SpeechMapOf(probabilities.Finish(), probabilities.SampleCount, recordingSecs, SpeechDetectionSettings.Default);
        }

        var chunks = new List<Chunk>();
        string? previousText = null;
        foreach (var span in ChunkPlan.Plan(recordingSecs, chunkSizeSecs, speech, searchSecs: 60))
        {
            var samples = await FfmpegPcm.DecodeFileAsync(audioPath, span.Start, span.Length, Cancellation);
            var result = await ChunkTranscriber.TranscribeAsync(engine, span, samples, speech, DecodingOptions.Default, previousText, null, null, Cancellation);
            chunks.Add(new Chunk(span, result.Segments));
            previousText = result.Text;
        }

        return new Transcript(chunks);
    }
}
