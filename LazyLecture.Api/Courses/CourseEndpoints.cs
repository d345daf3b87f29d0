using LazyLecture.Api.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Courses;

/// <summary>The caller's courses: create, list, read with its lectures, rename or change the glossary, delete.</summary>
public static class CourseEndpoints
{
    public static IEndpointRouteBuilder MapCoursesApi(this IEndpointRouteBuilder app)
    {
        var courses = app.MapGroup("/api/v1/courses").WithTags("Courses").RequireAuthorization();

        courses.MapPost("/", async Task<Created<CourseDetail>> (HttpContext http, CourseFields fields, UserCourses owned, CancellationToken ct) =>
            {
                var course = await owned.CreateAsync(http.User.UserId(), fields, ct);
                return TypedResults.Created($"/api/v1/courses/{course.Id}", course);
            })
            .WithSummary("Create a course")
            .WithDescription($"name (1–{Course.MaxNameLength} characters) is required; code and term are optional. The glossary: glossary (a list of terms) or glossary_text (pasted: one term per line, or separated by commas or semicolons), at most {CourseGlossary.MaxTerms} terms of {CourseGlossary.MaxTermLength} characters.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        courses.MapGet("/", async Task<Ok<IReadOnlyList<CourseResponse>>> (HttpContext http, UserCourses owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ListAsync(http.User.UserId(), ct)))
            .WithSummary("The caller's courses, by name, with their number of lectures")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        courses.MapGet("/{courseId:int}", async Task<Ok<CourseDetail>> (HttpContext http, int courseId, UserCourses owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.GetAsync(http.User.UserId(), courseId, ct)))
            .WithSummary("A course with its lectures in upload order, each with its state and length")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        courses.MapPatch("/{courseId:int}", async Task<Ok<CourseDetail>> (HttpContext http, int courseId, CourseFields fields, UserCourses owned, CancellationToken ct) =>
                TypedResults.Ok(await owned.ChangeAsync(http.User.UserId(), courseId, fields, ct)))
            .WithSummary("Rename a course, change its code or term, or replace its glossary")
            .WithDescription("Absent fields stay as they are; an empty code or term clears it; glossary or glossary_text replaces the whole glossary. Jobs that have not started yet get the new glossary.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);

        courses.MapDelete("/{courseId:int}", async Task<NoContent> (HttpContext http, int courseId, UserCourses owned, CancellationToken ct) =>
            {
                await owned.DeleteAsync(http.User.UserId(), courseId, ct);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete a course; its lectures are kept, unfiled, and its share links stop working")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }
}
