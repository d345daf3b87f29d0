using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using LazyLecture.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// One started application of the AppHost, with what tests need beside Aspire's own API: its state folder (deleted on
/// dispose) and the latest snapshot of every resource, kept from Aspire's resource notifications.
/// </summary>
public sealed class TestApplication : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopWatching = new();
    private readonly Task _watching;

    private TestApplication(DistributedApplication app, string stateDirectory)
    {
        App = app;
        StateDirectory = stateDirectory;
        _watching = Task.Run(() => WatchAsync(_stopWatching.Token));
    }

    public DistributedApplication App { get; }

    public string StateDirectory { get; }

    public string AudioDirectory => Path.Combine(StateDirectory, "audio");

    public ResourceSnapshots Snapshots { get; } = new();

    /// <summary>The console output of every resource instance since it started, as the dashboard shows it.</summary>
    public ConcurrentDictionary<string, StringBuilder> ConsoleLogs { get; } = new();

    private readonly ConcurrentDictionary<string, Task> _logWatches = new();

    /// <summary>
    /// Starts a complete, independent instance: the suite's settings (a small upload cap; workers that stay connected but
    /// take no jobs, so API tests drive the job state machine themselves), then <paramref name="configure"/>'s changes.
    /// </summary>
    /// <summary>The administrator's name every test application is given (not the default <c>admin</c>).</summary>
    public const string AdministratorUsername = "lecturehall";

    /// <summary>The administrator's password every test application is given, new for each test run.</summary>
    public static readonly string AdministratorPassword = $"Adm1n-{Convert.ToHexString(RandomNumberGenerator.GetBytes(12))}!";

    /// <summary>Set to a file to have every whole-application start-up listed in it, a line each (./test.sh counts them).</summary>
    public const string StartsFileSetting = "LAZYLECTURE_TEST_APP_STARTS";

    private static readonly Lock StartsFileLock = new();

    /// <param name="name">What the application is for, as the list of start-ups names it.</param>
    public static async Task<TestApplication> StartAsync(string name, Action<IDistributedApplicationTestingBuilder>? configure = null)
    {
        if (Environment.GetEnvironmentVariable(StartsFileSetting) is { Length: > 0 } startsFile)
        {
            // One writer at a time: applications that started together lost lines when they appended at once.
            lock (StartsFileLock)
            {
                File.AppendAllText(startsFile, $"{DateTime.UtcNow:O} {name}{Environment.NewLine}");
            }
        }

        // Readable by PostgreSQL's own user when the suite runs as root, so its data stays inside this folder.
        var stateDirectory = Directory.CreateTempSubdirectory("lazylecture-test-").FullName;
        File.SetUnixFileMode(stateDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);

        using var timeout = new CancellationTokenSource(AppHostFixture.StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.LazyLecture_AppHost>(
            [
                $"--AppHost:StateDirectory={stateDirectory}",
                "--AppHost:EphemeralData=true",
                // Random ports: several applications (and a developer's own) run side by side.
                "--AppHost:ApiPort=0",
                // The two administrator parameters the README documents, chosen as an operator would: every test that signs
                // in as the administrator proves them, and AdministratorParameterTests checks them by name.
                $"--Parameters:{ResourceNames.AdminUsername}={AdministratorUsername}",
                $"--Parameters:{ResourceNames.AdminPassword}={AdministratorPassword}",
                // The shared Silero VAD model, as ./run.sh provides the downloaded one (without it, jobs run without detection).
                $"--AppHost:VoiceActivityModelPath={(File.Exists(SharedAssets.PathOf(SharedAssets.VoiceActivityModel)) ? SharedAssets.PathOf(SharedAssets.VoiceActivityModel) : "")}",
            ],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Api)
            .WithEnvironment("Transcriptions__MaxUploadBytes", AppHostFixture.MaxUploadBytes.ToString(CultureInfo.InvariantCulture));
        builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Worker)
            .WithEnvironment("Worker__ConsumeJobs", "false");
        // The suite is the proxy in front of the API and the web app: each test session claims a client address of its
        // own (X-Forwarded-For from loopback), so the per-address limits of one test never throttle another.
        foreach (var service in new[] { ResourceNames.Api, ResourceNames.Web })
        {
            builder.CreateResourceBuilder<ProjectResource>(service)
                .WithEnvironment("ForwardedHeaders__KnownNetworks__0", "127.0.0.0/8")
                .WithEnvironment("ForwardedHeaders__KnownProxies__0", "::1");
        }
        // Every health check that fails while an application starts or stops is logged as an error: hundreds of lines per
        // run that bury the test results in CI's log tail. A start that fails says why in its exception (below). The
        // resources' own information lines and this process's HTTP calls (70,000 lines a run, a tenth of the test host's
        // CPU) stay out of the console too: tests read the resources' logs from the capture below, warnings still show.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning)
            .AddFilter("LazyLecture.AppHost.Resources", LogLevel.Warning)); // Aspire's category: "{AppHost}.Resources.{name}"
        configure?.Invoke(builder);

        var app = await builder.BuildAsync(timeout.Token);
        var application = new TestApplication(app, stateDirectory);
        try
        {
            await app.StartAsync(timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Api, timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Worker, timeout.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Web, timeout.Token);
        }
        catch (Exception ex)
        {
            var states = application.Snapshots.Describe() + application.ExitedResourceLogs();
            await application.DisposeAsync();
            throw new InvalidOperationException($"The application did not start: {ex.Message}{Environment.NewLine}{states}", ex);
        }

        return application;
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in App.Services.GetRequiredService<ResourceNotificationService>().WatchAsync(cancellationToken))
            {
                Snapshots.Record(update);
                _ = _logWatches.GetOrAdd(update.ResourceId, id => Task.Run(() => CollectLogsAsync(id, cancellationToken)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CollectLogsAsync(string resourceId, CancellationToken cancellationToken)
    {
        var log = ConsoleLogs.GetOrAdd(resourceId, _ => new StringBuilder());
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                lock (log)
                {
                    foreach (var line in batch)
                    {
                        log.AppendLine(line.Content);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The last lines of every resource that exited with an error: why a start failed, in the failure's message.</summary>
    private string ExitedResourceLogs()
    {
        var failed = new StringBuilder();
        foreach (var resourceId in Snapshots.Exited())
        {
            var lines = ConsoleLog(resourceId).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            failed.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"--- {resourceId}, last lines of its console:");
            failed.AppendJoin(Environment.NewLine, lines.TakeLast(30));
        }

        return failed.ToString();
    }

    /// <summary>Everything a resource instance has written so far.</summary>
    public string ConsoleLog(string resourceId)
    {
        var log = ConsoleLogs.GetOrAdd(resourceId, _ => new StringBuilder());
        lock (log)
        {
            return log.ToString();
        }
    }

    /// <summary>Set to a folder to keep every resource's console log of every test application (for a failure's post-mortem).</summary>
    public const string LogsFolderSetting = "LAZYLECTURE_TEST_LOGS";

    private bool _disposed;

    /// <summary>Stops the application and deletes its state; once (the shutdown test disposes its collection's application before the fixture does).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (Environment.GetEnvironmentVariable(LogsFolderSetting) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            foreach (var resource in ConsoleLogs.Keys)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"{Path.GetFileName(StateDirectory)}-{resource}.log"), ConsoleLog(resource));
            }
        }

        await App.StopAsync();
        await App.DisposeAsync();
        await _stopWatching.CancelAsync();
        await _watching;
        await Task.WhenAll(_logWatches.Values);
        _stopWatching.Dispose();
        // A server may still be writing its last files while it exits: try again for a few seconds.
        for (var attempt = 0; Directory.Exists(StateDirectory) && attempt < 10; attempt++)
        {
            try
            {
                Directory.Delete(StateDirectory, recursive: true);
            }
            catch (IOException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
