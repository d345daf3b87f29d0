using System.Diagnostics;
using LazyLecture.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;
using Xunit;

namespace LazyLecture.Tests.ServiceDefaults;

/// <summary>A share link's token in a path served or sent is replaced by <c>{token}</c> in the trace; other paths are kept.</summary>
public sealed class SecretPathRedactionTests
{
    private const string Token = "k3Yx0d2Qf9ZkqJ1w3bV7sT5uN8mA4cE6gH0iL2oP9rS";

    [Fact]
    public void A_served_path_under_the_prefix_is_traced_as_the_prefix_and_token_placeholder_without_its_query()
    {
        var options = Options<AspNetCoreTraceInstrumentationOptions>(services => services.AddServedPathRedaction("/shared"));
        using var activity = new Activity("test");
        activity.SetTag("url.path", $"/shared/{Token}/lectures/3");
        activity.SetTag("url.query", "?q=secret");
        var request = new DefaultHttpContext().Request;
        request.Path = $"/shared/{Token}/lectures/3";

        options.EnrichWithHttpRequest!(activity, request);

        Assert.Equal("/shared/{token}", activity.GetTagItem("url.path"));
        Assert.Null(activity.GetTagItem("url.query"));
    }

    [Fact]
    public void A_sent_request_under_the_prefix_is_traced_without_its_path_and_others_keep_theirs()
    {
        var options = Options<HttpClientTraceInstrumentationOptions>(services => services.AddSentPathRedaction("/api/v1/shared"));
        using var shared = new Activity("shared");
        shared.SetTag("url.full", $"http://api:8080/api/v1/shared/{Token}/search?q=x");
        using var sharedRequest = new HttpRequestMessage(HttpMethod.Get, $"http://api:8080/api/v1/shared/{Token}/search?q=x");
        using var owner = new Activity("owner");
        owner.SetTag("url.full", "http://api:8080/api/v1/transcriptions/3");
        using var ownerRequest = new HttpRequestMessage(HttpMethod.Get, "http://api:8080/api/v1/transcriptions/3");

        options.EnrichWithHttpRequestMessage!(shared, sharedRequest);
        options.EnrichWithHttpRequestMessage!(owner, ownerRequest);

        Assert.Equal("http://api:8080/api/v1/shared/{token}", shared.GetTagItem("url.full"));
        Assert.Equal("http://api:8080/api/v1/transcriptions/3", owner.GetTagItem("url.full"));
    }

    private static T Options<T>(Action<IServiceCollection> configure)
        where T : class
    {
        var services = new ServiceCollection();
        configure(services);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<T>>().Get(Microsoft.Extensions.Options.Options.DefaultName);
    }
}
