using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>Full-text search over the caller's own segments (PostgreSQL FTS): hits, snippets, ownership, paging, bad input.</summary>
public sealed class SearchTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task A_stemmed_word_finds_the_segment_with_its_transcription_start_time_and_a_marked_snippet()
    {
        using var api = new ApiSession(fixture);
        var token = UniqueWord();
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, $"Nothing here. The lecture was transcribed by {token} yesterday.",
            (0, 2.5, "Nothing here."), (2.5, 6.25, $"The lecture was transcribed by {token} yesterday."));

        var page = await SearchOkAsync(api, owner, $"transcribing {token}");

        var hit = Assert.Single(page["hits"]!.AsArray())!;
        Assert.Equal(id, hit["transcription_id"]!.GetValue<int>());
        Assert.Equal(0, hit["chunk_no"]!.GetValue<int>());
        Assert.Equal(1, hit["segment_no"]!.GetValue<int>());
        Assert.Equal(2.5, hit["start"]!.GetValue<double>());
        Assert.Equal(6.25, hit["end"]!.GetValue<double>());
        Assert.True(hit["rank"]!.GetValue<double>() > 0);
        var snippet = hit["snippet"]!.GetValue<string>();
        Assert.Contains("«transcribed»", snippet, StringComparison.Ordinal);
        Assert.Contains($"«{token}»", snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("<", snippet, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_users_transcripts_never_appear_and_an_admin_sees_only_their_own()
    {
        using var api = new ApiSession(fixture);
        var token = UniqueWord();
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, $"private {token}", (0, 1, $"private {token}"));
        var (_, _, stranger) = await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();

        Assert.Equal(1, (await SearchOkAsync(api, owner, token))["total"]!.GetValue<int>());
        foreach (var other in new[] { stranger, admin })
        {
            var page = await SearchOkAsync(api, other, token);
            Assert.Equal(0, page["total"]!.GetValue<int>());
            Assert.Empty(page["hits"]!.AsArray());
        }

        using var anonymous = await api.GetAsync($"/api/v1/transcriptions/search?q={token}");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task Hits_are_paged_with_page_size_total_and_pages()
    {
        using var api = new ApiSession(fixture);
        var token = UniqueWord();
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        var segments = Enumerable.Range(0, 5).Select(i => ((double)i, i + 1.0, $"part {i} about {token}")).ToArray();
        await api.SaveChunkAsync(id, 0, string.Join(' ', segments.Select(s => s.Item3)), segments);

        var first = await SearchOkAsync(api, owner, token);
        Assert.Equal((1, 50, 5, 1, 5), Paging(first));
        var last = await SearchOkAsync(api, owner, token, "&page=3&size=2");
        Assert.Equal((3, 2, 5, 3, 1), Paging(last));
        var beyond = await SearchOkAsync(api, owner, token, "&page=4&size=2");
        Assert.Equal((4, 2, 5, 3, 0), Paging(beyond));

        // Equal ranks fall back to the segment order, so the pages together are every segment once, in order.
        var starts = new List<double>();
        for (var p = 1; p <= 3; p++)
        {
            starts.AddRange((await SearchOkAsync(api, owner, token, $"&page={p}&size=2"))["hits"]!.AsArray().Select(h => h!["start"]!.GetValue<double>()));
        }

        Assert.Equal([0, 1, 2, 3, 4], starts);
    }

    public static TheoryData<string, string> BadQueries => new()
    {
        { "", "q" },
        { "?q=", "q" },
        { "?q=%20%20", "q" },
        { "?q=" + new string('a', 201), "q" },
        { "?q=the%20and%20of", "q" },
        { "?q=%21%21%21%20...", "q" },
        { "?q=-lecture", "q" },
        { "?q=lecture&size=101", "size" },
        { "?q=lecture&page=0", "page" },
        { "?q=lecture&page=30000000", "page" }, // (page - 1) · size would overflow the query's OFFSET
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Bad_input_is_a_422_problem_with_a_field_error(string query, string field)
    {
        using var api = new ApiSession(fixture);
        var (_, _, user) = await api.NewUserAsync();

        using var response = await api.GetAsync("/api/v1/transcriptions/search" + query, user.Access);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotEmpty((await ApiSession.ReadObjectAsync(response))["errors"]![field]!.AsArray());
    }

    [Fact]
    public async Task Odd_queries_never_give_a_500()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "Ask not what your country can do for you.", (0, 3, "Ask not what your country can do for you."));
        string[] odd =
        [
            "\"", "\"\"", "\"country", "country\"", "-", "--country", "country -", "or", "or or", "country or", "or country", "country or -",
            "!country", "country & you", "country | you", "(country", "country:*", "'; DROP TABLE transcription_segments; --", "1' OR '1'='1",
            "\\", "%", "_", "*", "<b>country</b>", "страна", "国家", "😀 country", "ü", "country\tyou", "a\u0301", "\u200b",
        ];

        foreach (var q in odd)
        {
            using var response = await api.GetAsync($"/api/v1/transcriptions/search?q={Uri.EscapeDataString(q)}", owner.Access);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.UnprocessableEntity, $"q={q}: {(int)response.StatusCode}");
        }

        // The SQL-ish query is just words: the table is still there and still searchable.
        Assert.Equal(1, (await SearchOkAsync(api, owner, "\"your country\""))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Hits_disappear_after_the_transcription_is_deleted()
    {
        using var api = new ApiSession(fixture);
        var token = UniqueWord();
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, $"soon gone {token}", (0, 1, $"soon gone {token}"));
        Assert.Equal(1, (await SearchOkAsync(api, owner, token))["total"]!.GetValue<int>());

        using var deleted = await api.SendAsync(HttpMethod.Delete, $"/api/v1/transcriptions/{id}", null, owner.Access);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        Assert.Equal(0, (await SearchOkAsync(api, owner, token))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_search_route_is_documented_in_OpenAPI()
    {
        using var api = new ApiSession(fixture);

        using var response = await api.GetAsync("/openapi/v1.json");
        var operation = JsonNode.Parse(await response.Content.ReadAsStringAsync(ApiSession.Cancellation))!["paths"]!["/api/v1/transcriptions/search"]!["get"]!;

        Assert.False(string.IsNullOrWhiteSpace(operation["summary"]?.GetValue<string>()));
        Assert.Contains("«", operation["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(operation["responses"]!["200"]);
        Assert.NotNull(operation["responses"]!["422"]);
    }

    internal static async Task<JsonObject> SearchOkAsync(ApiSession api, Tokens tokens, string q, string extra = "")
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/search?q={Uri.EscapeDataString(q)}{extra}", tokens.Access);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"search {q}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        return await ApiSession.ReadObjectAsync(response);
    }

    private static (int Page, int Size, int Total, int Pages, int Hits) Paging(JsonObject page) =>
        (page["page"]!.GetValue<int>(), page["size"]!.GetValue<int>(), page["total"]!.GetValue<int>(), page["pages"]!.GetValue<int>(), page["hits"]!.AsArray().Count);

    /// <summary>A made-up word no other test's transcript contains, so results are not mixed up across tests sharing the database.</summary>
    internal static string UniqueWord() =>
        "zq" + new string([.. Enumerable.Range(0, 10).Select(_ => (char)('a' + RandomNumberGenerator.GetInt32(26)))]);
}
