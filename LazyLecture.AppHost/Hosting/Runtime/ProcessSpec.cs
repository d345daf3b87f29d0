namespace LazyLecture.Hosting.Runtime;

/// <summary>How to launch one OS process of a resource.</summary>
internal sealed record ProcessSpec(string DisplayName, string FileName, IReadOnlyList<string> Arguments)
{
    public string? WorkingDirectory { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The signal that asks the process to shut down cleanly (PostgreSQL's fast shutdown is SIGINT).</summary>
    public int StopSignal { get; init; } = Posix.SigTerm;

    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Run as this unprivileged user when the AppHost runs as root (PostgreSQL refuses root).</summary>
    public string? RunAsUser { get; init; }
}
