using System.Net;
using System.Text.Json;

namespace LazyLecture.Web.Api;

/// <summary>The API refused a request; <see cref="Exception.Message"/> is its Problem Details in words, fit to show the user.</summary>
public sealed class ApiProblemException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>Reads an RFC 9457 body: the detail, then each invalid field's messages; the status text when there is none.</summary>
    public static async Task<ApiProblemException> FromResponseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            if (problem.RootElement.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String)
            {
                parts.Add(detail.GetString()!);
            }

            if (problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                parts.AddRange(errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray()).Select(m => m.GetString() ?? ""));
            }

            if (parts.Count == 0 && problem.RootElement.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String)
            {
                parts.Add(title.GetString()!);
            }
        }
        catch (JsonException)
        {
            // Not Problem Details (a proxy's error page, say): fall back to the status below.
        }

        return new ApiProblemException(response.StatusCode, parts.Count > 0
            ? string.Join(" ", parts.Where(p => p.Length > 0).Distinct())
            : $"The service answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }
}

/// <summary>The user's session is over (signed out elsewhere, password changed, tokens revoked): they must sign in again.</summary>
public sealed class SessionEndedException() : Exception("Your session has ended. Please sign in again.");
