using System.Net;
using Aspire.Hosting.ApplicationModel;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Hosting;

/// <summary>Resources stopped and started through Aspire's own resource commands (the dashboard's Stop and Start buttons).</summary>
// Takes shared infrastructure down: in SerialTests, apart from every other test of the shared application.
[Collection(nameof(SerialTests))]
public sealed class ResourceFaultTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Api_readiness_turns_503_while_rabbitmq_is_down_and_recovers_with_the_worker_after_restart()
    {
        using var api = fixture.App.CreateHttpClient(ResourceNames.Api);
        using var worker = fixture.App.CreateHttpClient(ResourceNames.Worker);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(api));

        await fixture.App.StopResourceAsync(ResourceNames.RabbitMq, TestContext.Current.CancellationToken);
        try
        {
            await Eventually.MatchesAsync(() => ReadinessAsync(api), s => s == HttpStatusCode.ServiceUnavailable, Patience, "API readiness 503 with RabbitMQ stopped");
            await Eventually.MatchesAsync(() => ReadinessAsync(worker), s => s == HttpStatusCode.ServiceUnavailable, Patience, "worker readiness 503 with RabbitMQ stopped");
        }
        finally
        {
            await fixture.App.StartResourceAsync(ResourceNames.RabbitMq, TestContext.Current.CancellationToken);
        }

        await fixture.App.WaitForResourceHealthyAsync(ResourceNames.RabbitMq, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        await Eventually.MatchesAsync(() => ReadinessAsync(api), s => s == HttpStatusCode.OK, Patience, "API readiness 200 after RabbitMQ restarted");
        await Eventually.MatchesAsync(() => ReadinessAsync(worker), s => s == HttpStatusCode.OK, Patience, "worker reconnected after RabbitMQ restarted");
    }

    [Fact]
    public async Task While_postgresql_is_stopped_the_api_answers_503_and_afterwards_every_saved_account_is_still_there()
    {
        using var session = new ApiSession(fixture);
        var username = ApiSession.NewUsername();
        await session.RegisterAsync(username);

        await fixture.App.StopResourceAsync(ResourceNames.Postgres, TestContext.Current.CancellationToken);
        try
        {
            await Eventually.MatchesAsync(() => ReadinessAsync(session.Http), s => s == HttpStatusCode.ServiceUnavailable, Patience, "API readiness 503 with PostgreSQL stopped");
            using var login = await session.PostJsonAsync("/api/v1/auth/login", new { username, password = ApiSession.GoodPassword });
            await Security.ProblemAssert.IsProblemAsync(login, HttpStatusCode.ServiceUnavailable, "a login with the database down");
        }
        finally
        {
            await fixture.App.StartResourceAsync(ResourceNames.Postgres, TestContext.Current.CancellationToken);

            // This test process's own pooled connections (other tests' database checks) died with the old server.
            Npgsql.NpgsqlConnection.ClearAllPools();
        }

        await fixture.App.WaitForResourceHealthyAsync(ResourceNames.Postgres, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        await Eventually.MatchesAsync(() => ReadinessAsync(session.Http), s => s == HttpStatusCode.OK, Patience, "API readiness 200 after PostgreSQL restarted");
        await session.LoginAsync(username);
    }

    [Fact]
    public async Task A_stopped_worker_is_reported_exited_and_comes_back_healthy_when_started()
    {
        await fixture.App.StopResourceAsync(ResourceNames.Worker, TestContext.Current.CancellationToken);
        try
        {
            await Eventually.MatchesAsync(() => Task.FromResult(fixture.Application.Snapshots.Single(ResourceNames.Worker).Snapshot.State?.Text),
                state => state is "Exited" or "Finished", Patience, "the worker to be seen stopped");
        }
        finally
        {
            await fixture.App.StartResourceAsync(ResourceNames.Worker, TestContext.Current.CancellationToken);
        }

        await Eventually.MatchesAsync(() => Task.FromResult(fixture.Application.Snapshots.Single(ResourceNames.Worker).Snapshot),
            worker => worker.State?.Text == KnownResourceStates.Running && worker.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            Patience, "the worker running and healthy again");
        using var client = fixture.App.CreateHttpClient(ResourceNames.Worker);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(client));
    }

    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
