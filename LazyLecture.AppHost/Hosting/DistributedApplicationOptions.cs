namespace LazyLecture.Hosting;

/// <summary>How the runtime runs the declared resources: for a person at a terminal, or as a throw-away test host.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Data, logs and generated secrets of the resources. Persistent for <c>dotnet run</c>, a temp folder for tests.</summary>
    public required string StateDirectory { get; set; }

    /// <summary>Test host: ephemeral state, random ports everywhere, no console output, no dashboard, durability traded for speed.</summary>
    public bool IsTestHost { get; set; }

    public bool RandomizePorts => IsTestHost;

    public bool WriteOutputToConsole { get; set; } = true;

    /// <summary>Port of the resource dashboard; null turns it off.</summary>
    public int? DashboardPort { get; set; } = 18888;

    /// <summary>Environment name given to the services (ASPNETCORE_ENVIRONMENT / DOTNET_ENVIRONMENT).</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>Passed to the services when set, so they export traces, metrics and logs over OTLP.</summary>
    public string? OtlpEndpoint { get; set; }
}
