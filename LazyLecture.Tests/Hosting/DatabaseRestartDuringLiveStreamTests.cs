using System.Net;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Security;
using Xunit;
using static LazyLecture.Tests.Transcriptions.LiveProgressTests;

namespace LazyLecture.Tests.Hosting;

/// <summary>PostgreSQL stopped and started (Aspire's resource commands) while people follow their jobs live.</summary>
// Takes the shared database down: in SerialTests, apart from every other test of the shared application.
[Collection(nameof(SerialTests))]
public sealed class DatabaseRestartDuringLiveStreamTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Open_live_streams_survive_a_postgresql_restart_and_carry_the_changes_made_after_it()
    {
        using var api = new ApiSession(fixture);
        var (_, first) = await api.NewUploaderAsync();
        var (_, second) = await api.NewUploaderAsync();
        var firstId = await api.UploadOkAsync(first.Access, TranscriptionClient.Jfk);
        var secondId = await api.UploadOkAsync(second.Access, TranscriptionClient.Jfk);
        await using var firstStream = await EventStream.OpenAsync(api, firstId, first.Access);
        await using var secondStream = await EventStream.OpenAsync(api, secondId, second.Access);
        Assert.Equal(("state", "queued", 0), Summary(await firstStream.NextAsync()));
        Assert.Equal(("state", "queued", 0), Summary(await secondStream.NextAsync()));

        await fixture.App.StopResourceAsync(ResourceNames.Postgres, ApiSession.Cancellation);
        try
        {
            // Meanwhile: a 503 Problem Details that says to come back, not a 500.
            using var meanwhile = await Eventually.MatchesAsync(() => api.GetAsync($"/api/v1/transcriptions/{firstId}", first.Access),
                r => r.StatusCode == HttpStatusCode.ServiceUnavailable, Patience, "503 while PostgreSQL is stopped");
            await ProblemAssert.IsProblemAsync(meanwhile, HttpStatusCode.ServiceUnavailable, "a read with PostgreSQL stopped");
            Assert.NotNull(meanwhile.Headers.RetryAfter);
        }
        finally
        {
            await fixture.App.StartResourceAsync(ResourceNames.Postgres, ApiSession.Cancellation);

            // This test process's own pooled connections (other tests' database checks) died with the old server.
            Npgsql.NpgsqlConnection.ClearAllPools();
        }

        await Eventually.MatchesAsync(async () => (await api.GetAsync("/health/ready")).StatusCode, s => s == HttpStatusCode.OK, Patience, "API ready after PostgreSQL restarted");

        // The same connections, never reopened, carry each change made after the restart, once.
        await api.ReportStateAsync(firstId, "in_progress");
        Assert.Equal(("state", "in_progress", 0), Summary(await firstStream.NextAsync()));
        await api.ReportStateAsync(secondId, "in_progress");
        await api.SaveChunkAsync(secondId, 0, "And so my fellow Americans", (0.0, 6.0, "And so my fellow Americans"));
        List<ServerSentEvent> secondEvents = [];
        while (secondEvents.All(e => e.Name != "chunk"))
        {
            secondEvents.Add(await secondStream.NextAsync());
        }

        Assert.Equal(0, Assert.Single(secondEvents, e => e.Name == "chunk").Json["chunk_no"]!.GetValue<int>());
        Assert.Equal(("state", "in_progress", 1), Summary(secondEvents.Last(e => e.Name == "state")));
        await api.ReportStateAsync(firstId, "completed");
        var completed = await firstStream.NextAsync();
        Assert.Equal(("state", "completed", 0), Summary(completed));
        Assert.True(await firstStream.EndWithinAsync(Patience), "the first stream did not end after its final state");
    }
}
