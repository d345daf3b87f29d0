using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>An application whose worker runs the Whisper engine on the synthetic micro model from the shared folder.</summary>
public sealed class WhisperPipelineFixture : OwnApplicationFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "whisper");
        worker.WithEnvironment("Engines__Whisper__ModelPath", SharedAssets.PathOf("models/synthetic-micro.en.bin"));
        // whisper-cli's -nf: the golden output was decoded greedily without temperature fall-back.
        worker.WithEnvironment("Engines__Whisper__NoFallback", "true");
        worker.WithEnvironment("Engines__Whisper__Threads", "2");
    }
}

public sealed class WhisperPipelineTests(WhisperPipelineFixture pipeline) : IClassFixture<WhisperPipelineFixture>
{
    [Fact]
    public async Task The_whisper_engine_in_the_worker_gives_exactly_the_golden_greedy_segments()
    {
        var golden = JsonNode.Parse(await File.ReadAllTextAsync(SharedAssets.Require("models/golden/micro-jfk-greedy.json"), ApiSession.Cancellation))!["transcription"]!.AsArray();
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
            Assert.Equal(golden[i]!["offsets"]!["to"]!.GetValue<int>() / 1000.0, segments[i]!["end"]!.GetValue<double>(), 0.005);
        }
    }
}
