using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using LazyLecture.Hosting.Runtime;
using RabbitMQ.Client;

namespace LazyLecture.Hosting;

/// <summary>
/// A RabbitMQ node run from the Debian package as a local process. It gets its own node name, Erlang cookie, epmd
/// (on its own loopback port, so it never meets a system broker or a second instance) and a generated user.
/// </summary>
public sealed class RabbitMQServerResource(string name, int? fixedPort) : Resource(name), IResourceWithConnectionString
{
    internal const string UserName = "lazylecture";

    public int Port { get; private set; }

    internal int DistributionPort { get; private set; }

    internal int EpmdPort { get; private set; }

    internal string Password { get; private set; } = "";

    internal string Directory { get; private set; } = "";

    internal string NodeName { get; private set; } = "";

    public string GetConnectionString() => $"amqp://{UserName}:{Password}@127.0.0.1:{Port}/";

    internal override void Allocate(ResourceAllocationContext context)
    {
        Port = context.Port(fixedPort);
        DistributionPort = ResourceAllocationContext.FreePort();
        EpmdPort = ResourceAllocationContext.FreePort();
        Password = context.Secret($"{Name}-password");
        Directory = context.ResourceDirectory(Name);

        // The node's data folder is keyed by node name, so a persistent state folder must keep the same name across runs.
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Directory)))[..10].ToLowerInvariant();
        NodeName = $"lazylecture-{key}@localhost";
    }

    internal override IReadOnlyList<ResourceInstance> CreateInstances(ResourceAllocationContext context) => [new RabbitMQServerInstance(this, context)];
}

internal sealed class RabbitMQServerInstance(RabbitMQServerResource broker, ResourceAllocationContext context)
    : ResourceInstance(broker.Name, broker, context)
{
    private const string ServerScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public override string? Url => $"amqp://127.0.0.1:{broker.Port}";

    private string Home => Path.Combine(broker.Directory, "home");

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ServerScript))
        {
            throw new DistributedApplicationException("RabbitMQ is not installed: install the Debian package 'rabbitmq-server' (the README's commands do it when run as root).");
        }

        System.IO.Directory.CreateDirectory(Home);
        System.IO.Directory.CreateDirectory(Path.Combine(broker.Directory, "mnesia"));
        var cookie = Path.Combine(Home, ".erlang.cookie");
        if (!File.Exists(cookie))
        {
            await File.WriteAllTextAsync(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)), cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        }

        // default_user/default_pass only take effect when the node's database is created, which is why the password persists.
        var config = $"""
            listeners.tcp.1 = 127.0.0.1:{broker.Port}
            default_user = {RabbitMQServerResource.UserName}
            default_pass = {broker.Password}
            log.console = true
            log.console.level = warning
            log.file = false
            """;
        var configFile = Path.Combine(broker.Directory, "rabbitmq.conf");
        await File.WriteAllTextAsync(configFile, config, cancellationToken).ConfigureAwait(false);
        File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await File.WriteAllTextAsync(Path.Combine(broker.Directory, "enabled_plugins"), "[].", cancellationToken).ConfigureAwait(false);
    }

    protected override IReadOnlyList<ProcessSpec> CreateProcessSpecs()
    {
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = Home,
            ["ERL_EPMD_PORT"] = broker.EpmdPort.ToString(),
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODENAME"] = broker.NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = broker.Port.ToString(),
            ["RABBITMQ_DIST_PORT"] = broker.DistributionPort.ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(broker.Directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(broker.Directory, "log"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(broker.Directory, "rabbitmq.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(broker.Directory, "enabled_plugins"),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        };

        // Our own epmd in the foreground: the node would otherwise daemonise a shared one on all interfaces that outlives it.
        return
        [
            new ProcessSpec("epmd", "/usr/bin/epmd", ["-port", broker.EpmdPort.ToString(), "-address", "127.0.0.1"]) { Environment = environment },
            new ProcessSpec(Name, ServerScript, []) { Environment = environment, StopTimeout = TimeSpan.FromSeconds(20) },
        ];
    }

    protected override async Task<bool> CheckHealthAsync(CancellationToken cancellationToken)
    {
        // The node answers ping before its AMQP listener is up: only a real AMQP handshake counts.
        using (var probe = new TcpClient())
        {
            await probe.ConnectAsync("127.0.0.1", broker.Port, cancellationToken).ConfigureAwait(false);
        }

        var factory = new ConnectionFactory { Uri = new Uri(broker.GetConnectionString()), RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        return connection.IsOpen;
    }
}
