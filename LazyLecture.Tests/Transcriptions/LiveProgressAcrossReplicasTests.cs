using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>
/// Two API replicas: two instances of the API's Program in the test process over the one database of the in-process tier,
/// each with its own services and its own LISTEN connection, so the only way a change saved through one reaches a stream
/// on the other is the way it does between replicas in production (PostgreSQL's notifications). The SPEC's live progress
/// "with any number of API replicas", without a whole application of its own.
/// </summary>
public sealed class TwoApiReplicasFixture(AppHostFixture shared) : IAsyncLifetime
{
    public InProcessApiFixture First { get; } = new(shared);

    public InProcessApiFixture Second { get; } = new(shared);

    public async ValueTask InitializeAsync()
    {
        await First.InitializeAsync();
        await Second.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await First.DisposeAsync();
        await Second.DisposeAsync();
    }
}

public sealed class LiveProgressAcrossReplicasTests(TwoApiReplicasFixture replicas) : IClassFixture<TwoApiReplicasFixture>
{
    [Fact]
    public async Task A_stream_on_one_replica_shows_changes_saved_through_the_other()
    {
        using var api = new ApiSession(replicas.First); // uploads and the worker's reports
        using var second = replicas.Second.CreateApiClient();
        var (_, tokens) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);

        await using var stream = await LiveProgressTests.EventStream.OpenAsync(api, id, tokens.Access, via: second);
        var snapshot = await stream.NextAsync();
        var (started, _) = await stream.AfterAsync(() => api.ReportStateAsync(id, "in_progress"));
        var (counted, chunk) = await stream.AfterChunkSavedAsync(() => api.SaveChunkAsync(id, 0, "Ask not", (0.0, 2.0, "Ask not")));
        var (completed, _) = await stream.AfterAsync(() => api.ReportStateAsync(id, "completed"));

        Assert.Equal(("state", "queued", 0), LiveProgressTests.Summary(snapshot));
        Assert.Equal(("state", "in_progress", 0), LiveProgressTests.Summary(started));
        Assert.Equal(("state", "in_progress", 1), LiveProgressTests.Summary(counted));
        Assert.Equal("Ask not", chunk.Json["text"]!.GetValue<string>());
        Assert.Equal(("state", "completed", 1), LiveProgressTests.Summary(completed));
        Assert.True(await stream.EndWithinAsync(LiveProgressTests.Soon), "the stream did not end after the final state");
    }
}
