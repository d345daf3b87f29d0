using System.Net;
using System.Net.Http.Headers;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using LazyLecture.Tests.Security;
using Npgsql;
using Xunit;

namespace LazyLecture.Tests.Courses;

/// <summary>
/// Share links: what anyone with the token reads without an account (the lecture or the course, segments, audio with
/// ranges, search, exports), what they never reach, expiry and revocation from the next request on, the stored hash,
/// the owner's list, noindex and the per-address rate limit.
/// </summary>
public sealed class ShareLinkTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task A_course_link_opens_its_lectures_segments_audio_search_and_exports_without_an_account()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var word = CourseClient.UniqueWord();
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Shared course", code = "CS 101" }))["id"]!.GetValue<int>();
        var first = await api.LectureAsync(owner.Access, courseId, $"first {word} lecture", fileName: "one.wav");
        var second = await api.LectureAsync(owner.Access, courseId, $"second {word} lecture", fileName: "two.wav");
        var (_, token) = await api.ShareAsync(owner.Access, new { course_id = courseId });
        Assert.Equal(43, token.Length);

        using var anonymous = new ApiSession(fixture);
        using var content = await anonymous.GetAsync($"/api/v1/shared/{token}");
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Contains("noindex", string.Join(",", content.Headers.GetValues("X-Robots-Tag")), StringComparison.Ordinal);
        var shared = await ApiSession.ReadObjectAsync(content);
        Assert.Equal("course", shared["kind"]!.GetValue<string>());
        Assert.Equal("Shared course", shared["title"]!.GetValue<string>());
        Assert.Equal([first, second], shared["lectures"]!.AsArray().Select(l => l!["id"]!.GetValue<int>()));
        Assert.Null(shared["lectures"]![0]!["creator_id"]); // nothing of the owner's account

        using var segments = await anonymous.GetAsync($"/api/v1/shared/{token}/lectures/{second}/segments");
        Assert.Equal(HttpStatusCode.OK, segments.StatusCode);
        Assert.Equal($"second {word} lecture", (await ApiSession.ReadObjectAsync(segments))["segments"]![0]!["text"]!.GetValue<string>());

        using var range = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/shared/{token}/lectures/{first}/audio");
        range.Headers.Range = new RangeHeaderValue(0, 99);
        using var audio = await anonymous.Http.SendAsync(range, ApiSession.Cancellation);
        Assert.Equal(HttpStatusCode.PartialContent, audio.StatusCode);
        Assert.Equal(100, (await audio.Content.ReadAsByteArrayAsync(ApiSession.Cancellation)).Length);

        using var search = await anonymous.GetAsync($"/api/v1/shared/{token}/search?q={word}");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var hits = (await ApiSession.ReadObjectAsync(search))["hits"]!.AsArray();
        Assert.Equal([first, second], hits.Select(h => h!["transcription_id"]!.GetValue<int>()).Order());
        Assert.All(hits, h => Assert.Equal(1.5, h!["start"]!.GetValue<double>()));

        using var export = await anonymous.GetAsync($"/api/v1/shared/{token}/lectures/{first}/export?format=vtt");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Contains($"first {word} lecture", await export.Content.ReadAsStringAsync(ApiSession.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_link_reaches_exactly_what_it_shares()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var (_, stranger) = await api.NewUploaderAsync();
        var word = CourseClient.UniqueWord();
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Course" }))["id"]!.GetValue<int>();
        var inCourse = await api.LectureAsync(owner.Access, courseId, $"in course {word}");
        var unfiled = await api.LectureAsync(owner.Access, null, $"unfiled {word}");
        var strangers = await api.LectureAsync(stranger.Access, null, $"stranger {word}");
        var (_, courseToken) = await api.ShareAsync(owner.Access, new { course_id = courseId });
        var (_, lectureToken) = await api.ShareAsync(owner.Access, new { transcription_id = unfiled });

        using var anonymous = new ApiSession(fixture);
        foreach (var (token, reachable, unreachable) in new[] { (courseToken, inCourse, new[] { unfiled, strangers }), (lectureToken, unfiled, new[] { inCourse, strangers }) })
        {
            foreach (var route in new[] { "segments", "chapters", "audio", "export?format=txt" })
            {
                using var ok = await anonymous.GetAsync($"/api/v1/shared/{token}/lectures/{reachable}/{route}");
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
                foreach (var other in unreachable)
                {
                    using var refused = await anonymous.GetAsync($"/api/v1/shared/{token}/lectures/{other}/{route}");
                    await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.NotFound, $"{route} of {other}");
                }
            }

            using var search = await anonymous.GetAsync($"/api/v1/shared/{token}/search?q={word}");
            var hits = (await ApiSession.ReadObjectAsync(search))["hits"]!.AsArray();
            Assert.Equal([reachable], hits.Select(h => h!["transcription_id"]!.GetValue<int>()));
        }

        // The owner's own routes stay closed to a token holder.
        using var ownerRoute = await anonymous.GetAsync($"/api/v1/transcriptions/{inCourse}");
        Assert.Equal(HttpStatusCode.Unauthorized, ownerRoute.StatusCode);
    }

    [Fact]
    public async Task A_revoked_link_is_404_from_the_next_request_on_and_the_list_shows_its_times()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var lecture = await api.LectureAsync(owner.Access, null, "to be revoked");
        var (linkId, token) = await api.ShareAsync(owner.Access, new { transcription_id = lecture });
        using var anonymous = new ApiSession(fixture);
        using (var before = await anonymous.GetAsync($"/api/v1/shared/{token}"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var list = await api.GetAsync("/api/v1/share-links", owner.Access))
        {
            var link = System.Text.Json.Nodes.JsonNode.Parse(await list.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray().Single(l => l!["id"]!.GetValue<int>() == linkId)!;
            Assert.True(link["active"]!.GetValue<bool>());
            Assert.NotNull(link["last_used_at"]);
            Assert.NotNull(link["create_date"]);
            Assert.Null(link["token"]);
        }

        using (var revoked = await api.SendAsync(HttpMethod.Delete, $"/api/v1/share-links/{linkId}", null, owner.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        foreach (var path in new[] { "", $"/lectures/{lecture}/segments", $"/lectures/{lecture}/chapters", $"/lectures/{lecture}/audio", "/search?q=revoked" })
        {
            using var after = await anonymous.GetAsync($"/api/v1/shared/{token}{path}");
            await ProblemAssert.IsProblemAsync(after, HttpStatusCode.NotFound, "after revocation: " + path);
        }
    }

    [Fact]
    public async Task An_expired_link_is_404_and_an_expiry_in_the_past_is_refused()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var lecture = await api.LectureAsync(owner.Access, null, "expiring");
        using (var past = await api.SendJsonAsync(HttpMethod.Post, "/api/v1/share-links", new { transcription_id = lecture, expires_at = DateTimeOffset.UtcNow.AddMinutes(-1) }, owner.Access))
        {
            await ProblemAssert.IsProblemAsync(past, HttpStatusCode.UnprocessableEntity, "expiry in the past");
        }

        var (linkId, token) = await api.ShareAsync(owner.Access, new { transcription_id = lecture, expires_at = DateTimeOffset.UtcNow.AddSeconds(3) });
        using var anonymous = new ApiSession(fixture);
        using (var open = await anonymous.GetAsync($"/api/v1/shared/{token}"))
        {
            Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        }

        // The clock is the API's: the link is moved past its expiry in the database instead of waiting.
        await using (var db = new NpgsqlConnection(fixture.DatabaseConnectionString))
        {
            await db.OpenAsync(ApiSession.Cancellation);
            await using var expire = new NpgsqlCommand("UPDATE share_links SET expires_at = now() - interval '1 second' WHERE id = @id", db);
            expire.Parameters.AddWithValue("id", linkId);
            Assert.Equal(1, await expire.ExecuteNonQueryAsync(ApiSession.Cancellation));
        }

        using var expired = await anonymous.GetAsync($"/api/v1/shared/{token}");
        await ProblemAssert.IsProblemAsync(expired, HttpStatusCode.NotFound, "expired");
    }

    [Fact]
    public async Task Only_the_sha256_of_the_token_is_stored()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var lecture = await api.LectureAsync(owner.Access, null, "hashed");
        var (linkId, token) = await api.ShareAsync(owner.Access, new { transcription_id = lecture });

        await using var db = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await db.OpenAsync(ApiSession.Cancellation);
        await using var read = new NpgsqlCommand("SELECT share_links::text, token_hash FROM share_links WHERE id = @id", db);
        read.Parameters.AddWithValue("id", linkId);
        await using var row = await read.ExecuteReaderAsync(ApiSession.Cancellation);
        Assert.True(await row.ReadAsync(ApiSession.Cancellation));
        Assert.DoesNotContain(token, row.GetString(0), StringComparison.Ordinal);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)), (byte[])row[1]);
    }

    [Fact]
    public async Task Links_to_what_the_caller_does_not_own_are_refused_and_others_links_cannot_be_revoked()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var (_, _, stranger) = await api.NewUserAsync();
        var lecture = await api.LectureAsync(owner.Access, null, "not theirs");
        var courseId = (await api.CreateCourseAsync(owner.Access, new { name = "Not theirs" }))["id"]!.GetValue<int>();
        object[] refused = [new { transcription_id = lecture }, new { course_id = courseId }, new { }, new { transcription_id = lecture, course_id = courseId }];
        foreach (var body in refused)
        {
            using var response = await api.SendJsonAsync(HttpMethod.Post, "/api/v1/share-links", body, stranger.Access);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.UnprocessableEntity, "link by a stranger");
        }

        var (linkId, token) = await api.ShareAsync(owner.Access, new { transcription_id = lecture });
        using (var revoke = await api.SendAsync(HttpMethod.Delete, $"/api/v1/share-links/{linkId}", null, stranger.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, revoke.StatusCode);
        }

        using var stillOpen = await api.GetAsync($"/api/v1/shared/{token}");
        Assert.Equal(HttpStatusCode.OK, stillOpen.StatusCode);
    }

    [Fact]
    public async Task Guessing_tokens_from_one_address_is_rate_limited()
    {
        using var guesser = new ApiSession(fixture);
        HttpStatusCode last = 0;
        for (var attempt = 0; attempt < 400 && last != HttpStatusCode.TooManyRequests; attempt++)
        {
            using var response = await guesser.GetAsync($"/api/v1/shared/{new string('A', 43)}");
            last = response.StatusCode;
            if (last == HttpStatusCode.TooManyRequests)
            {
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, last);
            }
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last);
        using var other = new ApiSession(fixture); // another address is not held up
        using var fresh = await other.GetAsync($"/api/v1/shared/{new string('A', 43)}");
        Assert.Equal(HttpStatusCode.NotFound, fresh.StatusCode);
    }
}
