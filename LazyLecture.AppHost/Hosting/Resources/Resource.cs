using LazyLecture.Hosting.Runtime;

namespace LazyLecture.Hosting;

/// <summary>Something the application runs or provides: a server, a database, a project, a parameter.</summary>
public interface IResource
{
    string Name { get; }
}

/// <summary>A resource that hands out a connection string (Aspire injects it as <c>ConnectionStrings__{name}</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    string GetConnectionString();
}

/// <summary>Generated for each project the AppHost launches (see the AppHost's .csproj): where it is and what it builds.</summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }

    string AssemblyPath { get; }
}

/// <summary>How a resource waits for another one before it starts.</summary>
public enum WaitBehavior
{
    /// <summary>Until the other resource is healthy.</summary>
    Healthy,

    /// <summary>Until the other resource (a one-shot step) has finished successfully.</summary>
    Completed,
}

public sealed record ResourceWait(Resource Resource, WaitBehavior Behavior);

/// <summary>Base of every declared resource: its relations to other resources and its extra environment.</summary>
public abstract class Resource(string name) : IResource
{
    public string Name { get; } = name;

    public List<ResourceWait> Waits { get; } = [];

    public List<IResource> References { get; } = [];

    public Dictionary<string, Func<string>> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The resource this one belongs to (a database belongs to its server); it stops with it.</summary>
    public virtual Resource? Parent => null;

    /// <summary>Resources this one cannot run without: waits, references and its parent.</summary>
    public IEnumerable<Resource> Dependencies =>
        Waits.Select(w => w.Resource)
            .Concat(References.OfType<Resource>())
            .Concat(Parent is null ? [] : [Parent])
            .Distinct();

    /// <summary>Called once when the application is built: allocate ports, secrets and folders.</summary>
    internal abstract void Allocate(ResourceAllocationContext context);

    /// <summary>The running instances of this resource (one, or one per replica).</summary>
    internal abstract IReadOnlyList<ResourceInstance> CreateInstances(ResourceAllocationContext context);
}
