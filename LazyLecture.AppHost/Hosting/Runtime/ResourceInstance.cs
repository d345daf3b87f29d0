namespace LazyLecture.Hosting.Runtime;

/// <summary>
/// One running copy of a resource (a replica of a project, or the single PostgreSQL server) and its supervision:
/// start its processes, watch its health, restart it with back-off when it crashes, stop it cleanly.
/// Subclasses say what to launch and how to tell it is healthy.
/// </summary>
internal abstract class ResourceInstance(string name, Resource resource, ResourceAllocationContext context)
{
    private static readonly TimeSpan MaxRestartDelay = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly List<ManagedProcess> _processes = [];
    private TaskCompletionSource _stateChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource? _runCancellation;
    private Task? _supervision;

    public string Name { get; } = name;

    public Resource Resource { get; } = resource;

    protected ResourceAllocationContext Context { get; } = context;

    public ResourceState State { get; private set; } = ResourceState.NotStarted;

    public int Restarts { get; private set; }

    public int? ExitCode { get; private set; }

    /// <summary>The address people and other resources use to reach it, when it has one.</summary>
    public virtual string? Url => null;

    /// <summary>One-shot steps (migrations) finish instead of being restarted.</summary>
    public virtual bool IsOneShot => false;

    /// <summary>Process ids of its running processes (each leads its own process group).</summary>
    public IReadOnlyList<int> ProcessIds
    {
        get
        {
            lock (_gate)
            {
                return [.. _processes.Where(p => !p.Exited.IsCompleted).Select(p => p.ProcessId)];
            }
        }
    }

    public event Action<ResourceInstance, ResourceState>? StateChanged;

    /// <summary>One-time preparation before the first start (initdb, config files).</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The processes to launch, in order; the last one is the resource's main process. None for a resource that lives inside another.</summary>
    protected abstract IReadOnlyList<ProcessSpec> CreateProcessSpecs();

    protected abstract Task<bool> CheckHealthAsync(CancellationToken cancellationToken);

    private bool _prepared;

    /// <summary>Starts supervision; returns at once. Use <see cref="WaitForStateAsync"/> to wait for health.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_supervision is { IsCompleted: false })
        {
            return;
        }

        if (!_prepared)
        {
            SetState(ResourceState.Starting);
            await PrepareAsync(cancellationToken).ConfigureAwait(false);
            _prepared = true;
        }

        _runCancellation = new CancellationTokenSource();
        _supervision = Task.Run(() => SuperviseAsync(_runCancellation.Token), CancellationToken.None);
    }

    public void MarkWaiting() => SetState(ResourceState.Waiting);

    public void MarkFailed(string reason)
    {
        Context.Log.Write(Name, reason);
        SetState(ResourceState.Failed);
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var failuresInARow = 0;
        while (!stopping.IsCancellationRequested)
        {
            SetState(Restarts == 0 && failuresInARow == 0 ? ResourceState.Starting : ResourceState.Restarting);
            ManagedProcess? main;
            try
            {
                main = LaunchProcesses();
            }
            catch (Exception ex)
            {
                MarkFailed($"Could not start: {ex.Message}");
                return;
            }

            var startedAt = DateTime.UtcNow;
            SetState(ResourceState.Running);
            if (main is null)
            {
                // A resource without a process of its own (a database): only its health is watched.
                await MonitorHealthAsync(stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                return;
            }

            using var monitorCancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var monitor = IsOneShot ? Task.CompletedTask : MonitorHealthAsync(monitorCancellation.Token);
            var exitCode = await main.Exited.WaitAsync(stopping).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : (int?)null, TaskScheduler.Default).ConfigureAwait(false);
            await monitorCancellation.CancelAsync().ConfigureAwait(false);
            await monitor.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

            if (exitCode is null)
            {
                return; // stop requested: StopAsync takes over
            }

            ExitCode = exitCode;
            await StopProcessesAsync().ConfigureAwait(false);
            if (IsOneShot)
            {
                Context.Log.Write(Name, $"Exited with code {exitCode}.");
                SetState(exitCode == 0 ? ResourceState.Finished : ResourceState.Failed);
                return;
            }

            failuresInARow = DateTime.UtcNow - startedAt > TimeSpan.FromSeconds(30) ? 1 : failuresInARow + 1;
            var delay = TimeSpan.FromSeconds(Math.Min(MaxRestartDelay.TotalSeconds, Math.Pow(2, failuresInARow - 1)));
            Context.Log.Write(Name, $"Exited unexpectedly with code {exitCode}; restarting in {delay.TotalSeconds:0} s.");
            SetState(ResourceState.Restarting);
            Restarts++;
            try
            {
                await Task.Delay(delay, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private ManagedProcess? LaunchProcesses()
    {
        ManagedProcess? main = null;
        foreach (var spec in CreateProcessSpecs())
        {
            var process = ManagedProcess.Start(spec, line => Context.Log.Write(Name, line));
            lock (_gate)
            {
                _processes.Add(process);
            }

            Context.ProcessStarted(process.ProcessId);
            main = process;
        }

        return main;
    }

    private async Task MonitorHealthAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            bool healthy;
            try
            {
                healthy = await CheckHealthAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                healthy = false;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (healthy)
            {
                SetState(ResourceState.Healthy);
            }
            else if (State == ResourceState.Healthy)
            {
                SetState(ResourceState.Unhealthy);
            }

            await Task.Delay(healthy ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(250), cancellationToken)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Stops the resource cleanly (stop signal, then kill after its timeout); it is not restarted.</summary>
    public async Task StopAsync()
    {
        if (State is ResourceState.NotStarted or ResourceState.Stopped)
        {
            return;
        }

        var finished = State is ResourceState.Finished or ResourceState.Failed;
        if (!finished)
        {
            SetState(ResourceState.Stopping);
        }

        if (_runCancellation is not null)
        {
            await _runCancellation.CancelAsync().ConfigureAwait(false);
        }

        if (_supervision is not null)
        {
            await _supervision.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await StopProcessesAsync().ConfigureAwait(false);
        if (!finished)
        {
            SetState(ResourceState.Stopped);
        }
    }

    /// <summary>Kills the main process without warning, as a crash would; supervision restarts it unless <paramref name="restart"/> is false.</summary>
    public async Task KillAsync(bool restart)
    {
        if (!restart && _runCancellation is not null)
        {
            await _runCancellation.CancelAsync().ConfigureAwait(false);
        }

        ManagedProcess[] processes;
        lock (_gate)
        {
            processes = [.. _processes];
        }

        foreach (var process in processes)
        {
            process.Kill();
        }

        if (!restart)
        {
            await StopAsync().ConfigureAwait(false);
        }
    }

    private async Task StopProcessesAsync()
    {
        ManagedProcess[] processes;
        lock (_gate)
        {
            processes = [.. _processes];
            _processes.Clear();
        }

        // Reverse order: the main process first, its helpers (epmd) after it.
        foreach (var process in processes.Reverse())
        {
            await process.DisposeAsync().ConfigureAwait(false);
            Context.ProcessStopped(process.ProcessId);
        }
    }

    /// <summary>Completes when the instance reaches one of the states (or fails, which throws).</summary>
    public async Task WaitForStateAsync(Func<ResourceState, bool> predicate, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (predicate(State))
                {
                    return;
                }

                if (State == ResourceState.Failed)
                {
                    throw new DistributedApplicationException($"Resource '{Name}' failed (exit code {ExitCode?.ToString() ?? "none"}). Last output:{Environment.NewLine}{string.Join(Environment.NewLine, Context.Log.Tail(Name).TakeLast(30))}");
                }

                changed = _stateChanged.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void SetState(ResourceState state)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            if (State == state)
            {
                return;
            }

            State = state;
            previous = _stateChanged;
            _stateChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
        StateChanged?.Invoke(this, state);
    }
}
