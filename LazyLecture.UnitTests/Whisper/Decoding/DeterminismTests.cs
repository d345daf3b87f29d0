using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Whisper.Core;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Transcription;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

/// <summary>
/// The same model, audio and options give the same tokens in every run: no result may depend on how the work is split
/// between threads (the thread count, which worker takes which rows), on what else the machine is doing, or on which JIT
/// tier runs a kernel (the first run of a process starts on tier-0 code, later ones run tier-1 code).
/// </summary>
public sealed class DeterminismTests
{
    [Fact]
    public async Task Repeated_decodes_of_the_long_recording_give_identical_tokens_alone_beside_other_work_and_with_any_thread_count()
    {
        var ct = TestContext.Current.CancellationToken;
        var expected = GoldenSegment.Load("micro-long-greedy.json").SelectMany(s => s.Tokens).ToArray();
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/long-lecture.wav"), ct);

        var runs = new List<(string Run, int[] Tokens)>
        {
            ("first, alone", await Tokens(model, samples, threads: 2, ct)),
            ("second, alone", await Tokens(model, samples, threads: 2, ct)),
            ("one thread", await Tokens(model, samples, threads: 1, ct)),
            ("three threads", await Tokens(model, samples, threads: 3, ct)),
        };

        // Two decodes at once on two cores, so each one's workers are preempted and start late at random.
        var parallel = await Task.WhenAll(
            Task.Run(() => Tokens(model, samples, threads: 2, ct), ct),
            Task.Run(() => Tokens(model, samples, threads: 2, ct), ct));
        runs.Add(("beside another decode (a)", parallel[0]));
        runs.Add(("beside another decode (b)", parallel[1]));

        Assert.All(runs, run => Assert.True(expected.AsSpan().SequenceEqual(run.Tokens), $"{run.Run}: first different token at {FirstDifference(expected, run.Tokens)} of {expected.Length}"));
    }

    private static async Task<int[]> Tokens(WhisperModel model, float[] samples, int threads, CancellationToken ct)
    {
        using var transcriber = new WhisperTranscriber(model, GoldenTranscriptionTests.GoldenOptions with { Threads = threads });
        var result = await transcriber.TranscribeAllAsync(samples, ct: ct);
        return [.. result.Segments.SelectMany(s => s.Tokens)];
    }

    private static int FirstDifference(int[] expected, int[] actual)
    {
        var length = Math.Min(expected.Length, actual.Length);
        for (var i = 0; i < length; i++)
        {
            if (expected[i] != actual[i])
            {
                return i;
            }
        }

        return length;
    }
}
