using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Hosting;

/// <summary>The administrator as the README documents it: two AppHost parameters, and a first start that says where the password is.</summary>
public sealed class AdministratorParameterTests(AppHostFixture fixture)
{
    [Fact]
    public async Task The_admin_username_and_admin_password_parameters_make_the_administrator()
    {
        using var api = new ApiSession(fixture);

        // The names as an operator writes them, not read back through Aspire.
        var tokens = await api.LoginAsync(TestApplication.AdministratorUsername, TestApplication.AdministratorPassword);
        using var me = await api.GetAsync("/api/v1/users/me", tokens.Access);
        var user = await ApiSession.ReadObjectAsync(me);
        Assert.Equal(TestApplication.AdministratorUsername, user["username"]!.GetValue<string>());
        Assert.Equal("admin", user["role"]!.GetValue<string>());

        // The default name was not used as well: there is one administrator, under the configured name.
        using var defaultName = await api.PostJsonAsync("/api/v1/auth/login", new { username = "admin", password = TestApplication.AdministratorPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, defaultName.StatusCode);
    }

    [Fact]
    public async Task The_first_start_names_the_administrator_and_where_the_password_is_but_never_the_password()
    {
        var home = Directory.CreateTempSubdirectory("lazylecture-first-start-").FullName;
        var state = Path.Combine(home, "state");
        Directory.CreateDirectory(state);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var output = new StringBuilder();
        var configuration = typeof(AdministratorParameterTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var appHost = Path.Combine(RepositoryRoot.Path, "LazyLecture.AppHost", "bin", configuration, "net10.0", "LazyLecture.AppHost");
        var startInfo = new ProcessStartInfo(appHost, ["--AppHost:StateDirectory=" + state, "--AppHost:EphemeralData=true", "--AppHost:ApiPort=0", "--AppHost:WebPort=0"])
        {
            WorkingDirectory = Path.GetDirectoryName(appHost)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A machine where the AppHost never ran: user secrets live under APPDATA when it is set, so the developer's own stay untouched.
        startInfo.Environment["APPDATA"] = home;
        startInfo.Environment.Remove($"Parameters__{ResourceNames.AdminPassword}");
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        startInfo.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";

        using var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Eventually.MatchesAsync(
                () => Task.FromResult(Snapshot(output)), text => text.Contains("First start", StringComparison.Ordinal), TimeSpan.FromMinutes(2),
                "the AppHost's first-start notice");
        }
        finally
        {
            await StopAsync(process);
            // Its orchestrator goes on stopping PostgreSQL and RabbitMQ after the AppHost has exited.
            await Eventually.MatchesAsync(() => Task.FromResult(ProcessTable.Naming(state)), survivors => survivors.Count == 0,
                TimeSpan.FromMinutes(1), "every process of the first-start AppHost to end");
        }

        var log = Snapshot(output);
        Assert.Contains("the administrator is 'admin'", log, StringComparison.Ordinal);
        Assert.Contains("dotnet user-secrets list --project LazyLecture.AppHost", log, StringComparison.Ordinal);

        // The password was generated and kept, and appears nowhere in what the AppHost printed.
        var secrets = JsonNode.Parse(await File.ReadAllTextAsync(
            Directory.EnumerateFiles(Path.Combine(home, "Microsoft", "UserSecrets"), "secrets.json", SearchOption.AllDirectories).Single(),
            TestContext.Current.CancellationToken))!.AsObject();
        var password = secrets[$"Parameters:{ResourceNames.AdminPassword}"]!.GetValue<string>();
        Assert.True(password.Length >= 20, "no generated password was kept");
        Assert.DoesNotContain(password, log, StringComparison.Ordinal);
        Directory.Delete(home, recursive: true);
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>SIGTERM, as Ctrl+C would, then waits for the AppHost; its orchestrator stops what it had started.</summary>
    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        }
    }
}
