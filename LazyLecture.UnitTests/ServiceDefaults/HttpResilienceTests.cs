using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace LazyLecture.Tests.ServiceDefaults;

/// <summary>
/// The service defaults' HTTP clients retry transient failures, except POSTs: a worker's processing_error report
/// counts an error, so a retry after a lost response would count it twice.
/// </summary>
public sealed class HttpResilienceTests
{
    [Fact]
    public async Task A_failed_get_is_retried_and_a_failed_post_is_not()
    {
        var ct = TestContext.Current.CancellationToken;
        var requests = new Dictionary<string, int>();
        await using var server = await StartServerFailingTheFirstRequestOfEachMethodAsync(requests, ct);
        var address = server.Urls.Single();

        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

        using var get = await client.GetAsync($"{address}/resource", ct);
        using var post = await client.PostAsync($"{address}/resource", new StringContent("{}"), ct);

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(2, requests["GET"]);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Equal(1, requests["POST"]);
    }

    private static async Task<WebApplication> StartServerFailingTheFirstRequestOfEachMethodAsync(Dictionary<string, int> requests, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Map("/resource", (HttpContext http) =>
        {
            int count;
            lock (requests)
            {
                count = requests[http.Request.Method] = requests.GetValueOrDefault(http.Request.Method) + 1;
            }

            return count == 1 ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable) : Results.Ok();
        });
        await app.StartAsync(ct);
        return app;
    }
}
