using LazyLecture.Api.ApiKeys;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Validation;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Auth;

/// <summary>Tokens: login (JSON or the OAuth2 password form, so Scalar's Authorize works), refresh with rotation, logout.</summary>
public static class AuthEndpoints
{
    public sealed record TokenResponse(string AccessToken, string RefreshToken, string TokenType, int ExpiresIn);

    public sealed record RefreshRequest(string? RefreshToken);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/v1/auth").WithTags("Auth");

        auth.MapPost("/login", async Task<Ok<TokenResponse>> (HttpRequest request, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.LoginAsync(await ReadCredentialsAsync(request, ct), AuthRateLimiting.ClientAddress(request.HttpContext), ct)).ToResponse()))
            .Accepts<Credentials>("application/json", "application/x-www-form-urlencoded")
            .RequireRateLimiting(AuthRateLimiting.PerIpPolicy)
            .WithSummary("Log in with username and password")
            .WithDescription("Returns a 30-minute access token and a single-use refresh token. Accepts JSON or the OAuth2 password grant form.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/refresh", async Task<Ok<TokenResponse>> (RefreshRequest body, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.RefreshAsync(body.RefreshToken, ct)).ToResponse()))
            .RequireRateLimiting(AuthRateLimiting.PerIpPolicy)
            .WithSummary("Exchange a refresh token for new tokens")
            .WithDescription("The refresh token is single use. Presenting one that was already used revokes its whole family.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/logout", async Task<NoContent> (HttpContext http, Accounts accounts, CancellationToken ct) =>
            {
                await accounts.LogoutAsync(http.User.UserId(), ct);
                return TypedResults.NoContent();
            })
            .RequirePasswordSignIn()
            .WithSummary("Log out everywhere")
            .WithDescription("Revokes every access and refresh token of the caller. Needs a password sign-in: an API key gets 403 (revoke a key instead).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        return app;
    }

    public static TokenResponse ToResponse(this TokenPair pair) => new(pair.AccessToken, pair.RefreshToken, pair.TokenType, pair.ExpiresIn);

    /// <summary>JSON <c>{username, password}</c>, or the OAuth2 password grant form (<c>grant_type=password&amp;username=…&amp;password=…</c>).</summary>
    public static async Task<Credentials> ReadCredentialsAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await FormBody.ReadAsync(request, cancellationToken);
            if (form.TryGetValue("grant_type", out var grant) && grant != "password")
            {
                throw ValidationFailedException.For("grant_type", "Only the password grant is supported.");
            }

            return new Credentials(form["username"], form["password"]);
        }

        if (request.HasJsonContentType())
        {
            return await request.ReadFromJsonAsync<Credentials>(cancellationToken) ?? new Credentials(null, null);
        }

        throw new BadHttpRequestException("Send credentials as JSON or as an application/x-www-form-urlencoded form.", StatusCodes.Status415UnsupportedMediaType);
    }
}
