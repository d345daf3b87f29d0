using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.ApiKeys;

/// <summary>The caller's personal API keys, and an administrator's view of anyone's.</summary>
public static class ApiKeyEndpoints
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder app)
    {
        var own = app.MapGroup("/api/v1/users/me/api-keys").WithTags("API keys").RequirePasswordSignIn();

        own.MapPost("/", async Task<Created<CreatedApiKeyResponse>> (ApiKeyRequest body, HttpContext http, PersonalApiKeys keys, CancellationToken ct) =>
            {
                var created = await keys.CreateAsync(http.User.UserId(), body, ct);
                return TypedResults.Created($"/api/v1/users/me/api-keys/{created.Id}", created);
            })
            .WithSummary("Create a personal API key")
            .WithDescription("Body {name}. The answer holds the key itself (`key`): it is shown this once and stored only as a hash. Use it as `Authorization: Bearer <key>` on the REST API and the OpenAI-compatible /v1 routes. Needs a password sign-in, not an API key.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        own.MapGet("/", async Task<Ok<IReadOnlyList<ApiKeyResponse>>> (HttpContext http, PersonalApiKeys keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.ListAsync(http.User.UserId(), ct)))
            .WithSummary("The caller's active API keys (name and visible prefix; never the key)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        own.MapDelete("/{id:long}", async Task<NoContent> (long id, HttpContext http, PersonalApiKeys keys, CancellationToken ct) =>
            {
                await keys.RevokeAsync(http.User.UserId(), id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Revoke one of the caller's API keys; it stops working at once")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var anyone = app.MapGroup("/api/v1/users/{userId:int}/api-keys").WithTags("API keys").RequireAuthorization(AuthenticationSetup.AdminPolicy);

        anyone.MapGet("/", async Task<Ok<IReadOnlyList<ApiKeyResponse>>> (int userId, PersonalApiKeys keys, CancellationToken ct) =>
                TypedResults.Ok(await keys.ListAsync(userId, ct)))
            .WithSummary("A user's active API keys (admin)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        anyone.MapDelete("/{id:long}", async Task<NoContent> (int userId, long id, PersonalApiKeys keys, CancellationToken ct) =>
            {
                await keys.RevokeAsync(userId, id, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Revoke a user's API key (admin)")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
