using LazyLecture.Api.Auth;
using LazyLecture.Api.Users;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Compat;

/// <summary>
/// The original service's auth routes and shapes, on the same account rules, so its clients keep working. Fixed defects:
/// <c>/auth/patch</c> takes an administrator's bearer token instead of a secret in the query string.
/// </summary>
public static class AuthCompatEndpoints
{
    /// <summary>The original's Token: exactly these three fields.</summary>
    public sealed record CompatToken(string AccessToken, string RefreshToken, string TokenType);

    public sealed record CompatUserUpdate(string? Password, bool? CanInteract);

    public static IEndpointRouteBuilder MapAuthCompatApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/auth").WithTags("Compatibility");

        auth.MapPost("/login", async Task<Ok<CompatToken>> (HttpRequest request, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok(ToCompat(await accounts.LoginAsync(await AuthEndpoints.ReadCredentialsAsync(request, ct), AuthRateLimiting.ClientAddress(request.HttpContext), ct))))
            .Accepts<Credentials>("application/json", "application/x-www-form-urlencoded")
            .RequireRateLimiting(AuthRateLimiting.PerIpPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        auth.MapPost("/refresh", async Task<Ok<CompatToken>> (AuthEndpoints.RefreshRequest body, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok(ToCompat(await accounts.RefreshAsync(body.RefreshToken, ct))))
            .RequireRateLimiting(AuthRateLimiting.PerIpPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPost("/register", async Task<Created<UserResponse>> (Credentials body, Accounts accounts, CancellationToken ct) =>
            {
                var user = await accounts.RegisterAsync(body, ct);
                return TypedResults.Created($"/api/v1/users/{user.Id}", user.ToResponse());
            })
            .RequireRateLimiting(AuthRateLimiting.PerIpPolicy)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict);

        auth.MapGet("/info", async Task<Ok<UserResponse>> (HttpContext http, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.FindAsync(http.User.UserId(), ct)).ToResponse()))
            .RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        auth.MapPatch("/patch", async Task<Ok<UserResponse>> (int user_id, CompatUserUpdate body, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.UpdateAsync(user_id, new UserUpdateRequest(null, null, body.CanInteract, body.Password), ct)).ToResponse()))
            .RequireAuthorization(AuthenticationSetup.AdminPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return app;
    }

    private static CompatToken ToCompat(TokenPair pair) => new(pair.AccessToken, pair.RefreshToken, pair.TokenType);
}
