using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace LazyLecture.Api.Extensions;

/// <summary>
/// Declares the OAuth2 password flow (token URL: the login endpoint) so Scalar's Authorize button logs in with a username
/// and password, and marks every endpoint that requires authorization as needing it.
/// </summary>
internal sealed class SecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    private const string SchemeName = "OAuth2";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Description = "Log in with a username and password; the access token is sent as a Bearer token.",
            Flows = new OpenApiOAuthFlows
            {
                Password = new OpenApiOAuthFlow { TokenUrl = new Uri("/api/v1/auth/login", UriKind.Relative), RefreshUrl = new Uri("/api/v1/auth/refresh", UriKind.Relative) },
            },
        };

        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
        var secured = context.DescriptionGroups
            .SelectMany(group => group.Items)
            .Where(api => api.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any())
            .Select(api => ("/" + api.RelativePath?.Split('?')[0].TrimEnd('/'), api.HttpMethod?.ToUpperInvariant()))
            .ToHashSet();
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                if (secured.Contains((path.TrimEnd('/'), method.ToString().ToUpperInvariant())))
                {
                    operation.Security ??= [];
                    operation.Security.Add(requirement);
                }
            }
        }

        return Task.CompletedTask;
    }
}
