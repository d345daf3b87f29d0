using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace LazyLecture.Api.Transcriptions.Internal;

/// <summary>The workers' credential (section <c>Worker</c>): a shared key from configuration, sent in a header, never in a URL.</summary>
public sealed class WorkerAccessOptions
{
    public const string Section = "Worker";
    public const string HeaderName = Contracts.Jobs.WorkerApi.KeyHeader;

    [Required(ErrorMessage = "Worker:ApiKey is required (environment Worker__ApiKey); the AppHost generates one.")]
    [MinLength(32, ErrorMessage = "Worker:ApiKey must be at least 32 characters.")]
    public string ApiKey { get; set; } = "";
}

/// <summary>Admits only requests carrying the worker key; users' bearer tokens mean nothing here.</summary>
public sealed class WorkerKeyFilter(IOptions<WorkerAccessOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var presented = context.HttpContext.Request.Headers[WorkerAccessOptions.HeaderName].ToString();
        var expected = Encoding.UTF8.GetBytes(options.Value.ApiKey);
        if (presented.Length == 0 || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected))
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = $"Worker endpoints need the worker key in the {WorkerAccessOptions.HeaderName} header.",
            });
        }

        return await next(context);
    }
}
