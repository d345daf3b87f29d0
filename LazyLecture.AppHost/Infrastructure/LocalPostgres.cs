using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace LazyLecture.AppHost.Infrastructure;

/// <summary>
/// PostgreSQL from the Debian package, run by DCP as an executable: loopback only, no Unix socket, data kept under the
/// state folder. Its connection string has the shape of Aspire's container resource, so the services cannot tell them apart.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string command, string workingDirectory, ParameterResource password, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string SuperUser = "postgres";

    public ParameterResource PasswordParameter { get; } = password;

    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username={SuperUser};Password={PasswordParameter}");
}

/// <summary>A database on a <see cref="LocalPostgresServerResource"/>, created when the server first turns healthy.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

public static class LocalPostgresExtensions
{
    /// <summary>A PostgreSQL server of our own as a local process; see <see cref="LocalPostgresServerResource"/>.</summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var bin = BinDirectory();
        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var dataRoot = DataRoot(builder, name);
        var dataDirectory = Path.Combine(dataRoot, "data");
        Directory.CreateDirectory(dataRoot); // DCP starts the server in this folder
        var runAs = LocalServerProcess.IsRoot ? LocalPostgresServerResource.SuperUser : null;
        var port = LocalServerProcess.Port(builder, "AppHost:PostgresPort");

        // initdb, pg_ctl and postgres refuse to run as root: as root, setpriv switches to the package's 'postgres' user.
        List<string> arguments = runAs is null ? [] : [$"--reuid={runAs}", $"--regid={runAs}", "--init-groups"];
        arguments.AddRange(
        [
            "--pdeathsig=INT", "--", Path.Combine(bin, "postgres"),
            "-D", dataDirectory, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=300",
        ]);
        if (builder.Configuration.GetValue("AppHost:EphemeralData", false))
        {
            // Throw-away data (the test host): durability is not worth the disk flushes.
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        var server = new LocalPostgresServerResource(name, LocalServerProcess.Launcher, dataRoot, password.Resource, port);
        var healthCheckKey = $"{name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
            await QueryAsync($"{await server.ConnectionStringExpression.GetValueAsync(cancellationToken)};Database=postgres", cancellationToken));

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(server, async (@event, cancellationToken) =>
        {
            var log = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
            await InitialiseClusterAsync(log, bin, dataRoot, dataDirectory, runAs, await password.Resource.GetValueAsync(cancellationToken) ?? "", cancellationToken);
        });

        return builder.AddResource(server)
            .WithArgs([.. arguments])
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .ExcludeFromManifest();
    }

    /// <summary>A database on a local server; created (once) as soon as the server is ready, healthy once it answers queries.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(this IResourceBuilder<LocalPostgresServerResource> server, string name)
    {
        var builder = server.ApplicationBuilder;
        var database = new LocalPostgresDatabaseResource(name, name, server.Resource);
        builder.Eventing.Subscribe<ResourceReadyEvent>(server.Resource, async (@event, cancellationToken) =>
        {
            await CreateDatabaseIfMissingAsync(await server.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "", database.DatabaseName, cancellationToken);

            // A resource without a process of its own has the state we give it; its health check then decides readiness.
            await @event.Services.GetRequiredService<ResourceNotificationService>().PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        });

        var healthCheckKey = $"{name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
            await QueryAsync(await database.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "", cancellationToken));

        return builder.AddResource(database)
            .WithHealthCheck(healthCheckKey)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.NotStarted, Properties = [] })
            .ExcludeFromManifest();
    }

    private static async Task InitialiseClusterAsync(ILogger log, string bin, string dataRoot, string dataDirectory, string? runAs, string password, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataRoot);
        if (runAs is not null)
        {
            await LocalServerProcess.RunAsync(log, "chown", ["-R", $"{runAs}:{runAs}", dataRoot], cancellationToken);
        }

        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            return;
        }

        log.LogInformation("Initialising a new database cluster in {DataDirectory}", dataDirectory);
        var passwordFile = Path.Combine(dataRoot, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            List<string> arguments = runAs is null ? [] : [$"--reuid={runAs}", $"--regid={runAs}", "--init-groups"];
            if (runAs is not null)
            {
                await LocalServerProcess.RunAsync(log, "chown", [$"{runAs}:{runAs}", passwordFile], cancellationToken);
            }

            arguments.AddRange(["--", Path.Combine(bin, "initdb"), "-D", dataDirectory, "-U", LocalPostgresServerResource.SuperUser,
                "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
            await LocalServerProcess.RunAsync(log, LocalServerProcess.Launcher, arguments, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    /// <summary>Healthy once a query answers; otherwise the reason, shown on the dashboard (a wrong password is not "starting").</summary>
    private static async Task<HealthCheckResult> QueryAsync(string connectionString, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection($"{connectionString};Timeout=3;Pooling=false");
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL does not answer: {ex.Message}");
        }
    }

    private static async Task CreateDatabaseIfMissingAsync(string serverConnectionString, string databaseName, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection($"{serverConnectionString};Database=postgres;Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", databaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return;
            }
        }

        // Identifiers cannot be parameters; the name comes from the AppHost's own declaration, quoted defensively.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{databaseName.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string BinDirectory()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .ToList()
            : [];
        return versions.Count > 0
            ? Path.Combine(versions[0], "bin")
            : throw new DistributedApplicationException("PostgreSQL is not installed: install the Debian package 'postgresql' (./run.sh and ./test.sh do it when run as root).");
    }

    /// <summary>
    /// As root, PostgreSQL runs as the 'postgres' user, which cannot reach a state folder under /root: its data then lives
    /// under /var/lib/lazylecture, in a folder named after the state folder, so two state folders never share a cluster.
    /// </summary>
    private static string DataRoot(IDistributedApplicationBuilder builder, string name)
    {
        var state = LocalServerProcess.StateDirectory(builder);
        if (!LocalServerProcess.IsRoot || OthersCanTraverse(state))
        {
            return Path.Combine(state, name);
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(state)))[..16].ToLowerInvariant();
        const UnixFileMode Traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        var keyed = Path.Combine("/var/lib/lazylecture", key);
        Directory.CreateDirectory(keyed, Traversable);
        File.SetUnixFileMode("/var/lib/lazylecture", Traversable | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(keyed, Traversable);
        return Path.Combine(keyed, name);
    }

    private static bool OthersCanTraverse(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (current.Exists && !current.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }
}
