using LazyLecture.Api.ApiKeys;
using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Users;

/// <summary>Registration, the caller's own account, and administration of all accounts.</summary>
public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/v1/users").WithTags("Users");

        users.MapPost("/", async Task<Created<UserResponse>> (Credentials body, Accounts accounts, CancellationToken ct) =>
            {
                var user = await accounts.RegisterAsync(body, ct);
                return TypedResults.Created($"/api/v1/users/{user.Id}", user.ToResponse());
            })
            .RequireRateLimiting(AuthRateLimiting.PerIpPolicy)
            .WithSummary("Register")
            .WithDescription("Username: 5–64 Latin letters, unique ignoring case. Password: 8–256 characters with an upper- and a lower-case letter, a digit and one of !@#$%^&*(),.?\":{}|<>=_")
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        users.MapGet("/me", async Task<Ok<UserResponse>> (HttpContext http, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.FindAsync(http.User.UserId(), ct)).ToResponse()))
            .RequireAuthorization()
            .WithSummary("The caller's account")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        users.MapPut("/me/password", async Task<NoContent> (PasswordChangeRequest body, HttpContext http, Accounts accounts, CancellationToken ct) =>
            {
                await accounts.ChangeOwnPasswordAsync(http.User.UserId(), body, ct);
                return TypedResults.NoContent();
            })
            .RequirePasswordSignIn()
            .WithSummary("Change the caller's password")
            .WithDescription("Requires the current password and a password sign-in (an API key gets 403). Every token of the account is revoked: log in again. "
                + "The account's API keys are revoked too, unless the body asks `keep_api_keys: true`.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        var admin = users.MapGroup("").RequireAuthorization(AuthenticationSetup.AdminPolicy);

        admin.MapGet("/", async Task<Ok<UserPage>> (int? page, int? size, string? username, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok(await accounts.ListAsync(page ?? 1, size ?? Data.Paging.DefaultSize, username, ct)))
            .WithSummary("List users (admin)")
            .WithDescription("Oldest first. `username` (Latin letters) lists only the users whose name contains it, ignoring case.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        admin.MapGet("/{id:int}", async Task<Ok<UserResponse>> (int id, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.FindAsync(id, ct)).ToResponse()))
            .WithSummary("Get a user (admin)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        admin.MapPatch("/{id:int}", async Task<Ok<UserResponse>> (int id, UserUpdateRequest body, Accounts accounts, CancellationToken ct) =>
                TypedResults.Ok((await accounts.UpdateAsync(id, body, ct)).ToResponse()))
            .WithSummary("Update a user (admin)")
            .WithDescription("Change active, role (exactly `user` or `admin`), can_interact or password. Blocking or a new password revokes the user's tokens; a new password also revokes the user's API keys.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        return app;
    }
}
