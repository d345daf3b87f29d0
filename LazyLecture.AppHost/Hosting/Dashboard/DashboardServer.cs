using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LazyLecture.Hosting.Dashboard;

/// <summary>
/// A small web page of the resources (state, endpoints, restarts, recent output), the stand-in for Aspire's dashboard.
/// Loopback only; it shows what the console shows, never secrets (connection strings are not listed).
/// </summary>
internal sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _web;

    private DashboardServer(WebApplication web, string url)
    {
        _web = web;
        Url = url;
    }

    public string Url { get; }

    public static async Task<DashboardServer> StartAsync(DistributedApplication application, int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var web = builder.Build();

        web.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        web.MapGet("/api/resources", () => Results.Json(application.Instances.Select(i => new
        {
            name = i.Name,
            resource = i.Resource.Name,
            type = i.Resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal),
            state = i.State.ToString(),
            url = i.Url,
            restarts = i.Restarts,
            pids = i.ProcessIds,
        })));
        web.MapGet("/api/resources/{name}/logs", (string name) =>
            application.Log.Sources.Contains(name)
                ? Results.Text(string.Join('\n', application.Log.Tail(name)))
                : Results.NotFound());

        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        return new DashboardServer(web, $"http://localhost:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await _web.StopAsync().ConfigureAwait(false);
        await _web.DisposeAsync().ConfigureAwait(false);
    }
}
