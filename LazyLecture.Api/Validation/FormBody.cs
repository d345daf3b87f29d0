namespace LazyLecture.Api.Validation;

/// <summary>
/// Reads an application/x-www-form-urlencoded body. The framework's reader throws plain exceptions for what is the
/// client's error (an encoded NUL, more fields or longer values than its limits): those become a 400 here.
/// </summary>
public static class FormBody
{
    public static async Task<IFormCollection> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            throw new BadHttpRequestException("The form could not be read: it holds a NUL character, or more or longer fields than allowed.", StatusCodes.Status400BadRequest, ex);
        }
    }
}
