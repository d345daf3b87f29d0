using Microsoft.AspNetCore.Mvc;

namespace LazyLecture.Api.Errors;

/// <summary>Bodiless error answers (an unknown route, a method a route does not take) become Problem Details too.</summary>
public static class StatusCodeProblems
{
    public static IApplicationBuilder UseStatusCodeProblems(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            var problem = new ProblemDetails
            {
                Status = status,
                Detail = status switch
                {
                    StatusCodes.Status404NotFound => "There is nothing at this address.",
                    StatusCodes.Status405MethodNotAllowed => "This address does not take this method.",
                    _ => null,
                },
            };

            // Written as Problem Details whatever the Accept header asks for: ProblemHttpResult falls back to plain JSON
            // where the problem details service declines (a browser's Accept: text/html).
            return TypedResults.Problem(problem).ExecuteAsync(context.HttpContext);
        });
}
