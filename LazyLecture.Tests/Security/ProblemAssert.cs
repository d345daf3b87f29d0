using System.Net;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>Checks shared by the security tests: an answer is a Problem Details document, and a user's transcriptions can be counted.</summary>
public static class ProblemAssert
{
    /// <summary>Asserts the status and an RFC 9457 body (content type, status field); returns the body.</summary>
    public static async Task<JsonObject> IsProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        var body = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
        Assert.True(response.StatusCode == expected, $"{what}: expected {(int)expected}, got {(int)response.StatusCode} {body}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json",
            $"{what}: content type {response.Content.Headers.ContentType} instead of application/problem+json; body: {body}");
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)expected, problem["status"]!.GetValue<int>());
        return problem;
    }

    public static async Task<long> TranscriptionCountAsync(IApiHost fixture, int userId)
    {
        await using var db = new NpgsqlConnection(fixture.DatabaseConnectionString);
        await db.OpenAsync(ApiSession.Cancellation);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM transcriptions WHERE creator_id = @user", db);
        count.Parameters.AddWithValue("user", userId);
        return (long)(await count.ExecuteScalarAsync(ApiSession.Cancellation))!;
    }
}
