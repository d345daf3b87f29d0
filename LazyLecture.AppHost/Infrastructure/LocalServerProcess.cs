using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LazyLecture.AppHost.Infrastructure;

/// <summary>What the local PostgreSQL and RabbitMQ resources share: ports, the state folder, running helper programs.</summary>
internal static class LocalServerProcess
{
    /// <summary>
    /// Every local server is started through util-linux's setpriv, which then executes it in place (DCP still signals the
    /// server itself): <c>--pdeathsig</c> makes the kernel stop the server if DCP, its parent, ever dies without stopping it
    /// (the AppHost killed with SIGKILL), so no database or broker of ours outlives a run.
    /// </summary>
    public const string Launcher = "/usr/bin/setpriv";

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// The configured port, or a free loopback port below the kernel's ephemeral range: local servers listen on exactly the
    /// port they are told, seconds later (after initdb). A port from the ephemeral range (what port 0 gives) could by then be
    /// the local end of one of the many outgoing connections of a busy host (the test host makes thousands) or another
    /// program's port-0 listener, and the server would exit with "Address already in use"; ports below the range are never
    /// handed out that way. Ports given to this process's other resources are not given twice.
    /// </summary>
    public static int Port(IDistributedApplicationBuilder builder, string settingKey)
    {
        if (builder.Configuration.GetValue<int?>(settingKey) is int configured and > 0)
        {
            return configured;
        }

        var (first, last) = PortsOutsideEphemeralRange();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = Random.Shared.Next(first, last + 1);
            lock (HandedOut)
            {
                if (!HandedOut.Contains(candidate) && IsFree(candidate))
                {
                    HandedOut.Add(candidate);
                    return candidate;
                }
            }
        }

        throw new DistributedApplicationException($"No free loopback port between {first} and {last}; set {settingKey}.");
    }

    private static readonly HashSet<int> HandedOut = [];

    /// <summary>Below the first ephemeral port (Linux: <c>net.ipv4.ip_local_port_range</c>, 32768 by default) and above the well-known and common service ports.</summary>
    private static (int First, int Last) PortsOutsideEphemeralRange()
    {
        const int First = 20000;
        const string RangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        var ephemeralStart = 32768;
        if (File.Exists(RangeFile)
            && File.ReadAllText(RangeFile).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries) is [var start, ..]
            && int.TryParse(start, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            ephemeralStart = parsed;
        }

        // A host whose ephemeral range starts low leaves nothing below it: then any port above the range's start will do.
        return ephemeralStart - 1 >= First + 1000 ? (First, ephemeralStart - 1) : (First, 65000);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Data of the local servers, kept between runs: <c>AppHost:StateDirectory</c>, by default <c>$XDG_DATA_HOME/lazylecture</c>
    /// (<c>~/.local/share/lazylecture</c>).
    /// </summary>
    public static string StateDirectory(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["AppHost:StateDirectory"];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(dataHome, "lazylecture");
    }

    /// <summary>Runs a preparation step (initdb, chown) to completion; its output goes to the resource's console log.</summary>
    public static async Task RunAsync(ILogger log, string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true } };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) log.LogInformation("{Line}", line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) log.LogWarning("{Line}", line.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"{Path.GetFileName(fileName)} failed with exit code {process.ExitCode}; see the resource's console log.");
        }
    }
}
