using System.Net;
using LazyLecture.Contracts;
using LazyLecture.Hosting;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Hosting;

/// <summary>Tests that take shared infrastructure down; they run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(FaultTests), DisableParallelization = true)]
public sealed class FaultTests;

[Collection(nameof(FaultTests))]
public sealed class ResourceFaultTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Api_readiness_turns_503_while_rabbitmq_is_down_and_recovers_with_the_worker_after_restart()
    {
        using var api = fixture.App.CreateHttpClient(ResourceNames.Api);
        using var worker = fixture.App.CreateHttpClient(ResourceNames.Worker);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(api));

        await fixture.App.StopResourceAsync(ResourceNames.RabbitMq);
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
    public async Task A_crashed_service_is_restarted_by_the_apphost()
    {
        using var api = fixture.App.CreateHttpClient(ResourceNames.Api);

        await fixture.App.KillResourceAsync(ResourceNames.Api, restart: true);

        await Eventually.MatchesAsync(() => Task.FromResult(fixture.App.GetState(ResourceNames.Api)), s => s != ResourceState.Healthy, Patience, "the API to be seen down");
        await fixture.App.WaitForResourceHealthyAsync(ResourceNames.Api, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(api));
    }

    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        return response.StatusCode;
    }
}
