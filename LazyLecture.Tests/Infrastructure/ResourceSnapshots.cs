using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>The latest snapshot of every resource instance (replicas each have their own), by Aspire's resource id.</summary>
public sealed class ResourceSnapshots
{
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();

    public void Record(ResourceEvent update) => _latest[update.ResourceId] = update;

    /// <summary>The instances of the resource named <paramref name="name"/> (one, or one per replica), ordered by id.</summary>
    public IReadOnlyList<ResourceEvent> Instances(string name) =>
        [.. _latest.Values.Where(e => e.Resource.Name == name).OrderBy(e => e.ResourceId, StringComparer.Ordinal)];

    public ResourceEvent Single(string name) =>
        Instances(name) is [var only] ? only : throw new InvalidOperationException($"Expected one instance of '{name}', saw {Instances(name).Count}.");

    /// <summary>The process id DCP reports for an executable or project instance.</summary>
    public static int ProcessId(ResourceEvent instance) =>
        instance.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is int pid and > 0
            ? pid
            : throw new InvalidOperationException($"'{instance.ResourceId}' has no process (state {instance.Snapshot.State?.Text}).");

    /// <summary>The ids of the instances that exited with an error.</summary>
    public IReadOnlyList<string> Exited() =>
        [.. _latest.Values.Where(e => e.Snapshot.ExitCode is not null and not 0).Select(e => e.ResourceId).Order(StringComparer.Ordinal)];

    public string Describe() => string.Join(Environment.NewLine, _latest.Values
        .OrderBy(e => e.ResourceId, StringComparer.Ordinal)
        .Select(e => $"{e.ResourceId}: {e.Snapshot.State?.Text} health={e.Snapshot.HealthStatus?.ToString() ?? "-"} exit={e.Snapshot.ExitCode?.ToString() ?? "-"}"));
}
