using LazyLecture.Contracts;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>A complete application with two API replicas: the SPEC's live progress "with any number of API replicas".</summary>
public sealed class TwoApiReplicasFixture : OwnApplicationFixture
{
    /// <summary>
    /// Each replica's own address (the API endpoint itself is DCP's proxy, which spreads requests over both): the URL DCP
    /// gave that replica's process in ASPNETCORE_URLS.
    /// </summary>
    public IReadOnlyList<string> ApiReplicas => [.. Application.Snapshots.Instances(ResourceNames.Api)
        .Select(replica => File.ReadAllText($"/proc/{ResourceSnapshots.ProcessId(replica)}/environ").Split('\0')
            .Single(variable => variable.StartsWith("ASPNETCORE_URLS=", StringComparison.Ordinal))["ASPNETCORE_URLS=".Length..].Split(';')[0])];

    protected override void Configure(IDistributedApplicationTestingBuilder builder) => Project(builder, ResourceNames.Api).WithReplicas(2);
}

public sealed class LiveProgressAcrossReplicasTests(TwoApiReplicasFixture replicas) : IClassFixture<TwoApiReplicasFixture>
{
    [Fact]
    public async Task A_stream_on_one_replica_shows_changes_saved_through_the_other()
    {
        Assert.Equal(2, replicas.ApiReplicas.Count);
        foreach (var replica in replicas.ApiReplicas)
        {
            // Readiness through DCP's proxy says one replica answers; each one is asked here directly.
            using var probe = new HttpClient { BaseAddress = new Uri(replica) };
            await Eventually.MatchesAsync(() => ReadyAsync(probe), ready => ready, TimeSpan.FromSeconds(90), $"API replica {replica} ready");
        }

        using var api = new ApiSession(replicas.AsFixture, baseAddress: replicas.ApiReplicas[0]); // uploads and the worker's reports
        using var second = new HttpClient { BaseAddress = new Uri(replicas.ApiReplicas[1]) };
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        await using var stream = await LiveProgressTests.EventStream.OpenAsync(api, id, tokens.Access, via: second);
        var snapshot = await stream.NextAsync();
        var (started, _) = await stream.AfterAsync(() => api.ReportStateAsync(id, "in_progress"));
        var (counted, chunk) = await stream.AfterAsync(() => api.SaveChunkAsync(id, 0, "Ask not", (0.0, 2.0, "Ask not")), events: 2);
        var (completed, _) = await stream.AfterAsync(() => api.ReportStateAsync(id, "completed"));

        Assert.Equal(("state", "queued", 0), LiveProgressTests.Summary(snapshot));
        Assert.Equal(("state", "in_progress", 0), LiveProgressTests.Summary(started));
        Assert.Equal(("state", "in_progress", 1), LiveProgressTests.Summary(counted));
        Assert.Equal("Ask not", chunk!.Json["text"]!.GetValue<string>());
        Assert.Equal(("state", "completed", 1), LiveProgressTests.Summary(completed));
        Assert.True(await stream.EndWithinAsync(LiveProgressTests.Soon), "the stream did not end after the final state");
    }

    private static async Task<bool> ReadyAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("/health/ready", ApiSession.Cancellation);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // not listening yet
        }
    }
}
