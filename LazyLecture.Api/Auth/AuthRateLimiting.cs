using System.Globalization;
using System.Threading.RateLimiting;
using LazyLecture.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Auth;

/// <summary>
/// Login attempts per username and client address, checked once the body names the user (the per-IP limit runs earlier,
/// in middleware). Keyed with the address so that failed logins sent by a stranger lock out only the stranger's address,
/// never the account's owner; guessing from many addresses is bounded by each address's own limit.
/// </summary>
public sealed class UsernameRateLimiter(IOptions<AuthRateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(username =>
        RateLimitPartition.GetFixedWindowLimiter(username, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PermitsPerUsername,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    public void Acquire(string username, string clientAddress)
    {
        using var lease = _limiter.AttemptAcquire(clientAddress + " " + Users.User.Normalize(username));
        if (!lease.IsAcquired)
        {
            throw new TooManyRequestsException(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : options.Value.Window);
        }
    }

    public void Dispose() => _limiter.Dispose();
}

public static class AuthRateLimiting
{
    /// <summary>The policy on login, registration and refresh: a fixed window per client address.</summary>
    public const string PerIpPolicy = "auth-per-ip";

    /// <summary>Behind a trusted proxy the forwarded-headers middleware has already put the client's address here.</summary>
    public static string ClientAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static IServiceCollection AddAuthRateLimiting(this IServiceCollection services)
    {
        services.AddSingleton<UsernameRateLimiter>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerIpPolicy, context =>
            {
                var settings = context.RequestServices.GetRequiredService<IOptions<AuthRateLimitOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.PermitsPerIp,
                    Window = settings.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = new TooManyRequestsException(retryAfter).Title,
                        Detail = "Too many attempts from this address; try again later.",
                    },
                });
            };
        });
        return services;
    }
}
