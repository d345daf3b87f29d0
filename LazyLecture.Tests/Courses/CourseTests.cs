using System.Net;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using LazyLecture.Tests.Security;
using Xunit;

namespace LazyLecture.Tests.Courses;

/// <summary>Courses: create, rename, glossary, filing lectures at upload and later, filters, lecture order, deletion, ownership.</summary>
public sealed class CourseTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task A_course_lists_the_lectures_uploaded_into_it_in_order_with_state_and_length()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var course = await api.CreateCourseAsync(owner.Access, new { name = "  Linear Algebra ", code = "MATH 221", term = "Fall 2026" });
        var courseId = course["id"]!.GetValue<int>();
        Assert.Equal("Linear Algebra", course["name"]!.GetValue<string>());
        Assert.Equal("MATH 221", course["code"]!.GetValue<string>());
        Assert.Equal("Fall 2026", course["term"]!.GetValue<string>());

        var first = await api.LectureAsync(owner.Access, courseId, "first lecture", fileName: "week1.wav");
        var unfiled = await api.LectureAsync(owner.Access, null, "not in the course");
        var second = await api.LectureAsync(owner.Access, courseId, "second lecture", finish: false, fileName: "week2.wav");

        var detail = await api.GetCourseAsync(owner.Access, courseId);
        var lectures = detail["lectures"]!.AsArray();
        Assert.Equal([first, second], lectures.Select(l => l!["id"]!.GetValue<int>()));
        Assert.Equal(["week1.wav", "week2.wav"], lectures.Select(l => l!["title"]!.GetValue<string>()));
        Assert.Equal(["completed", "queued"], lectures.Select(l => l!["current_state"]!.GetValue<string>()));
        Assert.All(lectures, l => Assert.InRange(l!["audio_len_secs"]!.GetValue<double>(), 10.9, 11.1));
        Assert.Equal(courseId, (await api.GetTranscriptionAsync(owner.Access, first))["course_id"]!.GetValue<int>());
        Assert.Null((await api.GetTranscriptionAsync(owner.Access, unfiled))["course_id"]);

        using var list = await api.GetAsync("/api/v1/courses", owner.Access);
        var listed = Assert.Single((await ReadArrayAsync(list)))!;
        Assert.Equal(2, listed["lectures"]!.GetValue<int>());
    }

    [Fact]
    public async Task List_and_search_filter_by_course()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var word = CourseClient.UniqueWord();
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Physics" }))["id"]!.GetValue<int>();
        var filed = await api.LectureAsync(owner.Access, courseId, $"the {word} in the course");
        var unfiled = await api.LectureAsync(owner.Access, null, $"the {word} outside it");

        using var all = await api.GetAsync("/api/v1/transcriptions", owner.Access);
        Assert.Equal(2, (await ApiSession.ReadObjectAsync(all))["total"]!.GetValue<int>());
        using var inCourse = await api.GetAsync($"/api/v1/transcriptions?course_id={courseId}", owner.Access);
        var page = await ApiSession.ReadObjectAsync(inCourse);
        Assert.Equal([filed], page["transcriptions"]!.AsArray().Select(t => t!["id"]!.GetValue<int>()));

        using var searchAll = await api.GetAsync($"/api/v1/transcriptions/search?q={word}", owner.Access);
        Assert.Equal(2, (await ApiSession.ReadObjectAsync(searchAll))["total"]!.GetValue<int>());
        using var searchCourse = await api.GetAsync($"/api/v1/transcriptions/search?q={word}&course_id={courseId}", owner.Access);
        var hits = (await ApiSession.ReadObjectAsync(searchCourse))["hits"]!.AsArray();
        Assert.Equal([filed], hits.Select(h => h!["transcription_id"]!.GetValue<int>()));
        Assert.NotEqual(filed, unfiled);
    }

    [Fact]
    public async Task Renaming_changes_only_the_fields_given_and_an_empty_code_clears_it()
    {
        using var api = new ApiSession(fixture);
        var (_, _, owner) = await api.NewUserAsync();
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Old", code = "C1", term = "Spring" }))["id"]!.GetValue<int>();

        using var renamed = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/courses/{courseId}", new { name = "New name", code = "" }, owner.Access);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var course = await api.GetCourseAsync(owner.Access, courseId);
        Assert.Equal("New name", course["name"]!.GetValue<string>());
        Assert.Null(course["code"]);
        Assert.Equal("Spring", course["term"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_pasted_glossary_is_split_trimmed_and_deduplicated_and_a_list_replaces_it()
    {
        using var api = new ApiSession(fixture);
        var (_, _, owner) = await api.NewUserAsync();
        var course = await api.CreateCourseAsync(owner.Access, new { name = "Chemistry", glossary_text = "Schrödinger\r\n  eigenvalue ; Hamiltonian,\n\nEigenvalue\n" });
        var courseId = course["id"]!.GetValue<int>();
        Assert.Equal(["Schrödinger", "eigenvalue", "Hamiltonian"], course["glossary"]!.AsArray().Select(t => t!.GetValue<string>()));

        using var replaced = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/courses/{courseId}", new { glossary = new[] { "Noether", " Lagrangian " } }, owner.Access);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        Assert.Equal(["Noether", "Lagrangian"], (await ApiSession.ReadObjectAsync(replaced))["glossary"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Bad_course_fields_are_422_and_change_nothing()
    {
        using var api = new ApiSession(fixture);
        var (_, _, owner) = await api.NewUserAsync();
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Kept" }))["id"]!.GetValue<int>();
        object[] bad =
        [
            new { name = "" }, new { name = "   " }, new { name = new string('n', 201) }, new { name = "two\nlines" }, new { name = "a\u0000b" },
            new { name = "x", code = new string('c', 51) }, new { name = "x", glossary = new[] { new string('g', 101) } },
            new { name = "x", glossary = Enumerable.Range(0, 301).Select(i => $"term{i}").ToArray() },
            new { name = "x", glossary = new[] { "a" }, glossary_text = "b" },
        ];
        foreach (var body in bad)
        {
            using var created = await api.SendJsonAsync(HttpMethod.Post, "/api/v1/courses", body, owner.Access);
            await ProblemAssert.IsProblemAsync(created, HttpStatusCode.UnprocessableEntity, "created");
            using var changed = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/courses/{courseId}", body, owner.Access);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, changed.StatusCode);
        }

        using var list = await api.GetAsync("/api/v1/courses", owner.Access);
        var only = Assert.Single(await ReadArrayAsync(list))!;
        Assert.Equal("Kept", only["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_lecture_is_filed_later_moved_and_unfiled_only_into_the_owners_own_courses()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var (_, _, stranger) = await api.NewUserAsync();
        var mine = (await api.CreateCourseAsync(owner.Access, new { name = "Mine" }))["id"]!.GetValue<int>();
        var theirs = (await api.CreateCourseAsync(stranger.Access, new { name = "Theirs" }))["id"]!.GetValue<int>();
        var lecture = await api.LectureAsync(owner.Access, null, "a lecture");

        using (var filed = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{lecture}", new { course_id = mine }, owner.Access))
        {
            Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
            Assert.Equal(mine, (await ApiSession.ReadObjectAsync(filed))["course_id"]!.GetValue<int>());
        }

        using (var foreign = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{lecture}", new { course_id = theirs }, owner.Access))
        {
            await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.UnprocessableEntity, "foreign");
        }

        using (var uploadForeign = await api.UploadAsync(owner.Access, TranscriptionClient.Jfk, path: $"/api/v1/transcriptions?course_id={theirs}"))
        {
            await ProblemAssert.IsProblemAsync(uploadForeign, HttpStatusCode.UnprocessableEntity, "uploadForeign");
        }

        using (var byStranger = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{lecture}", new { course_id = theirs }, stranger.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, byStranger.StatusCode);
        }

        // a body without course_id is refused: it must not read as "unfile"
        using (var empty = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{lecture}", new { }, owner.Access))
        {
            var problem = await ProblemAssert.IsProblemAsync(empty, HttpStatusCode.UnprocessableEntity, "empty");
            Assert.Contains("course_id", problem.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(mine, (await api.GetTranscriptionAsync(owner.Access, lecture))["course_id"]!.GetValue<int>());
        Assert.Empty((await api.GetCourseAsync(stranger.Access, theirs))["lectures"]!.AsArray());

        using (var unfiled = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{lecture}", new { course_id = (int?)null }, owner.Access))
        {
            Assert.Equal(HttpStatusCode.OK, unfiled.StatusCode);
        }

        Assert.Empty((await api.GetCourseAsync(owner.Access, mine))["lectures"]!.AsArray());
    }

    [Fact]
    public async Task Deleting_a_course_keeps_its_lectures_unfiled()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Ending" }))["id"]!.GetValue<int>();
        var lecture = await api.LectureAsync(owner.Access, courseId, "kept after the course");
        var (linkId, token) = await api.ShareAsync(owner.Access, new { course_id = courseId });

        using (var deleted = await api.SendAsync(HttpMethod.Delete, $"/api/v1/courses/{courseId}", null, owner.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var kept = await api.GetTranscriptionAsync(owner.Access, lecture);
        Assert.Null(kept["course_id"]);
        Assert.Equal("completed", kept["current_state"]!.GetValue<string>());
        using var gone = await api.GetAsync($"/api/v1/courses/{courseId}", owner.Access);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        using var link = await api.GetAsync($"/api/v1/shared/{token}");
        Assert.Equal(HttpStatusCode.NotFound, link.StatusCode);
        Assert.True(linkId > 0);
    }

    [Fact]
    public async Task Another_users_course_is_not_found_on_every_course_route()
    {
        using var api = new ApiSession(fixture);
        var (_, _, owner) = await api.NewUserAsync();
        var (_, _, stranger) = await api.NewUserAsync();
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Private" }))["id"]!.GetValue<int>();

        using (var read = await api.GetAsync($"/api/v1/courses/{courseId}", stranger.Access))
        {
            await ProblemAssert.IsProblemAsync(read, HttpStatusCode.NotFound, "read");
        }

        using (var rename = await api.SendJsonAsync(HttpMethod.Patch, $"/api/v1/courses/{courseId}", new { name = "Taken" }, stranger.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, rename.StatusCode);
        }

        using (var delete = await api.SendAsync(HttpMethod.Delete, $"/api/v1/courses/{courseId}", null, stranger.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        using (var list = await api.GetAsync("/api/v1/courses", stranger.Access))
        {
            Assert.Empty(await ReadArrayAsync(list));
        }

        Assert.Equal("Private", (await api.GetCourseAsync(owner.Access, courseId))["name"]!.GetValue<string>());
    }

    private static async Task<JsonArray> ReadArrayAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray();
    }
}
