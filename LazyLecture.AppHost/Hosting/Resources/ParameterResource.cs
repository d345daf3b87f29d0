using LazyLecture.Hosting.Runtime;

namespace LazyLecture.Hosting;

/// <summary>
/// A value the AppHost passes to services, secrets included. It is read from the AppHost's configuration (its own key, or
/// <c>Parameters:{name}</c> as in Aspire); a secret that is not configured is generated once and kept in the state folder.
/// </summary>
public sealed class ParameterResource(string name, ParameterOptions options) : Resource(name)
{
    private string? _value;

    public bool IsSecret => options.Secret;

    /// <summary>True when the value was generated during this run, so a person can be told it once.</summary>
    public bool WasGenerated { get; private set; }

    /// <summary>Announce a generated value on the console once (an administrator's password), instead of keeping it silent (a signing key).</summary>
    public bool AnnounceWhenGenerated => options.AnnounceWhenGenerated;

    public string Value => _value ?? throw new InvalidOperationException($"Parameter '{Name}' has not been resolved yet.");

    internal override void Allocate(ResourceAllocationContext context)
    {
        var configured = (options.ConfigurationKey is { } key ? context.Configuration[key] : null) ?? context.Configuration[$"Parameters:{Name}"];
        if (!string.IsNullOrEmpty(configured))
        {
            _value = configured;
            return;
        }

        if (options.DefaultValue is { } fallback)
        {
            _value = fallback;
            return;
        }

        if (options.Generate is null)
        {
            throw new DistributedApplicationException($"Parameter '{Name}' is not configured: set {options.ConfigurationKey ?? $"Parameters:{Name}"}.");
        }

        WasGenerated = !context.HasSecret(Name);
        _value = context.Secret(Name, options.Generate);
    }

    internal override IReadOnlyList<ResourceInstance> CreateInstances(ResourceAllocationContext context) => [];
}

public sealed record ParameterOptions
{
    public bool Secret { get; init; }

    /// <summary>The AppHost configuration key read first (for example <c>Admin:Password</c>, environment <c>Admin__Password</c>).</summary>
    public string? ConfigurationKey { get; init; }

    public string? DefaultValue { get; init; }

    /// <summary>Makes a value when none is configured; it is then kept with the state so it is the same next run.</summary>
    public Func<string>? Generate { get; init; }

    public bool AnnounceWhenGenerated { get; init; }
}
