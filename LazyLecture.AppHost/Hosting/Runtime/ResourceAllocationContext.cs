using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace LazyLecture.Hosting.Runtime;

/// <summary>What resources get when the application is built: their folder, free ports and persisted secrets.</summary>
internal sealed class ResourceAllocationContext(DistributedApplicationOptions options, Microsoft.Extensions.Configuration.IConfiguration configuration, ResourceLog log, OrphanReaper reaper)
{
    public Microsoft.Extensions.Configuration.IConfiguration Configuration { get; } = configuration;

    public void ProcessStarted(int processGroupId) => reaper.Track(processGroupId);

    public void ProcessStopped(int processGroupId) => reaper.Untrack(processGroupId);

    private readonly Dictionary<string, string> _secrets = LoadSecrets(options.StateDirectory);

    public DistributedApplicationOptions Options { get; } = options;

    public ResourceLog Log { get; } = log;

    public string StateDirectory => Options.StateDirectory;

    public string ResourceDirectory(string resourceName)
    {
        var path = Path.Combine(StateDirectory, resourceName);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>A fixed port when one is configured (and the app is not under test), otherwise a free loopback port.</summary>
    public int Port(int? fixedPort) => fixedPort is { } port && !Options.RandomizePorts ? port : FreePort();

    /// <summary>A random secret, kept in the state folder so persistent data (PostgreSQL, RabbitMQ users) stays usable across runs.</summary>
    public string Secret(string key, Func<string>? generate = null)
    {
        lock (_secrets)
        {
            if (!_secrets.TryGetValue(key, out var value))
            {
                value = generate?.Invoke() ?? RandomHex(32);
                _secrets[key] = value;
                SaveSecrets();
            }

            return value;
        }
    }

    private readonly List<string> _ownedDirectories = [];

    /// <summary>Folders outside the state folder that belong to this instance (deleted with a test host's state).</summary>
    public IReadOnlyList<string> OwnedDirectories => _ownedDirectories;

    public void RegisterOwnedDirectory(string path) => _ownedDirectories.Add(path);

    public static string RandomHex(int bytes) => Convert.ToHexString(RandomNumberGenerator.GetBytes(bytes)).ToLowerInvariant();

    public bool HasSecret(string key)
    {
        lock (_secrets)
        {
            return _secrets.ContainsKey(key);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private string SecretsFile => Path.Combine(StateDirectory, "secrets.json");

    private static Dictionary<string, string> LoadSecrets(string stateDirectory)
    {
        var file = Path.Combine(stateDirectory, "secrets.json");
        return File.Exists(file)
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? []
            : [];
    }

    private void SaveSecrets()
    {
        Directory.CreateDirectory(StateDirectory);
        File.WriteAllText(SecretsFile, JsonSerializer.Serialize(_secrets));
        File.SetUnixFileMode(SecretsFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
