using System.Security.Cryptography;
using System.Text;
using LazyLecture.Hosting.Runtime;
using Npgsql;

namespace LazyLecture.Hosting;

/// <summary>A PostgreSQL server run from the Debian package as a local process, listening on loopback only.</summary>
public sealed class PostgresServerResource(string name, int? fixedPort) : Resource(name), IResourceWithConnectionString
{
    internal const string SuperUser = "postgres";

    public List<PostgresDatabaseResource> Databases { get; } = [];

    public int Port { get; private set; }

    internal string Password { get; private set; } = "";

    internal string DataDirectory { get; private set; } = "";

    public string GetConnectionString() => $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={Password}";

    internal override void Allocate(ResourceAllocationContext context)
    {
        Port = context.Port(fixedPort);
        Password = context.Secret($"{Name}-password");
        DataDirectory = Path.Combine(PostgresInstallation.DataRoot(context, Name), "data");
    }

    internal override IReadOnlyList<ResourceInstance> CreateInstances(ResourceAllocationContext context) => [new PostgresServerInstance(this, context)];
}

/// <summary>A database on a <see cref="PostgresServerResource"/>; created when the server first turns healthy.</summary>
public sealed class PostgresDatabaseResource(string name, PostgresServerResource server) : Resource(name), IResourceWithConnectionString
{
    public PostgresServerResource Server { get; } = server;

    public override Resource? Parent => Server;

    public string GetConnectionString() => $"{Server.GetConnectionString()};Database={Name}";

    internal override void Allocate(ResourceAllocationContext context)
    {
    }

    internal override IReadOnlyList<ResourceInstance> CreateInstances(ResourceAllocationContext context) => [new PostgresDatabaseInstance(this, context)];
}

/// <summary>Where the Debian package put PostgreSQL, and where its data may live.</summary>
internal static class PostgresInstallation
{
    public static string BinDirectory()
    {
        var versions = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Where(d => File.Exists(Path.Combine(d, "bin", "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .ToList()
            : [];
        return versions.Count > 0
            ? Path.Combine(versions[0], "bin")
            : throw new DistributedApplicationException("PostgreSQL is not installed: install the Debian package 'postgresql' (the README's commands do it when run as root).");
    }

    /// <summary>
    /// As root, PostgreSQL runs as the 'postgres' user, which cannot reach folders under /root or a 0700 temp folder:
    /// its data then lives under /var/lib/lazylecture, in a folder named after the state folder so instances never share one.
    /// </summary>
    public static string DataRoot(ResourceAllocationContext context, string resourceName)
    {
        if (!Posix.IsRoot)
        {
            return context.ResourceDirectory(resourceName);
        }

        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(context.StateDirectory))))[..16].ToLowerInvariant();
        var root = Path.Combine("/var/lib/lazylecture", key, resourceName);
        Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode("/var/lib/lazylecture", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Path.GetDirectoryName(root)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        context.RegisterOwnedDirectory(Path.GetDirectoryName(root)!);
        return root;
    }
}

internal sealed class PostgresServerInstance(PostgresServerResource server, ResourceAllocationContext context)
    : ResourceInstance(server.Name, server, context)
{
    private readonly string _bin = PostgresInstallation.BinDirectory();

    public override string? Url => $"postgres://127.0.0.1:{server.Port}";

    private string? RunAs => Posix.IsRoot ? PostgresServerResource.SuperUser : null;

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        var dataRoot = Path.GetDirectoryName(server.DataDirectory)!;
        if (RunAs is not null)
        {
            await RunToCompletionAsync("chown", ["-R", $"{RunAs}:{RunAs}", dataRoot], runAs: null, cancellationToken).ConfigureAwait(false);
        }

        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            return;
        }

        Context.Log.Write(Name, $"Initialising a new database cluster in {server.DataDirectory}");
        var passwordFile = Path.Combine(dataRoot, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, server.Password, cancellationToken).ConfigureAwait(false);
        try
        {
            if (RunAs is not null)
            {
                await RunToCompletionAsync("chown", [$"{RunAs}:{RunAs}", passwordFile], runAs: null, cancellationToken).ConfigureAwait(false);
            }

            List<string> arguments = ["-D", server.DataDirectory, "-U", PostgresServerResource.SuperUser, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8"];
            if (Context.Options.IsTestHost)
            {
                arguments.Add("--no-sync");
            }

            await RunToCompletionAsync(Path.Combine(_bin, "initdb"), arguments, RunAs, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    protected override IReadOnlyList<ProcessSpec> CreateProcessSpecs()
    {
        List<string> arguments =
        [
            "-D", server.DataDirectory, "-p", server.Port.ToString(),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=",
            "-c", "max_connections=300",
        ];
        if (Context.Options.IsTestHost)
        {
            // Throw-away data: durability is not worth the disk flushes.
            arguments.AddRange(["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
        }

        return [new ProcessSpec(Name, Path.Combine(_bin, "postgres"), arguments) { StopSignal = Posix.SigInt, RunAsUser = RunAs, StopTimeout = TimeSpan.FromSeconds(20) }];
    }

    protected override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection($"{server.GetConnectionString()};Database=postgres;Timeout=3;Pooling=false");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is 1;
    }

    private async Task RunToCompletionAsync(string fileName, IReadOnlyList<string> arguments, string? runAs, CancellationToken cancellationToken)
    {
        await using var process = ManagedProcess.Start(new ProcessSpec(Name, fileName, arguments) { RunAsUser = runAs }, line => Context.Log.Write(Name, line));
        var exitCode = await process.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException($"{Path.GetFileName(fileName)} failed with exit code {exitCode}; see the '{Name}' output above.");
        }
    }
}

internal sealed class PostgresDatabaseInstance(PostgresDatabaseResource database, ResourceAllocationContext context)
    : ResourceInstance(database.Name, database, context)
{
    protected override IReadOnlyList<ProcessSpec> CreateProcessSpecs() => [];

    protected override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection($"{database.Server.GetConnectionString()};Database=postgres;Timeout=3;Pooling=false");
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", database.Name);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                return true;
            }
        }

        // Identifiers cannot be parameters; the name comes from the AppHost's own declaration, quoted defensively.
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Name.Replace("\"", "\"\"")}\"", connection);
        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        Context.Log.Write(Name, $"Created database '{database.Name}'.");
        return true;
    }
}
