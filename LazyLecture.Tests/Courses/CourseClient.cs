using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Courses;

/// <summary>Courses, lectures in them and share links, over the real API.</summary>
public static class CourseClient
{
    public static Task<HttpResponseMessage> SendJsonAsync(this ApiSession api, HttpMethod method, string path, object body, string? accessToken) =>
        api.SendAsync(method, path, JsonContent.Create(body, options: ApiSession.Json), accessToken);

    public static async Task<JsonObject> CreateCourseAsync(this ApiSession api, string accessToken, object fields)
    {
        using var response = await api.SendJsonAsync(HttpMethod.Post, "/api/v1/courses", fields, accessToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"create course: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        return await ApiSession.ReadObjectAsync(response);
    }

    public static async Task<JsonObject> GetCourseAsync(this ApiSession api, string accessToken, int courseId)
    {
        using var response = await api.GetAsync($"/api/v1/courses/{courseId}", accessToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ApiSession.ReadObjectAsync(response);
    }

    /// <summary>Uploads jfk.wav into the course (or unfiled) and, unless <paramref name="finish"/> is false, lets a stand-in worker complete it with the given text.</summary>
    public static async Task<int> LectureAsync(this ApiSession api, string accessToken, int? courseId, string text, bool finish = true, string fileName = "lecture.wav")
    {
        var path = courseId is { } id ? $"/api/v1/transcriptions?course_id={id}" : "/api/v1/transcriptions";
        using var response = await api.UploadAsync(accessToken, TranscriptionClient.Jfk, fileName, path: path);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        var lecture = (await ApiSession.ReadObjectAsync(response))["id"]!.GetValue<int>();
        if (finish)
        {
            await api.ReportStateAsync(lecture, "in_progress");
            await api.SaveChunkAsync(lecture, 0, text, (1.5, 4.25, text));
            await api.ReportStateAsync(lecture, "completed");
        }

        return lecture;
    }

    public static async Task<(int Id, string Token)> ShareAsync(this ApiSession api, string accessToken, object what)
    {
        using var response = await api.SendJsonAsync(HttpMethod.Post, "/api/v1/share-links", what, accessToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"share: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        var created = await ApiSession.ReadObjectAsync(response);
        return (created["link"]!["id"]!.GetValue<int>(), created["token"]!.GetValue<string>());
    }

    public static string UniqueWord() => "w" + Guid.NewGuid().ToString("N")[..10];
}
