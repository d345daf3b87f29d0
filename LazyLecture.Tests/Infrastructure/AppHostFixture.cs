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

    /// <summary>
    /// Set to <c>1</c> only by <see cref="Whisper.Core.KernelInstructionSetTests"/> for the child processes that re-run the
    /// kernel tests with AVX-512 or all vector instructions disabled. An assembly fixture starts for every run however the
    /// tests are filtered, and those children need no application: starting PostgreSQL, RabbitMQ, the API and the worker
    /// in each of them would cost half a minute and compete with the parent's own instance for nothing.
    /// </summary>
    public const string WithoutApplicationSetting = "LAZYLECTURE_TESTS_WITHOUT_APPLICATION";

    private static bool WithoutApplication => Environment.GetEnvironmentVariable(WithoutApplicationSetting) == "1";

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException(WithoutApplication
        ? $"The application was not started because {WithoutApplicationSetting}=1 (meant only for child runs of tests that need no application)."
        : "The application has not started.");

    public async ValueTask InitializeAsync()
    {
        if (WithoutApplication)
        {
            return;
        }

        _app = await StartApplicationAsync();
    }

    /// <summary>Points this fixture at an application started elsewhere (a test collection's own instance).</summary>
    public void Use(DistributedApplication app) => _app = app;

    /// <summary>Starts a complete, independent instance of the application; the caller disposes it.</summary>
    public static async Task<DistributedApplication> StartApplicationAsync(Action<DistributedApplicationBuilder>? beforeBuild = null)
    {
        var app = await DistributedApplicationTestingBuilder.CreateAsync<Program>(beforeBuild: builder =>
        {
            ApplyTestSettings(builder);
            beforeBuild?.Invoke(builder);
        });
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

    /// <summary>
    /// Settings the suite relies on: an upload cap small enough to exceed in a test, and workers that stay connected but take
    /// no jobs, so API tests drive the job state machine themselves (the worker's own tests start an application that consumes).
    /// </summary>
    public const long MaxUploadBytes = 16 * 1024 * 1024;

    private static void ApplyTestSettings(DistributedApplicationBuilder builder)
    {
        var api = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == Contracts.ResourceNames.Api);
        api.Environment["Transcriptions__MaxUploadBytes"] = () => MaxUploadBytes.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var worker = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == Contracts.ResourceNames.Worker);
        worker.Environment["Worker__ConsumeJobs"] = () => "false";
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
