using System.Text.Json;
using LazyLecture.Api.Errors;
using LazyLecture.Contracts;
using Microsoft.AspNetCore.Mvc;

namespace LazyLecture.Api.OpenAi;

/// <summary>A refusal on the OpenAI-compatible routes that names the parameter at fault and OpenAI's error code.</summary>
public sealed class OpenAiRequestException(int statusCode, string message, string? param = null, string? code = null) : DomainException(message)
{
    public override int StatusCode { get; } = statusCode;

    public override string Title => "OpenAI-compatible request refused";

    public string? Param { get; } = param;

    public string? Code { get; } = code;

    public static OpenAiRequestException Invalid(string param, string message, string code = "invalid_value") =>
        new(StatusCodes.Status400BadRequest, message, param, code);
}

/// <summary>OpenAI's error body, which its SDKs parse: <c>{"error": {"message", "type", "param", "code"}}</c>.</summary>
public sealed record OpenAiError(string Message, string Type, string? Param, string? Code);

public sealed record OpenAiErrorBody(OpenAiError Error);

/// <summary>
/// On the <c>/v1</c> routes every error — refused keys, validation, rate limits, unexpected failures — leaves in OpenAI's shape
/// and with OpenAI's status codes instead of Problem Details. It writes what the one exception handler, the authentication
/// handlers and the status-code pages hand to <see cref="IProblemDetailsService"/>, so no route formats errors itself.
/// </summary>
public sealed class OpenAiErrorWriter : IProblemDetailsWriter
{
    public const string RoutePrefix = "/v1";

    // OpenAI spells its fields in snake_case as the wire contract does; null param and code are written, as OpenAI does.
    public static readonly JsonSerializerOptions Json = WireJson.Options;

    public static bool IsOpenAiRoute(HttpContext http) => http.Request.Path.StartsWithSegments(RoutePrefix);

    public bool CanWrite(ProblemDetailsContext context) => IsOpenAiRoute(context.HttpContext);

    public async ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        var status = OpenAiStatus(problem.Status ?? http.Response.StatusCode);
        var refusal = context.Exception as OpenAiRequestException;
        var error = new OpenAiError(
            Message(problem),
            TypeOf(status),
            refusal?.Param ?? FirstField(problem),
            refusal?.Code ?? CodeOf(status));
        http.Response.StatusCode = status;
        await http.Response.WriteAsJsonAsync(new OpenAiErrorBody(error), Json, "application/json; charset=utf-8", http.RequestAborted);
    }

    /// <summary>OpenAI answers unreadable or invalid input with 400 where the REST API says 415 or 422.</summary>
    private static int OpenAiStatus(int status) => status is StatusCodes.Status415UnsupportedMediaType or StatusCodes.Status422UnprocessableEntity
        ? StatusCodes.Status400BadRequest
        : status;

    private static string Message(ProblemDetails problem)
    {
        var message = problem.Detail ?? problem.Title ?? "The request failed.";
        return problem is HttpValidationProblemDetails { Errors.Count: > 0 } invalid
            ? string.Join(" ", invalid.Errors.SelectMany(e => e.Value))
            : message;
    }

    private static string? FirstField(ProblemDetails problem) =>
        problem is HttpValidationProblemDetails { Errors.Count: > 0 } invalid ? invalid.Errors.Keys.First() : null;

    private static string TypeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_request_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        >= 500 => "server_error",
        _ => "invalid_request_error",
    };

    private static string? CodeOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => "invalid_api_key",
        StatusCodes.Status403Forbidden => "permission_denied",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status413PayloadTooLarge => "file_too_large",
        StatusCodes.Status429TooManyRequests => "rate_limit_exceeded",
        _ => null,
    };
}
