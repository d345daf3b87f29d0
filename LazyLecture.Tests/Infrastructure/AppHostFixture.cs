using LazyLecture.Hosting;
using LazyLecture.Hosting.Testing;
using Xunit;

[assembly: AssemblyFixture(typeof(LazyLecture.Tests.Infrastructure.AppHostFixture))]
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// The whole application (PostgreSQL, RabbitMQ, migrations, API, worker), started once for the test assembly through the
/// AppHost's own Program as a test host: throw-away state folder, random ports, real processes.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    public async ValueTask InitializeAsync()
    {
        _app = await StartApplicationAsync();
    }

    /// <summary>Starts a complete, independent instance of the application; the caller disposes it.</summary>
    public static async Task<DistributedApplication> StartApplicationAsync(Action<DistributedApplicationBuilder>? beforeBuild = null)
    {
        var app = await DistributedApplicationTestingBuilder.CreateAsync<Program>(beforeBuild: beforeBuild);
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await app.StartAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            var diagnostics = DescribeResources(app);
            await app.DisposeAsync();
            throw new InvalidOperationException($"The application did not start: {ex.Message}{Environment.NewLine}{diagnostics}", ex);
        }

        return app;
    }

    /// <summary>Each resource's state and last output lines, for failure messages.</summary>
    public static string DescribeResources(DistributedApplication app) =>
        string.Join(Environment.NewLine, app.Log.Sources.Select(source =>
            $"--- {source}{Environment.NewLine}{string.Join(Environment.NewLine, app.Log.Tail(source).TakeLast(25))}"));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
