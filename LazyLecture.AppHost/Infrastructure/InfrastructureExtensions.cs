namespace LazyLecture.AppHost.Infrastructure;

/// <summary>PostgreSQL and RabbitMQ in the selected <see cref="InfrastructureMode"/>, under the same names and connection strings either way.</summary>
public static class InfrastructureExtensions
{
    /// <summary>A PostgreSQL server named <paramref name="serverName"/> with one database; returns the database.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddPostgresDatabase(
        this IDistributedApplicationBuilder builder, InfrastructureMode mode, string serverName, string databaseName)
    {
        if (mode == InfrastructureMode.Local)
        {
            return builder.AddLocalPostgres(serverName).AddDatabase(databaseName);
        }

        return builder.AddPostgres(serverName).WithDataVolume().AddDatabase(databaseName);
    }

    public static IResourceBuilder<IResourceWithConnectionString> AddMessageBroker(
        this IDistributedApplicationBuilder builder, InfrastructureMode mode, string name) =>
        mode == InfrastructureMode.Local
            ? builder.AddLocalRabbitMQ(name)
            : builder.AddRabbitMQ(name).WithDataVolume();
}

public static class AudioStoreLocation
{
    /// <summary>
    /// Where the API keeps uploaded recordings: under the state folder when run here; in a deployment, a path the operator
    /// mounts a volume at (the manifest cannot declare volumes for project resources).
    /// </summary>
    public static string AudioStoreDirectory(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsPublishMode
            ? "/var/lib/lazylecture/audio"
            : Path.Combine(LocalServerProcess.StateDirectory(builder), "audio");
}
