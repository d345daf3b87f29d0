using Microsoft.Extensions.Configuration;

namespace LazyLecture.Hosting;

/// <summary>Collects the declared resources and the AppHost's configuration, then builds the application (Aspire's shape).</summary>
public sealed class DistributedApplicationBuilder
{
    /// <summary>Set by the test host around its call of the AppHost's entry point.</summary>
    internal static readonly AsyncLocal<TestHostHooks?> TestHost = new();

    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args)
    {
        Configuration = new ConfigurationManager();
        Configuration.SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(args, SwitchMappings);

        var section = Configuration.GetSection("AppHost");
        var hooks = TestHost.Value;
        Options = hooks is not null
            ? new DistributedApplicationOptions
            {
                StateDirectory = Directory.CreateTempSubdirectory("lazylecture-test-").FullName,
                IsTestHost = true,
                WriteOutputToConsole = false,
                DashboardPort = null,
                EnvironmentName = "Development",
            }
            : new DistributedApplicationOptions
            {
                StateDirectory = Path.GetFullPath(section["StateDirectory"] ?? DefaultStateDirectory()),
                DashboardPort = section.GetValue<int?>("DashboardPort", 18888) is > 0 and var port ? port : null,
                EnvironmentName = section["Environment"] ?? "Development",
            };
        Options.OtlpEndpoint = Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        hooks?.ConfigureBuilder?.Invoke(this);
    }

    /// <summary>Short options for people: <c>--api-port 5090</c>, <c>--workers 2</c>, <c>--state-dir DIR</c>, <c>--dashboard-port 0</c>.</summary>
    public static IDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>
    {
        ["--api-port"] = "AppHost:ApiPort",
        ["--workers"] = "AppHost:WorkerReplicas",
        ["--state-dir"] = "AppHost:StateDirectory",
        ["--dashboard-port"] = "AppHost:DashboardPort",
    };

    public ConfigurationManager Configuration { get; }

    public DistributedApplicationOptions Options { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource)
        where T : Resource
    {
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' is already declared.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public DistributedApplication Build()
    {
        TestHost.Value?.BeforeBuild?.Invoke(this);

        // Whatever something waits to complete is a one-shot step (migrations): finished, never restarted.
        foreach (var wait in _resources.SelectMany(r => r.Waits).Where(w => w.Behavior == WaitBehavior.Completed))
        {
            if (wait.Resource is ProjectResource step)
            {
                step.IsOneShot = true;
            }
        }

        return new DistributedApplication(this);
    }

    private static string DefaultStateDirectory()
    {
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "lazylecture");
    }
}

/// <summary>What the test host does inside the AppHost's own Program: adjust the builder, then take the built application instead of running it.</summary>
internal sealed class TestHostHooks
{
    public Action<DistributedApplicationBuilder>? ConfigureBuilder { get; init; }

    public Action<DistributedApplicationBuilder>? BeforeBuild { get; init; }

    public DistributedApplication? Application { get; set; }
}

public static class DistributedApplicationBuilderExtensions
{
    public static IResourceBuilder<PostgresServerResource> AddPostgres(this DistributedApplicationBuilder builder, string name, int? port = null)
        => builder.AddResource(new PostgresServerResource(name, port));

    public static IResourceBuilder<PostgresDatabaseResource> AddDatabase(this IResourceBuilder<PostgresServerResource> server, string name)
    {
        var database = new PostgresDatabaseResource(name, server.Resource);
        server.Resource.Databases.Add(database);
        return server.ApplicationBuilder.AddResource(database);
    }

    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this DistributedApplicationBuilder builder, string name, int? port = null)
        => builder.AddResource(new RabbitMQServerResource(name, port));

    /// <summary>A parameter from configuration; a missing secret can be generated once and persisted with the state (see <see cref="ParameterResource"/>).</summary>
    public static IResourceBuilder<ParameterResource> AddParameter(this DistributedApplicationBuilder builder, string name, ParameterOptions options)
        => builder.AddResource(new ParameterResource(name, options));
}
