using System.Globalization;
using System.Net.Http.Json;

namespace LazyLecture.Web.Api;

// The signed-in user's courses, the filing of lectures in them, and share links.
public sealed partial class LectureApi
{
    public Task<IReadOnlyList<CourseSummary>> CoursesAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<CourseSummary>>("/api/v1/courses", cancellationToken);

    public Task<CourseDetail> CourseAsync(int id, CancellationToken cancellationToken) =>
        GetAsync<CourseDetail>($"/api/v1/courses/{id}", cancellationToken);

    public Task<CourseDetail> CreateCourseAsync(CourseFields fields, CancellationToken cancellationToken) =>
        SendJsonAsync<CourseDetail>(HttpMethod.Post, "/api/v1/courses", fields, cancellationToken);

    public Task<CourseDetail> ChangeCourseAsync(int id, CourseFields fields, CancellationToken cancellationToken) =>
        SendJsonAsync<CourseDetail>(HttpMethod.Patch, $"/api/v1/courses/{id}", fields, cancellationToken);

    /// <summary>Deletes the course; its lectures are kept, unfiled.</summary>
    public async Task DeleteCourseAsync(int id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Delete, $"/api/v1/courses/{id}"), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Files the lecture in <paramref name="courseId"/>, or unfiles it (null).</summary>
    public Task<TranscriptionInfo> FileAsync(int id, int? courseId, CancellationToken cancellationToken) =>
        SendJsonAsync<TranscriptionInfo>(HttpMethod.Patch, $"/api/v1/transcriptions/{id}", new { courseId }, cancellationToken);

    public Task<IReadOnlyList<ShareLink>> ShareLinksAsync(CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<ShareLink>>("/api/v1/share-links", cancellationToken);

    /// <summary>A new link to one lecture or one course; the answer holds its token, which is never shown again.</summary>
    public Task<ShareLinkCreated> ShareAsync(int? transcriptionId, int? courseId, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        SendJsonAsync<ShareLinkCreated>(HttpMethod.Post, "/api/v1/share-links", new { transcriptionId, courseId, expiresAt }, cancellationToken);

    public async Task RevokeAsync(int shareLinkId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Delete, $"/api/v1/share-links/{shareLinkId}"), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    private static string CourseFilter(int? courseId) =>
        courseId is { } id ? "&course_id=" + id.ToString(CultureInfo.InvariantCulture) : "";

    private async Task<T> SendJsonAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(method, path) { Content = JsonContent.Create(body, body.GetType(), options: Json) }, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }
}
