using System.Runtime.InteropServices;
using LazyLecture.Hosting.Dashboard;
using LazyLecture.Hosting.Runtime;

namespace LazyLecture.Hosting;

/// <summary>
/// The running application: starts every resource once what it waits for is ready, supervises them, and stops them in
/// reverse dependency order. <c>dotnet run</c> uses <see cref="RunAsync"/>; tests drive the same object through the test host.
/// </summary>
public sealed class DistributedApplication : IAsyncDisposable
{
    private readonly DistributedApplicationBuilder _builder;
    private readonly ResourceAllocationContext _context;
    private readonly OrphanReaper _reaper;
    private readonly Dictionary<Resource, IReadOnlyList<ResourceInstance>> _instances = [];
    private DashboardServer? _dashboard;
    private int _stopped;

    internal DistributedApplication(DistributedApplicationBuilder builder)
    {
        _builder = builder;
        Options = builder.Options;
        Log = new ResourceLog(Options.WriteOutputToConsole, Path.Combine(Options.StateDirectory, "logs"));
        _reaper = new OrphanReaper(Options.StateDirectory);
        _context = new ResourceAllocationContext(Options, builder.Configuration, Log, _reaper);
        try
        {
            foreach (var resource in builder.Resources)
            {
                resource.Allocate(_context);
            }

            foreach (var resource in builder.Resources)
            {
                var instances = resource.CreateInstances(_context);
                _instances[resource] = instances;
                foreach (var instance in instances)
                {
                    instance.StateChanged += ReportStateChange;
                }
            }
        }
        catch
        {
            _reaper.Dispose();
            throw;
        }
    }

    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    public DistributedApplicationOptions Options { get; }

    public ResourceLog Log { get; }

    public IReadOnlyList<Resource> Resources => _builder.Resources;

    /// <summary>Every running instance, by name ("api", "worker-2", …).</summary>
    internal IEnumerable<ResourceInstance> Instances => _instances.Values.SelectMany(i => i);

    public ResourceState GetState(string instanceName) => FindInstance(instanceName).State;

    /// <summary>Process ids of every process the application runs now (PostgreSQL, RabbitMQ and epmd, the services).</summary>
    public IReadOnlyList<int> ProcessIds => [.. Instances.SelectMany(i => i.ProcessIds)];

    /// <summary>Starts every resource and returns once all are healthy (or, for one-shot steps, finished).</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Options.DashboardPort is { } dashboardPort)
        {
            _dashboard = await DashboardServer.StartAsync(this, dashboardPort, cancellationToken).ConfigureAwait(false);
        }

        var starts = Resources.Select(r => StartWhenReadyAsync(r, cancellationToken)).ToList();
        await Task.WhenAll(starts).ConfigureAwait(false);
        await Task.WhenAll(Instances.Select(i => i.WaitForStateAsync(s => s is ResourceState.Healthy or ResourceState.Finished, cancellationToken))).ConfigureAwait(false);
    }

    private async Task StartWhenReadyAsync(Resource resource, CancellationToken cancellationToken)
    {
        var instances = _instances[resource];
        foreach (var instance in instances)
        {
            instance.MarkWaiting();
        }

        var waits = resource.Waits.Concat(resource.Parent is null ? [] : [new ResourceWait(resource.Parent, WaitBehavior.Healthy)]);
        try
        {
            foreach (var wait in waits)
            {
                Func<ResourceState, bool> ready = wait.Behavior == WaitBehavior.Completed
                    ? s => s == ResourceState.Finished
                    : s => s == ResourceState.Healthy;
                await Task.WhenAll(_instances[wait.Resource].Select(i => i.WaitForStateAsync(ready, cancellationToken))).ConfigureAwait(false);
            }

            foreach (var instance in instances)
            {
                await instance.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            foreach (var instance in instances)
            {
                instance.MarkFailed(ex is DistributedApplicationException ? ex.Message : $"Failed to start: {ex.Message}");
            }

            throw;
        }
    }

    /// <summary>Runs until Ctrl+C or SIGTERM, then stops everything in order. Under the test host it hands the application over instead.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (DistributedApplicationBuilder.TestHost.Value is { } hooks)
        {
            hooks.Application = this;
            return;
        }

        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var signals = 0;
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref signals) == 1)
            {
                Log.Write("apphost", "Stopping… (press Ctrl+C again to kill everything at once)");
                shutdown.Cancel();
            }
            else
            {
                KillEverything();
                Environment.Exit(130);
            }
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigquit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillEverything();

        var exitCode = 0;
        try
        {
            Log.Write("apphost", $"State folder: {Options.StateDirectory}");
            await StartAsync(shutdown.Token).ConfigureAwait(false);
            PrintSummary();
            await Task.Delay(Timeout.Infinite, shutdown.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            Log.Write("apphost", $"Startup failed: {ex.Message}");
            exitCode = 1;
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
            Log.Write("apphost", "Stopped.");
        }

        Environment.ExitCode = exitCode;
    }

    private void PrintSummary()
    {
        Log.Write("apphost", "All resources are healthy.");
        foreach (var project in Resources.OfType<ProjectResource>())
        {
            foreach (var url in project.HttpEndpoints)
            {
                Log.Write("apphost", $"  {project.Name,-9} {url}");
            }
        }

        if (Resources.OfType<ProjectResource>().FirstOrDefault(p => p.Name == "api")?.HttpEndpoints is [var api, ..])
        {
            Log.Write("apphost", $"  API docs  {api}/scalar");
        }

        if (_dashboard is not null)
        {
            Log.Write("apphost", $"  dashboard {_dashboard.Url}");
        }

        // Shown once, when generated on the first run; it stays in the state folder's secrets.json (mode 0600).
        foreach (var parameter in Resources.OfType<ParameterResource>().Where(p => p.WasGenerated && p.AnnounceWhenGenerated))
        {
            Console.WriteLine($"apphost   |   {parameter.Name}: {parameter.Value}  (generated on first run; kept in {Path.Combine(Options.StateDirectory, "secrets.json")}, not shown again)");
        }

        Log.Write("apphost", "Press Ctrl+C to stop.");
    }

    private void ReportStateChange(ResourceInstance instance, ResourceState state)
    {
        var where = state is ResourceState.Healthy && instance.Url is { } url ? $" at {url}" : "";
        Log.Write("apphost", $"{instance.Name}: {state}{where}");
    }

    /// <summary>Stops every resource after everything that depends on it has stopped.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        var stopped = new Dictionary<Resource, Task>();
        Task StopResource(Resource resource)
        {
            if (!stopped.TryGetValue(resource, out var task))
            {
                var dependents = Resources.Where(r => r.Dependencies.Contains(resource)).Select(StopResource).ToList();
                task = StopAfterAsync(resource, dependents);
                stopped[resource] = task;
            }

            return task;
        }

        await Task.WhenAll(Resources.Select(StopResource).ToList()).ConfigureAwait(false);
    }

    private async Task StopAfterAsync(Resource resource, IReadOnlyList<Task> dependents)
    {
        await Task.WhenAll(dependents).ConfigureAwait(false);
        await Task.WhenAll(_instances[resource].Select(i => i.StopAsync())).ConfigureAwait(false);
    }

    /// <summary>Last resort on a second Ctrl+C or process exit: kill every process group at once.</summary>
    private void KillEverything()
    {
        foreach (var pid in ProcessIds)
        {
            Posix.SignalGroup(pid, Posix.SigKill);
        }
    }

    public HttpClient CreateHttpClient(string resourceName)
    {
        var project = Resources.OfType<ProjectResource>().FirstOrDefault(r => r.Name == resourceName)
            ?? throw new ArgumentException($"No project resource named '{resourceName}'.", nameof(resourceName));
        return new HttpClient { BaseAddress = new Uri(project.HttpEndpoints[0]) };
    }

    /// <summary>A parameter's value (the test host logs in with the generated administrator password this way).</summary>
    public string GetParameterValue(string name) =>
        Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == name)?.Value
        ?? throw new ArgumentException($"No parameter named '{name}'.", nameof(name));

    public string GetConnectionString(string resourceName) =>
        Resources.OfType<IResourceWithConnectionString>().FirstOrDefault(r => r.Name == resourceName)?.GetConnectionString()
        ?? throw new ArgumentException($"No resource with a connection string named '{resourceName}'.", nameof(resourceName));

    public Task WaitForResourceHealthyAsync(string instanceName, CancellationToken cancellationToken = default) =>
        FindInstance(instanceName).WaitForStateAsync(s => s == ResourceState.Healthy, cancellationToken);

    public Task WaitForResourceAsync(string instanceName, ResourceState state, CancellationToken cancellationToken = default) =>
        FindInstance(instanceName).WaitForStateAsync(s => s == state, cancellationToken);

    /// <summary>Stops one resource instance cleanly (for fault tests); it stays stopped until started again.</summary>
    public Task StopResourceAsync(string instanceName) => FindInstance(instanceName).StopAsync();

    public Task StartResourceAsync(string instanceName, CancellationToken cancellationToken = default) => FindInstance(instanceName).StartAsync(cancellationToken);

    /// <summary>Kills one resource instance with SIGKILL, as a crash would. With <paramref name="restart"/> its supervisor restarts it.</summary>
    public Task KillResourceAsync(string instanceName, bool restart = false) => FindInstance(instanceName).KillAsync(restart);

    private ResourceInstance FindInstance(string instanceName) =>
        Instances.FirstOrDefault(i => i.Name == instanceName)
        ?? throw new ArgumentException($"No resource instance named '{instanceName}'. Known: {string.Join(", ", Instances.Select(i => i.Name))}.", nameof(instanceName));

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync().ConfigureAwait(false);
        }

        _reaper.Dispose();
        Log.Close();
        if (Options.IsTestHost)
        {
            DeleteQuietly(Options.StateDirectory);
            foreach (var directory in _context.OwnedDirectories)
            {
                DeleteQuietly(directory);
            }
        }
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
