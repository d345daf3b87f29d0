using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using LazyLecture.Api.Validation;

namespace LazyLecture.Api.Errors;

/// <summary>
/// The one place that turns exceptions into RFC 9457 Problem Details: domain outcomes keep their status, unreadable input
/// is a 400, and anything unexpected is a 500 without internals, logged with the trace id the client also receives.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problemDetails, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationFailedException invalid => new ValidationProblemDetails(invalid.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = invalid.StatusCode,
                Title = invalid.Title,
                Detail = invalid.Message,
            },
            DomainException domain => new ProblemDetails { Status = domain.StatusCode, Title = domain.Title, Detail = domain.Message },
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read.", Detail = BadRequestMessages.Describe(bad) },
            JsonException => new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The request could not be read.", Detail = "The body is not valid JSON." },
            _ when StorableText.IsUnstorableText(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request could not be read.",
                Detail = "The request contains characters that cannot be stored, such as NUL.",
            },
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ when DatabaseUnavailable.Is(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service unavailable",
                Detail = "The database cannot be reached at the moment; nothing was changed. Try again shortly.",
            },
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred." },
        };

        if (problem is null)
        {
            return true; // the client has gone; nobody to answer
        }

        if (problem.Status >= 500)
        {
            // The route's template, not the path: a share link's path is its token, a secret that must not reach a log.
            var route = (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
            logger.LogError(exception, "Unhandled exception for {Method} {Route}", httpContext.Request.Method, route);
        }

        if (exception is TooManyRequestsException limited)
        {
            httpContext.Response.Headers.RetryAfter = Math.Ceiling(limited.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = DatabaseUnavailable.RetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        }

        if (exception is UnauthorizedException)
        {
            httpContext.Response.Headers.WWWAuthenticate = "Bearer";
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, Exception = exception, ProblemDetails = problem });
    }
}

/// <summary>Every problem carries a stable type (its status's RFC section) and the trace id, so a report can be matched with the logs.</summary>
public static class ProblemDetailsDefaults
{
    public static void Configure(ProblemDetailsOptions options) =>
        options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = Activity.Current?.Id ?? context.HttpContext.TraceIdentifier;
            if (context.ProblemDetails.Status == StatusCodes.Status429TooManyRequests)
            {
                context.ProblemDetails.Type ??= "https://www.rfc-editor.org/rfc/rfc6585#section-4";
            }
        };
}
