using LazyLecture.Hosting.Runtime;

namespace LazyLecture.Hosting;

/// <summary>
/// A value the AppHost passes to services, secrets included. As in Aspire it is read from configuration
/// (<c>Parameters:{name}</c>, environment <c>Parameters__{name}</c>); a secret that is not configured is generated once,
/// kept in the state folder and announced once on the console, never logged again.
/// </summary>
public sealed class ParameterResource(string name, bool secret, bool generateWhenMissing) : Resource(name)
{
    private string? _value;

    public bool IsSecret { get; } = secret;

    /// <summary>True when the value was generated during this run (so it is shown to the person once).</summary>
    public bool WasGenerated { get; private set; }

    public string Value => _value ?? throw new InvalidOperationException($"Parameter '{Name}' has not been resolved yet.");

    internal override void Allocate(ResourceAllocationContext context)
    {
        var configured = context.Configuration[$"Parameters:{Name}"];
        if (!string.IsNullOrEmpty(configured))
        {
            _value = configured;
            return;
        }

        if (!generateWhenMissing)
        {
            throw new DistributedApplicationException($"Parameter '{Name}' is not configured: set Parameters:{Name} (environment Parameters__{Name}).");
        }

        WasGenerated = !context.HasSecret(Name);
        _value = context.Secret(Name);
    }

    internal override IReadOnlyList<ResourceInstance> CreateInstances(ResourceAllocationContext context) => [];
}
