using System.Net;
using LazyLecture.Contracts;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Aspire.Hosting.Testing;
using LazyLecture.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace LazyLecture.Tests.Hosting;

public sealed class ApplicationStartupTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Whole_application_starts_with_api_and_worker_healthy()
    {
        using var api = fixture.App.CreateHttpClient(ResourceNames.Api);
        using var ready = await api.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        using var live = await api.GetAsync("/health/live", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HealthStatus.Healthy, fixture.Application.Snapshots.Single(ResourceNames.Worker).Snapshot.HealthStatus);
        var migrations = fixture.Application.Snapshots.Single(ResourceNames.Migrations).Snapshot;
        Assert.Equal(KnownResourceStates.Finished, migrations.State?.Text);
        Assert.Equal(0, migrations.ExitCode);

        using var worker = fixture.App.CreateHttpClient(ResourceNames.Worker);
        using var workerReady = await worker.GetAsync("/health/ready", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, workerReady.StatusCode);
    }

    /// <summary>
    /// A local server is told its port seconds before it binds it; a port from the kernel's ephemeral range could by then be
    /// the local end of an outgoing connection, and the server would exit (a CI run lost a PostgreSQL that way).
    /// </summary>
    [Fact]
    public async Task Local_servers_listen_below_the_ephemeral_port_range()
    {
        var ephemeralStart = int.Parse(
            (await File.ReadAllTextAsync("/proc/sys/net/ipv4/ip_local_port_range", TestContext.Current.CancellationToken)).Split('\t', ' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        var postgres = new NpgsqlConnectionStringBuilder(fixture.App.GetConnectionString(ResourceNames.Database)).Port;
        var rabbitMq = new Uri(fixture.App.GetConnectionString(ResourceNames.RabbitMq)!).Port;

        Assert.InRange(postgres, 1024, ephemeralStart - 1);
        Assert.InRange(rabbitMq, 1024, ephemeralStart - 1);
        Assert.NotEqual(postgres, rabbitMq);
    }

    [Fact]
    public async Task Migrations_step_creates_the_schema_in_the_application_database()
    {
        await using var connection = new NpgsqlConnection(fixture.App.GetConnectionString(ResourceNames.Database));
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM __ef_migrations_history", connection);

        var applied = (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;

        Assert.True(applied >= 1, "no migration was applied");
    }

    [Fact]
    public async Task Api_serves_its_openapi_document_and_scalar_page()
    {
        using var api = fixture.App.CreateHttpClient(ResourceNames.Api);

        using var document = await api.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        using var scalar = await api.GetAsync("/scalar", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, document.StatusCode);
        Assert.Contains("\"openapi\"", await document.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
    }

    [Fact]
    public async Task Openapi_document_declares_the_password_flow_for_scalars_authorize_button()
    {
        using var api = fixture.App.CreateHttpClient(ResourceNames.Api);

        var document = System.Text.Json.Nodes.JsonNode.Parse(await api.GetStringAsync("/openapi/v1.json", TestContext.Current.CancellationToken))!;

        var flow = document["components"]!["securitySchemes"]!["OAuth2"]!["flows"]!["password"]!;
        Assert.Equal("/api/v1/auth/login", flow["tokenUrl"]!.GetValue<string>());
        Assert.NotNull(document["paths"]!["/api/v1/users/me"]!["get"]!["security"]);
        Assert.Null(document["paths"]!["/api/v1/auth/login"]!["post"]!["security"]);
    }

    [Fact]
    public void Servers_listen_on_loopback_only()
    {
        var listeners = File.ReadAllLines("/proc/net/tcp").Skip(1)
            .Concat(File.ReadAllLines("/proc/net/tcp6").Skip(1))
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields[3] == "0A") // LISTEN
            .Select(fields => fields[1])
            .ToList();
        var ports = new[]
        {
            new Uri(fixture.App.GetConnectionString(ResourceNames.RabbitMq)).Port,
            new NpgsqlConnectionStringBuilder(fixture.App.GetConnectionString(ResourceNames.Database)).Port,
        };

        foreach (var port in ports)
        {
            var suffix = ":" + port.ToString("X4");
            var bound = listeners.Where(address => address.EndsWith(suffix, StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(bound);
            // 0100007F is 127.0.0.1; an all-zero address would mean every interface.
            Assert.All(bound, address => Assert.StartsWith("0100007F", address, StringComparison.Ordinal));
        }
    }
}
