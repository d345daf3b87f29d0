using System.Security.Claims;
using LazyLecture.Api.ApiKeys;
using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Users;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Auth;

public static class AuthenticationSetup
{
    public const string AdminPolicy = "admin";

    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        services.AddOptions<RegistrationOptions>().BindConfiguration(RegistrationOptions.Section);
        services.AddOptions<AuthRateLimitOptions>().BindConfiguration(AuthRateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddScoped<Accounts>();
        services.AddHostedService<AdminBootstrapper>();
        services.AddAuthRateLimiting();

        services.AddAuthentication(ApiKeyAuthentication.BearerOrKeyScheme).AddJwtBearer().AddApiKeys();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer>((bearer, tokens) =>
            {
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = tokens.ValidationParameters();
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = CheckAccountStillValidAsync,
                    OnChallenge = WriteUnauthorizedProblemAsync,
                    OnForbidden = context => WriteProblemAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "Your role does not allow this action."),
                };
            });
        services.AddAuthorizationBuilder()
            .AddPolicy(AdminPolicy, policy => policy.RequireAuthenticatedUser().RequireRole(nameof(UserRole.Admin)))
            .AddPolicy(ApiKeyAuthentication.PasswordSessionPolicy, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => !context.User.IsApiKeyCaller()));
        return builder;
    }

    /// <summary>
    /// A valid signature is not enough: the account must still be active and the token's security stamp current (password
    /// changes, blocks and logouts rotate it). The role comes from the database, so a demotion takes effect at once.
    /// </summary>
    private static async Task CheckAccountStillValidAsync(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        var stamp = principal.FindFirstValue(TokenIssuer.StampClaim);
        if (!int.TryParse(principal.FindFirstValue("sub"), System.Globalization.CultureInfo.InvariantCulture, out var userId) || stamp is null)
        {
            context.Fail("The token has no subject or stamp.");
            return;
        }

        var db = context.HttpContext.RequestServices.GetRequiredService<LazyLectureDbContext>();
        var account = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.Active, u.SecurityStamp, u.Role, u.CanInteract })
            .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
        if (account is null || !account.Active || account.SecurityStamp != stamp)
        {
            context.Fail(account is { Active: false } ? "The account is blocked." : "The token has been revoked.");
            return;
        }

        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(ClaimTypes.Role, account.Role.ToString()));
        identity.AddClaim(new Claim(CanInteractClaim, account.CanInteract ? "true" : "false"));
    }

    public const string CanInteractClaim = "can_interact";

    private static Task WriteUnauthorizedProblemAsync(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.Headers.WWWAuthenticate = "Bearer";
        var detail = context.AuthenticateFailure is null ? "Authentication is required." : "Invalid, expired or revoked token.";
        return WriteProblemAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    private static async Task WriteProblemAsync(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
