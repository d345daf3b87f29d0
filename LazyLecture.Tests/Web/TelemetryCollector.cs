using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LazyLecture.Tests.Web;

/// <summary>
/// An OTLP/HTTP receiver in the test process: a service pointed at it exports its traces, logs and metrics here, as it
/// would to the Aspire dashboard. The exports are kept as they arrived (protobuf, whose strings are plain UTF-8), so a test
/// can look for a value in everything the service's telemetry said. Started when made, stopped with the test's application.
/// </summary>
public sealed class TelemetryCollector : IHostedService
{
    private readonly WebApplication _server;
    private readonly ConcurrentQueue<(string Signal, byte[] Body)> _exports = new();

    public TelemetryCollector()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            _exports.Enqueue((signal, body.ToArray()));
            return Results.Bytes([], "application/x-protobuf");
        });
        _server.StartAsync().GetAwaiter().GetResult();
        Endpoint = _server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
    }

    /// <summary>The base address to export to (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> with <c>http/protobuf</c>).</summary>
    public string Endpoint { get; }

    /// <summary>Whether any export of <paramref name="signal"/> (traces, logs, metrics) holds <paramref name="text"/>.</summary>
    public bool Holds(string signal, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return _exports.Any(e => e.Signal == signal && e.Body.AsSpan().IndexOf(bytes) >= 0);
    }

    /// <summary>The signals in which <paramref name="text"/> appears.</summary>
    public IReadOnlyList<string> SignalsHolding(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return [.. _exports.Where(e => e.Body.AsSpan().IndexOf(bytes) >= 0).Select(e => e.Signal).Distinct()];
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken) => await _server.DisposeAsync();
}
