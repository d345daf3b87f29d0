using LazyLecture.Api.Courses;
using LazyLecture.Api.Sharing;

namespace LazyLecture.Api.Extensions;

public static class CourseServiceExtensions
{
    /// <summary>Courses, their glossaries, and share links to lectures and courses.</summary>
    public static IHostApplicationBuilder AddCourses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<UserCourses>();
        builder.Services.AddScoped<ShareLinks>();
        builder.Services.AddScoped<SharedAccess>();
        builder.Services.AddShareLinkRateLimiting();
        builder.Services.AddSharedPathRedaction();
        return builder;
    }
}
