using System.Net;
using System.Text;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>Defects a black-box probe found in uploads (issue 15): each answered 500 or kept bad data before its fix.</summary>
public sealed class UploadDefectTests(AppHostFixture fixture)
{
    public static TheoryData<string> NonFiniteSizes => ["NaN", "-NaN", "Infinity", "-Infinity", "1e308"];

    [Theory]
    [MemberData(nameof(NonFiniteSizes))]
    public async Task A_non_finite_chunk_size_is_refused_and_stores_nothing(string size)
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();

        using var response = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, path: $"/api/v1/transcriptions?chunk_size_secs={size}");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, $"chunk_size_secs={size}");
        Assert.NotNull(problem["errors"]!["chunk_size_secs"]);
        Assert.Equal(0, await ProblemAssert.TranscriptionCountAsync(fixture, userId));
    }

    public static TheoryData<string, string> BrokenBodies => new()
    {
        { "/api/v1/transcriptions", "wrong-boundary" },
        { "/api/v1/transcriptions", "missing-boundary" },
        { "/api/v1/transcriptions", "empty-boundary" },
        { "/api/v1/transcriptions", "over-long-boundary" },
        { "/api/v1/transcriptions", "no-closing-boundary" },
        { "/api/v1/transcriptions", "empty-body" },
        { "/upload-audiofile", "wrong-boundary" },
        { "/upload-audiofile", "missing-boundary" },
        { "/upload-audiofile", "over-long-boundary" },
        { "/upload-audiofile", "no-closing-boundary" },
        { "/upload-audiofile", "empty-body" },
    };

    [Theory]
    [MemberData(nameof(BrokenBodies))]
    public async Task A_broken_multipart_body_gets_400_problem_details(string path, string kind)
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();

        using var response = await api.SendAsync(HttpMethod.Post, path, BadUploads.BrokenMultipart(kind), tokens.Access);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, $"{kind} on {path}");
        Assert.Equal(0, await ProblemAssert.TranscriptionCountAsync(fixture, userId));
    }

    [Fact]
    public async Task An_upload_with_two_files_is_refused_instead_of_keeping_one()
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(TranscriptionClient.Jfk), "audiofile", "first.wav");
        form.Add(new ByteArrayContent(TranscriptionClient.Jfk), "audiofile", "second.wav");

        using var response = await api.SendAsync(HttpMethod.Post, "/api/v1/transcriptions", form, tokens.Access);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "two files");
        Assert.NotNull(problem["errors"]!["audiofile"]);
        Assert.Equal(0, await ProblemAssert.TranscriptionCountAsync(fixture, userId));
    }

    [Fact]
    public async Task File_names_are_kept_without_direction_overrides_or_control_characters()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        // Shown as "lecture-vaw.exe" by a right-to-left override: the name must not be able to disguise itself.
        const string name = "lecture-\u202Eexe.wav\u2066\u0007";

        using var response = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, name, path: "/upload-audiofile");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var accepted = await ApiSession.ReadObjectAsync(response);
        Assert.Equal("lecture-exe.wav", accepted["file"]!.GetValue<string>());
        var detail = await api.GetTranscriptionAsync(tokens.Access, accepted["task_id"]!.GetValue<int>());
        Assert.Equal("lecture-exe.wav", detail["original_file_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_value_that_does_not_bind_is_explained_without_dotnet_type_names()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();

        using var upload = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk, path: "/api/v1/transcriptions?chunk_size_secs=ten");
        using var list = await api.GetAsync("/api/v1/transcriptions?page=first", tokens.Access);
        using var compat = await api.GetAsync("/transcript?task_id=abc", tokens.Access);
        using var body = await api.SendAsync(HttpMethod.Put, "/api/v1/users/me/password", new StringContent("{\"current_password\": 5}", Encoding.UTF8, "application/json"), tokens.Access);

        // A number that is not one is a 422 naming the parameter (the one reading of numbers); a body of the wrong shape is a 400.
        foreach (var (response, what, status) in new[]
                 {
                     (upload, "chunk_size_secs", HttpStatusCode.UnprocessableEntity), (list, "page", HttpStatusCode.UnprocessableEntity),
                     (compat, "task_id", HttpStatusCode.UnprocessableEntity), (body, "current_password", HttpStatusCode.BadRequest),
                 })
        {
            var problem = await ProblemAssert.IsProblemAsync(response, status, what);
            var detail = status == HttpStatusCode.BadRequest ? problem["detail"]!.GetValue<string>() : problem["errors"]![what]![0]!.GetValue<string>();
            Assert.Contains(what, detail, StringComparison.Ordinal);
            foreach (var internalName in new[] { "Nullable", "Double", "Int32", "String", "System.", "Request\"", "<", ">" })
            {
                Assert.DoesNotContain(internalName, detail, StringComparison.Ordinal);
            }
        }
    }
}
