using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Hosting;

/// <summary>The deployment manifest azd consumes, published by the AppHost itself and checked against Aspire's schema.</summary>
public sealed class DeploymentManifestTests
{
    [Fact]
    public async Task The_published_manifest_validates_and_declares_containers_for_the_servers_and_projects_for_the_services()
    {
        var schemaText = await File.ReadAllTextAsync(SharedAssets.Require("reference/aspire-manifest-8.0.schema.json"), TestContext.Current.CancellationToken);
        var manifestText = await PublishManifestAsync();

        using var manifest = JsonDocument.Parse(manifestText);
        var result = JsonSchema.FromText(schemaText).Evaluate(manifest.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, "schema errors: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));

        var resources = JsonNode.Parse(manifestText)!["resources"]!.AsObject();
        Assert.Equal("container.v0", resources[ResourceNames.Postgres]!["type"]!.GetValue<string>());
        Assert.Equal("container.v0", resources[ResourceNames.RabbitMq]!["type"]!.GetValue<string>());
        foreach (var project in new[] { ResourceNames.Migrations, ResourceNames.Api, ResourceNames.Worker })
        {
            Assert.StartsWith("project.", resources[project]!["type"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        // References become connection strings; the API's http binding is what azd exposes.
        Assert.Equal("{lazylecture.connectionString}", resources[ResourceNames.Migrations]!["env"]![$"ConnectionStrings__{ResourceNames.Database}"]!.GetValue<string>());
        Assert.Equal("{rabbitmq.connectionString}", resources[ResourceNames.Api]!["env"]![$"ConnectionStrings__{ResourceNames.RabbitMq}"]!.GetValue<string>());
        Assert.Equal("{rabbitmq.connectionString}", resources[ResourceNames.Worker]!["env"]![$"ConnectionStrings__{ResourceNames.RabbitMq}"]!.GetValue<string>());
        Assert.NotNull(resources[ResourceNames.Api]!["bindings"]!["http"]);

        // Secrets are parameters the deployment generates, never values written into the manifest.
        foreach (var secret in new[] { ResourceNames.AdminPassword, ResourceNames.JwtSigningKey, ResourceNames.WorkerApiKey })
        {
            Assert.True(resources[secret]!["inputs"]!["value"]!["secret"]!.GetValue<bool>(), $"{secret} is not marked secret");
            Assert.NotNull(resources[secret]!["inputs"]!["value"]!["default"]!["generate"]);
        }
    }

    /// <summary>Runs the built AppHost with Aspire's manifest publisher, as <c>dotnet run --project LazyLecture.AppHost -- --publisher manifest</c> does.</summary>
    private static async Task<string> PublishManifestAsync()
    {
        var configuration = typeof(DeploymentManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var appHost = Path.Combine(RepositoryRoot.Path, "LazyLecture.AppHost", "bin", configuration, "net10.0", "LazyLecture.AppHost");
        var output = Path.Combine(Path.GetTempPath(), $"lazylecture-manifest-{Guid.NewGuid():N}.json");
        var startInfo = new ProcessStartInfo(appHost, ["--publisher", "manifest", "--output-path", output])
        {
            WorkingDirectory = Path.GetDirectoryName(appHost)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(startInfo)!;
        var log = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromMinutes(2), TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"publishing failed ({process.ExitCode}): {await log}{await errors}");
        try
        {
            return await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
