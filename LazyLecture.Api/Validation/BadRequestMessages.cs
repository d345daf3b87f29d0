using System.Text.Json;
using System.Text.RegularExpressions;

namespace LazyLecture.Api.Validation;

/// <summary>
/// Client-facing wording for requests the framework could not bind. Its own messages name .NET types
/// (<c>Failed to bind parameter "Nullable&lt;double&gt; chunk_size_secs"</c>), which tell a client nothing and show internals.
/// </summary>
public static partial class BadRequestMessages
{
    private const int MaxEchoedLength = 200;

    public static string Describe(BadHttpRequestException exception)
    {
        if (FindJsonError(exception) is { } json)
        {
            return json.Path is { Length: > 1 } path
                ? $"The request body could not be read: the value at {path} is missing, of the wrong type or not allowed."
                : "The request body is not valid JSON of the expected shape.";
        }

        var message = ParameterWithType().Replace(exception.Message, "parameter \"$1\"");
        return message.Length > MaxEchoedLength ? message[..MaxEchoedLength] + "…" : message;
    }

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    /// <summary><c>parameter "Type name"</c>, the type possibly generic (with spaces inside its brackets).</summary>
    [GeneratedRegex(@"parameter ""[^""]* ([A-Za-z_][A-Za-z0-9_]*)""", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterWithType();
}
