using System.ComponentModel.DataAnnotations;
using System.Threading.RateLimiting;
using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Sharing;

/// <summary>Requests through share links per client address (section <c>RateLimiting:SharedLinks</c>).</summary>
public sealed class ShareLinkRateLimitOptions
{
    public const string Section = "RateLimiting:SharedLinks";

    /// <summary>Generous enough for a player's range requests and a reader's searches; low enough to stop token guessing.</summary>
    [Range(1, 100_000)]
    public int PermitsPerIp { get; set; } = 300;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

public static class ShareLinkRateLimiting
{
    /// <summary>A fixed window per client address, as for logins (the address the forwarded-headers middleware settled on).</summary>
    public const string PerIpPolicy = "shared-per-ip";

    public static IServiceCollection AddShareLinkRateLimiting(this IServiceCollection services)
    {
        services.AddOptions<ShareLinkRateLimitOptions>().BindConfiguration(ShareLinkRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(PerIpPolicy, context =>
        {
            var settings = context.RequestServices.GetRequiredService<IOptions<ShareLinkRateLimitOptions>>().Value;
            return RateLimitPartition.GetFixedWindowLimiter(AuthRateLimiting.ClientAddress(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.PermitsPerIp,
                Window = settings.Window,
                QueueLimit = 0,
            });
        }));
        return services;
    }
}
