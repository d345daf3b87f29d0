using LazyLecture.Api.Security;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Security.Configuration;

/// <summary>The CORS policy and body limit come from configuration (no application is started).</summary>
public sealed class HttpSecurityConfigurationTests
{
    [Fact]
    public void Without_configured_origins_there_is_no_cors_policy_at_all()
    {
        using var services = Build(new Dictionary<string, string?>());

        Assert.Null(services.GetRequiredService<IOptions<CorsOptions>>().Value.GetPolicy(services.GetRequiredService<IOptions<CorsOptions>>().Value.DefaultPolicyName));
        Assert.Equal(1024 * 1024, services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
    }

    [Fact]
    public void Configured_origins_and_body_limit_are_the_ones_applied()
    {
        using var services = Build(new Dictionary<string, string?>
        {
            ["HttpSecurity:AllowedOrigins:0"] = "https://lectures.example",
            ["HttpSecurity:MaxRequestBodyBytes"] = "65536",
        });

        var cors = services.GetRequiredService<IOptions<CorsOptions>>().Value;
        var policy = cors.GetPolicy(cors.DefaultPolicyName);
        Assert.NotNull(policy);
        Assert.Equal(["https://lectures.example"], policy.Origins);
        Assert.False(policy.SupportsCredentials);
        Assert.Equal(65536, services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxRequestBodySize);
    }

    private static ServiceProvider Build(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddHttpSecurity();
        return builder.Services.BuildServiceProvider();
    }
}
