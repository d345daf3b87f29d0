using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>A parameter of a route as the API's OpenAPI document declares it (<c>in</c> is path or query).</summary>
public sealed record RouteParameter(string Name, string In, string Type, bool Required);

/// <summary>One operation of the API: method, path template, parameters, and the body's content types and JSON properties.</summary>
public sealed record ApiRoute(string Method, string Template, IReadOnlyList<RouteParameter> Parameters, IReadOnlyList<string> BodyTypes, IReadOnlyDictionary<string, string> BodyProperties)
{
    public bool IsWorkerRoute => Template.StartsWith("/internal/", StringComparison.Ordinal);

    public bool TakesMultipart => BodyTypes.Contains("multipart/form-data");

    public bool TakesJson => BodyTypes.Any(t => t.EndsWith("json", StringComparison.Ordinal));

    /// <summary>Fills the path template; values are inserted as given (callers escape them as a case needs).</summary>
    public string Path(IReadOnlyDictionary<string, string> pathValues) =>
        Parameters.Where(p => p.In == "path").Aggregate(Template, (path, p) => path.Replace("{" + p.Name + "}", pathValues[p.Name], StringComparison.Ordinal));

    /// <summary>The path with a query string of the given parameters (values inserted as given).</summary>
    public static string WithQuery(string path, IReadOnlyDictionary<string, string> query) =>
        query.Count == 0 ? path : path + "?" + string.Join("&", query.Select(q => $"{q.Key}={q.Value}"));

    /// <summary>An address of this route: every path parameter and every required query parameter filled by <paramref name="value"/>.</summary>
    public string Target(Func<RouteParameter, string> value) =>
        WithQuery(Path(Parameters.Where(p => p.In == "path").ToDictionary(p => p.Name, value)),
            Parameters.Where(p => p.In == "query" && p.Required).ToDictionary(p => p.Name, value));

    /// <summary>Whether the route names one transcription (by path id or by the original's task_id / transcript_id).</summary>
    public bool TakesTranscriptionId => !IsWorkerRoute && Parameters.Any(p =>
        p.Name is "task_id" or "transcript_id" || (p.Name == "id" && Template.StartsWith("/api/v1/transcriptions/", StringComparison.Ordinal)));

    /// <summary>Whether the route names one of the caller's courses or share links.</summary>
    public bool TakesOwnedCourseOrLink => Parameters.Any(p => p.Name is "courseId" or "shareLinkId");

    /// <summary>A route opened by a share link's token (<c>/api/v1/shared/{token}/…</c>), without an account.</summary>
    public bool IsSharedRoute => Template.StartsWith("/api/v1/shared/", StringComparison.Ordinal);

    public override string ToString() => $"{Method} {Template}";
}

/// <summary>
/// The API's routes, read from its own OpenAPI document at run time, so tests that walk them cover a route added tomorrow
/// without being told (the document lists every mapped endpoint except health checks and the documentation itself).
/// </summary>
public static class RouteTable
{
    public static async Task<IReadOnlyList<ApiRoute>> LoadAsync(ApiSession api)
    {
        using var response = await api.GetAsync("/openapi/v1.json");
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsObject();
        var schemas = document["components"]?["schemas"]?.AsObject();
        var routes = new List<ApiRoute>();
        foreach (var (template, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operationNode) in item!.AsObject())
            {
                if (operationNode is not JsonObject operation || method == "parameters")
                {
                    continue;
                }

                var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => new RouteParameter(
                    p!["name"]!.GetValue<string>(), p["in"]!.GetValue<string>(), TypeOf(Resolve(p["schema"], schemas)), p["required"]?.GetValue<bool>() == true)).ToList();
                var content = operation["requestBody"]?["content"]?.AsObject();
                var bodyTypes = content?.Select(c => c.Key).ToList() ?? [];
                var properties = new Dictionary<string, string>(StringComparer.Ordinal);
                if (content?.FirstOrDefault(c => c.Key.EndsWith("json", StringComparison.Ordinal)).Value?["schema"] is { } bodySchema
                    && Resolve(bodySchema, schemas)?["properties"] is JsonObject declared)
                {
                    foreach (var (name, schema) in declared)
                    {
                        properties[name] = TypeOf(Resolve(schema, schemas));
                    }
                }

                routes.Add(new ApiRoute(method.ToUpperInvariant(), template.Length > 1 ? template.TrimEnd('/') : template, parameters, bodyTypes, properties));
            }
        }

        Assert.True(routes.Count > 20, $"the OpenAPI document lists only {routes.Count} operations");
        return routes;
    }

    private static JsonNode? Resolve(JsonNode? schema, JsonObject? schemas)
    {
        for (var depth = 0; depth < 8 && schema?["$ref"]?.GetValue<string>() is { } reference; depth++)
        {
            schema = schemas?[reference.Split('/')[^1]];
        }

        return schema;
    }

    /// <summary>integer, number, boolean, string, array or object; the first non-null of a union (<c>["integer", "null"]</c>).</summary>
    private static string TypeOf(JsonNode? schema) => schema?["type"] switch
    {
        JsonValue single => single.GetValue<string>(),
        JsonArray union => union.Select(t => t!.GetValue<string>()).FirstOrDefault(t => t != "null") ?? "string",
        _ => schema?["anyOf"] is JsonArray any ? any.Select(TypeOf).FirstOrDefault(t => t != "null") ?? "string" : "string",
    };
}
