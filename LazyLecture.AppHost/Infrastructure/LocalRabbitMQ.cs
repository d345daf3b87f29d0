using System.Globalization;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;

namespace LazyLecture.AppHost.Infrastructure;

/// <summary>
/// A RabbitMQ node from the Debian package, run by DCP as an executable. It has its own node name, Erlang cookie (in its
/// own HOME) and epmd on its own loopback port, so it never meets a system broker or another instance, and a user whose
/// password is a persisted Aspire parameter. Its connection string has the shape of Aspire's container resource.
/// </summary>
public sealed class LocalRabbitMQServerResource(string name, string command, string workingDirectory, ParameterResource password, int port)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string UserName = "lazylecture";

    public ParameterResource PasswordParameter { get; } = password;

    public int Port { get; } = port;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"amqp://{UserName}:{PasswordParameter}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
}

public static class LocalRabbitMQExtensions
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public static IResourceBuilder<LocalRabbitMQServerResource> AddLocalRabbitMQ(this IDistributedApplicationBuilder builder, string name)
    {
        if (!File.Exists(ServerScript))
        {
            throw new DistributedApplicationException("RabbitMQ is not installed: install the Debian package 'rabbitmq-server' (./run.sh and ./test.sh do it when run as root).");
        }

        var password = builder.AddParameter($"{name}-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var directory = Path.Combine(LocalServerProcess.StateDirectory(builder), name);
        var home = Path.Combine(directory, "home");
        Directory.CreateDirectory(home); // DCP starts the processes in this folder
        var port = LocalServerProcess.Port(builder, "AppHost:RabbitMqPort");
        var epmdPort = LocalServerProcess.Port(builder, "AppHost:RabbitMqEpmdPort").ToString(CultureInfo.InvariantCulture);
        var distributionPort = LocalServerProcess.Port(builder, "AppHost:RabbitMqDistributionPort").ToString(CultureInfo.InvariantCulture);

        // The node's data folder is keyed by node name, so a persistent state folder keeps the same name across runs.
        var nodeName = $"lazylecture-{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(directory)))[..10].ToLowerInvariant()}@localhost";
        Dictionary<string, string> environment = new()
        {
            ["HOME"] = home, // the Erlang cookie lives here; CLI tools must use the same HOME
            ["ERL_EPMD_PORT"] = epmdPort,
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODENAME"] = nodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort,
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            // The script then executes the Erlang VM in place instead of keeping a shell in front of it, so DCP's SIGTERM
            // reaches the VM (which stops the node gracefully) and setpriv's parent-death signal stays on it.
            ["RUNNING_UNDER_SYSTEMD"] = "true",
        };

        // Our own epmd in the foreground, as a resource of its own: the node would otherwise start a shared daemon on all
        // interfaces that outlives it.
        var epmd = builder.AddResource(new ExecutableResource($"{name}-epmd", LocalServerProcess.Launcher, directory))
            .WithArgs("--pdeathsig=TERM", "--", "/usr/bin/epmd", "-port", epmdPort, "-address", "127.0.0.1")
            .ExcludeFromManifest();

        var broker = new LocalRabbitMQServerResource(name, LocalServerProcess.Launcher, directory, password.Resource, port);
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(broker, async (_, cancellationToken) =>
            await WriteNodeConfigurationAsync(directory, home, port, await password.Resource.GetValueAsync(cancellationToken) ?? "", cancellationToken));

        var healthCheckKey = $"{name}-ready";
        builder.Services.AddHealthChecks().AddAsyncCheck(healthCheckKey, async cancellationToken =>
            await AmqpHandshakeAsync(await broker.ConnectionStringExpression.GetValueAsync(cancellationToken) ?? "", port, cancellationToken));

        var resource = builder.AddResource(broker)
            .WithArgs("--pdeathsig=TERM", "--", ServerScript)
            .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .WaitFor(epmd)
            .ExcludeFromManifest();
        foreach (var (key, value) in environment)
        {
            resource.WithEnvironment(key, value);
            epmd.WithEnvironment(key, value);
        }

        epmd.WithParentRelationship(resource);
        return resource;
    }

    private static async Task WriteNodeConfigurationAsync(string directory, string home, int port, string password, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
        var cookie = Path.Combine(home, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            await File.WriteAllTextAsync(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)), cancellationToken);
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }

        // default_user/default_pass only take effect when the node's database is created: the password parameter persists.
        var configFile = Path.Combine(directory, "rabbitmq.conf");
        await File.WriteAllTextAsync(configFile, $"""
            listeners.tcp.1 = 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
            default_user = {LocalRabbitMQServerResource.UserName}
            default_pass = {password}
            log.console = true
            log.console.level = warning
            log.file = false
            """, cancellationToken);
        File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(Path.Combine(directory, "enabled_plugins"), "[].", cancellationToken);
    }

    /// <summary>The node answers ping seconds before its AMQP listener is up: only a real AMQP handshake counts.</summary>
    private static async Task<HealthCheckResult> AmqpHandshakeAsync(string connectionString, int port, CancellationToken cancellationToken)
    {
        try
        {
            using (var probe = new TcpClient())
            {
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken);
            }

            var factory = new ConnectionFactory { Uri = new Uri(connectionString), RequestedConnectionTimeout = TimeSpan.FromSeconds(3), AutomaticRecoveryEnabled = false };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return connection.IsOpen ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The AMQP connection closed at once.");
        }
        catch (Exception ex) when (ex is SocketException or IOException or TimeoutException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            return HealthCheckResult.Unhealthy($"RabbitMQ does not accept AMQP connections: {ex.Message}");
        }
    }
}
