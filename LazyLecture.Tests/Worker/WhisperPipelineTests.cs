using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Transcriptions;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>An application whose worker runs a Whisper engine on one of the shared synthetic models, decoding as whisper-cli's <c>-nf -bs 1 -bo 1</c>.</summary>
public abstract class WhisperPipelineFixtureBase : OwnApplicationFixture
{
    /// <summary>The <c>Engines:Whisper:Runtime</c> the worker runs.</summary>
    protected abstract string Runtime { get; }

    /// <summary>The model, in the shared folder.</summary>
    protected abstract string Model { get; }

    /// <summary>The golden output of whisper.cpp for jfk.wav with this model and language, in the shared folder's <c>models/golden</c>.</summary>
    public abstract string JfkGolden { get; }

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "whisper");
        worker.WithEnvironment("Engines__Whisper__Runtime", Runtime);
        worker.WithEnvironment("Engines__Whisper__ModelPath", SharedAssets.PathOf(Model));
        // whisper-cli's -nf -bs 1 -bo 1: the golden output was decoded greedily without temperature fall-back.
        worker.WithEnvironment("Engines__Whisper__NoFallback", "true");
        worker.WithEnvironment("Engines__Whisper__BeamSize", "1");
        worker.WithEnvironment("Engines__Whisper__BestOf", "1");
        worker.WithEnvironment("Engines__Whisper__Threads", "2");
    }
}

/// <summary>
/// The application of every test that needs the managed Whisper engine in a real worker: the synthetic multilingual micro
/// model, whose outputs whisper.cpp has recorded, with the language detected unless a call names one (so a call's
/// <c>language</c> visibly changes the text); its API advertises the model on <c>/v1/models</c> for the OpenAI clients.
/// </summary>
public sealed class WhisperPipelineFixture : WhisperPipelineFixtureBase
{
    /// <summary>The model's name on the OpenAI-compatible routes.</summary>
    public const string ModelName = "synthetic-micro";

    protected override string Runtime => "managed";

    protected override string Model => "models/synthetic-micro.bin";

    public override string JfkGolden => "micro-ml-jfk-auto-greedy";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        base.Configure(builder);
        Project(builder, ResourceNames.Worker).WithEnvironment("Engines__Whisper__Language", "auto");
        Project(builder, ResourceNames.Api).WithEnvironment("OpenAi__Model", ModelName);
    }
}

/// <summary>The application whose worker runs whisper.cpp through Whisper.net, on the English-only micro model.</summary>
public sealed class WhisperNetPipelineFixture : WhisperPipelineFixtureBase
{
    protected override string Runtime => "whispernet";

    protected override string Model => "models/synthetic-micro.en.bin";

    public override string JfkGolden => "micro-jfk-greedy";
}

[Collection(nameof(WhisperPipeline))]
public sealed class WhisperPipelineTests(WhisperPipelineFixture pipeline)
{
    [Fact]
    public Task The_managed_engine_in_the_worker_gives_exactly_the_golden_greedy_segments_with_their_words() =>
        WhisperPipelineChecks.GoldenSegmentsWithWordsAsync(pipeline);
}

[Collection(nameof(WhisperNetPipeline))]
public sealed class WhisperNetPipelineTests(WhisperNetPipelineFixture pipeline)
{
    [Fact]
    public Task The_whisper_net_engine_in_the_worker_gives_exactly_the_golden_greedy_segments_with_their_words() =>
        WhisperPipelineChecks.GoldenSegmentsWithWordsAsync(pipeline);
}

internal static class WhisperPipelineChecks
{
    /// <summary>The length of jfk.wav.</summary>
    private const double JfkSeconds = 11.0;

    /// <summary>
    /// jfk.wav through upload, worker and API: the golden segments, each with its words, and the same words in the SSE
    /// <c>chunk</c> event and the json export as in the segments endpoint.
    /// </summary>
    public static async Task GoldenSegmentsWithWordsAsync(WhisperPipelineFixtureBase pipeline)
    {
        var golden = JsonNode.Parse(await File.ReadAllTextAsync(SharedAssets.Require($"models/golden/{pipeline.JfkGolden}.json"), ApiSession.Cancellation))!["transcription"]!.AsArray();
        using var api = new ApiSession(pipeline.AsFixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id),
            t => t["current_state"]!.GetValue<string>() == "completed", TimeSpan.FromMinutes(3), "the Whisper job to complete");
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/segments?size=100", tokens.Access);
        var segments = (await ApiSession.ReadObjectAsync(response))["segments"]!.AsArray();

        Assert.Equal(golden.Count, segments.Count);
        for (var i = 0; i < golden.Count; i++)
        {
            Assert.Equal(golden[i]!["text"]!.GetValue<string>().Trim(), segments[i]!["text"]!.GetValue<string>());
            Assert.Equal(golden[i]!["offsets"]!["from"]!.GetValue<int>() / 1000.0, segments[i]!["start"]!.GetValue<double>(), 0.005);
            // whisper.cpp ends the window's last segment at its last timestamp (30 s); no segment ends after the recording.
            Assert.Equal(Math.Min(golden[i]!["offsets"]!["to"]!.GetValue<int>() / 1000.0, JfkSeconds), segments[i]!["end"]!.GetValue<double>(), 0.005);
        }

        SegmentWords.AssertSpellTheirSegments(segments, latestEnd: 30.0);

        await using (var stream = await LiveProgressTests.EventStream.OpenAsync(api, id, tokens.Access))
        {
            Assert.Equal("state", (await stream.NextAsync()).Name);
            var chunk = await stream.NextAsync();
            Assert.Equal("chunk", chunk.Name);
            Assert.Equal(Words(segments), Words(chunk.Json["segments"]!.AsArray()));
        }

        using var export = await api.GetAsync($"/api/v1/transcriptions/{id}/export?format=json", tokens.Access);
        var exported = (await ApiSession.ReadObjectAsync(export))["chunks"]!.AsArray().SelectMany(c => c!["segments"]!.AsArray()).ToList();
        Assert.Equal(Words(segments), Words(new JsonArray([.. exported.Select(s => s!.DeepClone())])));
    }

    /// <summary>Every word of the segments as (text, start ms, end ms), for comparing the API's three views of them.</summary>
    private static List<(string, long, long)> Words(JsonArray segments) =>
        [.. segments.SelectMany(s => s!["words"]!.AsArray()).Select(w => (
            w!["text"]!.GetValue<string>(),
            (long)Math.Round(w["start"]!.GetValue<double>() * 1000),
            (long)Math.Round(w["end"]!.GetValue<double>() * 1000)))];
}

/// <summary>Checks on the words the segments endpoint returns.</summary>
internal static class SegmentWords
{
    /// <summary>Each segment has words that spell its text, in order, each with 0 ≤ start ≤ end ≤ latestEnd (the audio, or the last window for Whisper) and a probability.</summary>
    public static void AssertSpellTheirSegments(JsonArray segments, double latestEnd)
    {
        Assert.NotEmpty(segments);
        foreach (var segment in segments)
        {
            var words = segment!["words"]!.AsArray();
            Assert.NotEmpty(words);
            Assert.Equal(segment["text"]!.GetValue<string>(), string.Join(' ', words.Select(w => w!["text"]!.GetValue<string>())));
            var previousStart = 0.0;
            foreach (var word in words)
            {
                var start = word!["start"]!.GetValue<double>();
                Assert.InRange(start, previousStart, latestEnd);
                Assert.InRange(word["end"]!.GetValue<double>(), start, latestEnd);
                Assert.InRange(word["probability"]!.GetValue<double>(), 0, 1);
                previousStart = start;
            }
        }
    }
}
