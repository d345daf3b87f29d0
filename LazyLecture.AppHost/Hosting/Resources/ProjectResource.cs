using LazyLecture.Hosting.Runtime;

namespace LazyLecture.Hosting;

/// <summary>A .NET project of this solution, launched from its build output (<c>dotnet exec</c>), optionally as several replicas.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata) : Resource(name)
{
    private readonly List<ProjectInstance> _instances = [];

    public IProjectMetadata Metadata { get; } = metadata;

    public int Replicas { get; set; } = 1;

    public bool HasHttpEndpoint { get; set; }

    public int? FixedHttpPort { get; set; }

    public List<string> Arguments { get; } = [];

    /// <summary>A step that runs once and exits (something waits for its completion): finished, not restarted.</summary>
    public bool IsOneShot { get; internal set; }

    /// <summary>The HTTP address of each replica, in replica order.</summary>
    public IReadOnlyList<string> HttpEndpoints => [.. _instances.Where(i => i.HttpUrl is not null).Select(i => i.HttpUrl!)];

    internal override void Allocate(ResourceAllocationContext context)
    {
        if (!File.Exists(Metadata.AssemblyPath))
        {
            throw new DistributedApplicationException($"'{Name}' has not been built: {Metadata.AssemblyPath} is missing (build the solution first).");
        }

        _instances.Clear();
        for (var replica = 0; replica < Replicas; replica++)
        {
            var instanceName = Replicas == 1 ? Name : $"{Name}-{replica + 1}";
            var port = HasHttpEndpoint ? context.Port(replica == 0 ? FixedHttpPort : null) : (int?)null;
            _instances.Add(new ProjectInstance(instanceName, this, port is null ? null : $"http://localhost:{port}", context));
        }
    }

    internal override IReadOnlyList<ResourceInstance> CreateInstances(ResourceAllocationContext context) => _instances;
}

internal sealed class ProjectInstance(string name, ProjectResource project, string? httpUrl, ResourceAllocationContext context)
    : ResourceInstance(name, project, context)
{
    private static readonly HttpClient HealthClient = new() { Timeout = TimeSpan.FromSeconds(3) };

    public string? HttpUrl { get; } = httpUrl;

    public override string? Url => HttpUrl;

    public override bool IsOneShot => project.IsOneShot;

    protected override IReadOnlyList<ProcessSpec> CreateProcessSpecs()
    {
        var environment = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = Context.Options.EnvironmentName,
            ["ASPNETCORE_ENVIRONMENT"] = Context.Options.EnvironmentName,
            ["OTEL_SERVICE_NAME"] = project.Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={Name}",
            ["DOTNET_NOLOGO"] = "1",
            // One line per log entry, so every line carries the resource prefix.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        if (HttpUrl is not null)
        {
            environment["ASPNETCORE_URLS"] = HttpUrl;
        }

        if (Context.Options.OtlpEndpoint is { } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }

        foreach (var reference in project.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString withConnectionString:
                    environment[$"ConnectionStrings__{reference.Name}"] = withConnectionString.GetConnectionString();
                    break;
                case ProjectResource service:
                    var endpoints = service.HttpEndpoints;
                    for (var i = 0; i < endpoints.Count; i++)
                    {
                        environment[$"services__{service.Name}__http__{i}"] = endpoints[i];
                    }

                    break;
            }
        }

        foreach (var (key, value) in project.Environment)
        {
            environment[key] = value();
        }

        return
        [
            new ProcessSpec(Name, "dotnet", ["exec", project.Metadata.AssemblyPath, .. project.Arguments])
            {
                WorkingDirectory = Path.GetDirectoryName(project.Metadata.AssemblyPath),
                Environment = environment,
                StopTimeout = TimeSpan.FromSeconds(15),
            },
        ];
    }

    protected override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        if (HttpUrl is null)
        {
            return true;
        }

        using var response = await HealthClient.GetAsync($"{HttpUrl}/health/ready", cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}

public static class ProjectResourceBuilderExtensions
{
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this DistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
        => builder.AddResource(new ProjectResource(name, new TProject()));

    /// <summary>Gives the project an HTTP endpoint: the fixed port when given (not under test), otherwise a free one.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null)
    {
        builder.Resource.HasHttpEndpoint = true;
        builder.Resource.FixedHttpPort = port;
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>A folder for the service's files (uploaded audio), under the state folder: kept across runs, thrown away by the test host.</summary>
    public static IResourceBuilder<ProjectResource> WithDataDirectory(this IResourceBuilder<ProjectResource> builder, string environmentVariable, string folderName)
    {
        var path = Path.Combine(builder.ApplicationBuilder.Options.StateDirectory, "data", folderName);
        builder.Resource.Environment[environmentVariable] = () => path;
        return builder;
    }

    public static IResourceBuilder<ProjectResource> WithArgs(this IResourceBuilder<ProjectResource> builder, params string[] arguments)
    {
        builder.Resource.Arguments.AddRange(arguments);
        return builder;
    }
}
