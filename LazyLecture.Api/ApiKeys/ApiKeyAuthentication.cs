using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using LazyLecture.Api.Auth;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.ApiKeys;

public static class ApiKeyAuthentication
{
    /// <summary>The default scheme: <c>Authorization: Bearer …</c> goes to the API key handler when it holds a key, else to JWT.</summary>
    public const string BearerOrKeyScheme = "bearer-or-key";

    public const string Scheme = "api-key";

    /// <summary>How the caller authenticated (RFC 8176's <c>amr</c>): a key may not manage keys.</summary>
    public const string MethodClaim = "amr";

    public const string KeyMethod = "api_key";

    public const string IdClaim = "api_key_id";

    /// <summary>
    /// Account actions (managing keys, changing the password, logging out every session) need a password sign-in: a leaked
    /// key must not mint more keys, hide itself, lock its owner out or end the owner's sessions.
    /// </summary>
    public const string PasswordSessionPolicy = "password-session";

    /// <summary>Marks an account action: a JWT from a password sign-in is required, an API key gets 403.</summary>
    public static TBuilder RequirePasswordSignIn<TBuilder>(this TBuilder endpoint)
        where TBuilder : IEndpointConventionBuilder => endpoint.RequireAuthorization(PasswordSessionPolicy);

    public static AuthenticationBuilder AddApiKeys(this AuthenticationBuilder authentication)
    {
        authentication.Services.AddSingleton<ApiKeyFailureLimiter>();
        authentication.Services.AddScoped<PersonalApiKeys>();
        authentication.AddPolicyScheme(BearerOrKeyScheme, "JWT or API key", scheme => scheme.ForwardDefaultSelector = http =>
            ApiKey.LooksLikeKey(BearerCredential(http.Request)) ? Scheme : JwtBearerDefaults.AuthenticationScheme);
        authentication.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(Scheme, null);
        return authentication;
    }

    public static string? BearerCredential(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    public static bool IsApiKeyCaller(this ClaimsPrincipal user) => user.HasClaim(MethodClaim, KeyMethod);
}

/// <summary>
/// Failed key attempts per client address, limited like logins: a fixed window of <c>RateLimiting:Auth:PermitsPerIp</c>
/// failures. Once spent, keys from that address are refused with 429 without even being looked up.
/// </summary>
public sealed class ApiKeyFailureLimiter(IOptions<AuthRateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.PermitsPerIp,
            Window = options.Value.Window,
            QueueLimit = 0,
        }));

    /// <summary>Null while the address may still try; otherwise how long it must wait.</summary>
    public TimeSpan? Blocked(string address)
    {
        // A request for zero permits only asks whether any are left.
        using var probe = _failures.AttemptAcquire(address, 0);
        return probe.IsAcquired ? null : probe.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Value.Window;
    }

    public void RecordFailure(string address)
    {
        using var _ = _failures.AttemptAcquire(address);
    }

    public void Dispose() => _failures.Dispose();
}

/// <summary>
/// Authenticates <c>Authorization: Bearer llk_…</c>. The key and its owner are read on every request, so a revoked key or a
/// blocked account stops working with the very next call. The role and the right to upload come from the account, as for JWTs.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory loggerFactory,
    UrlEncoder encoder,
    LazyLectureDbContext db,
    ApiKeyFailureLimiter failures,
    TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, loggerFactory, encoder)
{
    // Writing last_used_at on every call would turn each read into a write; once a minute says enough.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private TimeSpan? _retryAfter;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var credential = ApiKeyAuthentication.BearerCredential(Request);
        if (!ApiKey.LooksLikeKey(credential))
        {
            return AuthenticateResult.NoResult();
        }

        var address = Context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (failures.Blocked(address) is { } wait)
        {
            _retryAfter = wait;
            return AuthenticateResult.Fail("Too many failed API key attempts from this address.");
        }

        var hash = ApiKey.Hash(credential!);
        var found = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash && k.RevokedAt == null)
            .Join(db.Users, k => k.UserId, u => u.Id, (k, u) => new { k.Id, k.LastUsedAt, u.Active, UserId = u.Id, u.Role, u.CanInteract })
            .SingleOrDefaultAsync(Context.RequestAborted);
        if (found is null || !found.Active)
        {
            failures.RecordFailure(address);
            return AuthenticateResult.Fail(found is null ? "Unknown or revoked API key." : "The account is blocked.");
        }

        var now = clock.GetUtcNow();
        if (found.LastUsedAt is null || now - found.LastUsedAt >= LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == found.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
        [
            new Claim("sub", found.UserId.ToString(CultureInfo.InvariantCulture)),
            new Claim(ApiKeyAuthentication.MethodClaim, ApiKeyAuthentication.KeyMethod),
            new Claim(ApiKeyAuthentication.IdClaim, found.Id.ToString(CultureInfo.InvariantCulture)),
            new Claim(ClaimTypes.Role, found.Role.ToString()),
            new Claim(AuthenticationSetup.CanInteractClaim, found.CanInteract ? "true" : "false"),
        ], ApiKeyAuthentication.Scheme, "sub", ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ApiKeyAuthentication.Scheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_retryAfter is { } wait)
        {
            Response.Headers.RetryAfter = Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return WriteProblemAsync(StatusCodes.Status429TooManyRequests, new TooManyRequestsException(wait).Title, "Too many failed API key attempts from this address; try again later.");
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        return WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", "Invalid or revoked API key, or the account is blocked.");
    }

    // A key is refused where a password session is required (managing keys) as well as where the role falls short.
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "Not allowed with an API key (sign in with your password), or your role does not allow it.");

    private async Task WriteProblemAsync(int status, string title, string detail)
    {
        Response.StatusCode = status;
        await Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
