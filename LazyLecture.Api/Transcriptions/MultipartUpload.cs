using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace LazyLecture.Api.Transcriptions;

/// <summary>
/// Reading an upload's multipart body by hand (it is streamed, never buffered): a body that breaks the multipart framing
/// (missing, over-long or wrong boundary, no closing boundary, cut short, empty) is the client's error, a 400, never a 500.
/// </summary>
public static class MultipartUpload
{
    /// <summary>RFC 2046 §5.1.1: a boundary is 1 to 70 characters.</summary>
    public const int MaxBoundaryLength = 70;

    public sealed record FileSection(string Name, string? FileName);

    /// <summary>The body's boundary; 415 when the body is not multipart/form-data at all, 400 when its boundary is unusable.</summary>
    public static string RequireBoundary(HttpRequest request, string fieldName)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadHttpRequestException($"Send the recording as multipart/form-data in the field '{fieldName}'.", StatusCodes.Status415UnsupportedMediaType);
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > MaxBoundaryLength)
        {
            throw new BadHttpRequestException($"The multipart/form-data content type needs a boundary of 1 to {MaxBoundaryLength} characters.");
        }

        return boundary;
    }

    /// <summary>The section's form field name and file name when it carries a file; null for plain fields.</summary>
    public static FileSection? FileField(MultipartSection section) =>
        ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
        && disposition.IsFileDisposition()
        && HeaderUtilities.RemoveQuotes(disposition.Name).Value is { } name
            ? new FileSection(name, HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value)
            : null;

    /// <summary>Reads the rest of the body and refuses it when it holds a second file: silently keeping only one would lose the other.</summary>
    public static async Task EnsureNoOtherFileAsync(MultipartReader reader, int filesBefore, CancellationToken cancellationToken)
    {
        var others = filesBefore;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            others += FileField(section) is null ? 0 : 1;
        }

        if (others > 0)
        {
            throw Errors.ValidationFailedException.For("audiofile", "Send exactly one file per upload.");
        }
    }

    /// <summary>
    /// True when the multipart reader itself refused what the client sent (framing, line or header limits, a body that ends
    /// before its closing boundary), as opposed to the client going away, Kestrel's own refusals (a body over the size limit
    /// carries its status already) or the audio store failing to write (a server fault, not the client's).
    /// </summary>
    public static bool IsMalformedBody(Exception exception, HttpContext http) =>
        !http.RequestAborted.IsCancellationRequested
        && exception is InvalidDataException or IOException
        && exception is not BadHttpRequestException
        && exception.Source == ReaderAssembly;

    public static BadHttpRequestException Malformed(Exception exception) =>
        new("The multipart/form-data body is malformed or cut short: check its boundary and that it ends with the closing boundary.",
            StatusCodes.Status400BadRequest, exception);

    private static readonly string? ReaderAssembly = typeof(MultipartReader).Assembly.GetName().Name;
}
