using System.Net;
using LazyLecture.Api.Auth;
using LazyLecture.Api.Errors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>
/// Whose X-Forwarded-For the services believe, as the API and the web app are wired (service defaults, then the API's
/// authentication): only configured proxies', so no request picks its own client address and with it a fresh allowance.
/// </summary>
public sealed class TrustedProxyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("203.0.113.5")]
    public async Task Without_configured_proxies_no_one_is_believed_not_even_loopback(string peer)
    {
        using var services = Build([]);

        var context = await ForwardAsync(services, peer, "10.9.8.7", "https");

        Assert.Equal(IPAddress.Parse(peer), context.Connection.RemoteIpAddress);
        Assert.Equal("http", context.Request.Scheme);
    }

    [Theory]
    [InlineData("192.0.2.1", true)]
    [InlineData("198.51.100.77", true)]
    [InlineData("192.0.2.2", false)]
    [InlineData("127.0.0.1", false)]
    public async Task Configured_proxies_and_networks_are_believed_and_no_one_else(string peer, bool believed)
    {
        using var services = Build(new()
        {
            ["ForwardedHeaders:KnownProxies:0"] = "192.0.2.1",
            ["ForwardedHeaders:KnownNetworks:0"] = "198.51.100.0/24",
        });

        var context = await ForwardAsync(services, peer, "10.9.8.7", "https");

        Assert.Equal(IPAddress.Parse(believed ? "10.9.8.7" : peer), context.Connection.RemoteIpAddress);
        Assert.Equal(believed ? "https" : "http", context.Request.Scheme);
    }

    [Fact]
    public async Task The_per_username_login_limit_holds_whatever_address_a_request_claims()
    {
        using var services = Build([]);
        var limiter = services.GetRequiredService<UsernameRateLimiter>();
        var permits = services.GetRequiredService<IOptions<AuthRateLimitOptions>>().Value.PermitsPerUsername;

        for (var attempt = 0; attempt < permits; attempt++)
        {
            var guess = await ForwardAsync(services, "127.0.0.1", $"10.9.8.{attempt + 1}", null);
            limiter.Acquire("victim", AuthRateLimiting.ClientAddress(guess));
        }

        var claimingAnotherAddress = await ForwardAsync(services, "127.0.0.1", "10.9.8.200", null);
        Assert.Throws<TooManyRequestsException>(() => limiter.Acquire("victim", AuthRateLimiting.ClientAddress(claimingAnotherAddress)));
    }

    [Theory]
    [InlineData("ForwardedHeaders:KnownProxies:0", "proxy.example")]
    [InlineData("ForwardedHeaders:KnownNetworks:0", "10.0.0.0/33")]
    public void A_proxy_setting_that_is_no_address_stops_the_service_with_the_reason(string key, string value)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value);
        Assert.Contains(value, error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddAuth();
        return builder.Services.BuildServiceProvider();
    }

    /// <summary>A request from <paramref name="peer"/> that claims another client address (and scheme), through the forwarded-headers middleware.</summary>
    private static async Task<HttpContext> ForwardAsync(ServiceProvider services, string peer, string claimedAddress, string? claimedScheme)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Scheme = "http";
        context.Request.Headers["X-Forwarded-For"] = claimedAddress;
        if (claimedScheme is not null)
        {
            context.Request.Headers["X-Forwarded-Proto"] = claimedScheme;
        }

        var middleware = new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, services.GetRequiredService<IOptions<ForwardedHeadersOptions>>());
        await middleware.Invoke(context);
        return context;
    }
}
