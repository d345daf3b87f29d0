using System.Text;
using Microsoft.Net.Http.Headers;

namespace LazyLecture.Api.Validation;

/// <summary>
/// Refuses, before any endpoint runs, requests whose parts the framework would misread: a body in a character set .NET
/// does not know (<c>charset=ebcdic</c>; the JSON reader fails with an unexpected error, a 500) and a query string with
/// a NUL character (.NET's integer parsing ignores trailing NULs, so <c>?transcript_id=1%00</c> would mean transcription 1).
/// </summary>
public static class UnreadableRequests
{
    public static IApplicationBuilder UseUnreadableRequestChecks(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var request = context.Request;
            if (MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
                && HeaderUtilities.RemoveQuotes(contentType.Charset).Value is { Length: > 0 } charset
                && !IsKnown(charset))
            {
                throw new BadHttpRequestException($"The body's character set '{Shorten(charset)}' is not supported; send UTF-8.", StatusCodes.Status415UnsupportedMediaType);
            }

            if (request.QueryString.HasValue && request.Query.Any(q => q.Key.Contains('\0', StringComparison.Ordinal) || q.Value.Any(InputText.ContainsNul)))
            {
                throw new BadHttpRequestException("The query string contains a NUL character.");
            }

            return next(context);
        });

    private static bool IsKnown(string charset)
    {
        try
        {
            _ = Encoding.GetEncoding(charset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Shorten(string value) => value.Length > 40 ? value[..40] + "…" : value;
}
