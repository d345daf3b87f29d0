using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Short forms of what tests ask a running application: parameter values, connection strings, resource commands.</summary>
public static class ApplicationExtensions
{
    public static string GetParameterValue(this DistributedApplication app, string name) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ParameterResource>().Single(p => p.Name == name)
            .GetValueAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult()
        ?? throw new InvalidOperationException($"Parameter '{name}' has no value.");

    public static string GetConnectionString(this DistributedApplication app, string resourceName) =>
        app.GetConnectionStringAsync(resourceName).AsTask().GetAwaiter().GetResult()
        ?? throw new InvalidOperationException($"Resource '{resourceName}' has no connection string.");

    /// <summary>Stops every instance of a resource through Aspire's own resource command (what the dashboard's Stop button does).</summary>
    public static Task StopResourceAsync(this DistributedApplication app, string name, CancellationToken cancellationToken = default) =>
        ExecuteAsync(app, name, KnownResourceCommands.StopCommand, cancellationToken);

    public static Task StartResourceAsync(this DistributedApplication app, string name, CancellationToken cancellationToken = default) =>
        ExecuteAsync(app, name, KnownResourceCommands.StartCommand, cancellationToken);

    /// <summary>Starts one instance (a replica) by its resource id.</summary>
    public static async Task StartInstanceAsync(this DistributedApplication app, string resourceId, CancellationToken cancellationToken = default)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"Starting '{resourceId}' failed: {result.Message}");
        }
    }

    public static Task WaitForResourceHealthyAsync(this DistributedApplication app, string name, CancellationToken cancellationToken = default) =>
        app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellationToken);

    private static async Task ExecuteAsync(DistributedApplication app, string resourceName, string command, CancellationToken cancellationToken)
    {
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var result = await app.ResourceCommands.ExecuteCommandAsync(resource, command, cancellationToken);
        if (!result.Success)
        {
            throw new InvalidOperationException($"'{command}' on '{resourceName}' failed: {result.Message}");
        }
    }

    /// <summary>
    /// Kills a resource instance's process and everything it started with SIGKILL, as a crash would: no shutdown runs.
    /// (A project runs as <c>dotnet run</c> with the service as its child.)
    /// </summary>
    public static void KillProcessTree(int processId)
    {
        foreach (var child in ChildrenOf(processId))
        {
            KillProcessTree(child);
        }

        try
        {
            Process.GetProcessById(processId).Kill();
        }
        catch (ArgumentException)
        {
            // already gone
        }
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // state, ppid, …
                if (int.Parse(fields[1]) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // exited while we looked
            }
        }

        return children;
    }
}
