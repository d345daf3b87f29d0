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

    /// <summary>The configured port, or a free loopback port: local servers listen on exactly the port they are told.</summary>
    public static int Port(IDistributedApplicationBuilder builder, string settingKey)
    {
        if (builder.Configuration.GetValue<int?>(settingKey) is int configured and > 0)
        {
            return configured;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
