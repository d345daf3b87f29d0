using System.Net;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Auth;

public sealed class RegistrationTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Register_returns_201_with_location_and_a_user_who_cannot_upload_yet()
    {
        using var api = new ApiSession(fixture);
        var username = ApiSession.NewUsername();

        using var response = await api.PostJsonAsync("/api/v1/users", new { username, password = ApiSession.GoodPassword });
        var user = await ApiSession.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/api/v1/users/{user["id"]}", response.Headers.Location?.OriginalString);
        Assert.Equal(username, user["username"]!.GetValue<string>());
        Assert.Equal("user", user["role"]!.GetValue<string>());
        Assert.True(user["active"]!.GetValue<bool>());
        Assert.False(user["can_interact"]!.GetValue<bool>());
        Assert.Null(user["password"]);
        Assert.Null(user["password_hash"]);
    }

    [Theory]
    [InlineData("abcd", "username", "between 5 and 64")]
    [InlineData("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklm", "username", "between 5 and 64")]
    [InlineData("user_name", "username", "Latin letters only")]
    [InlineData("usérname", "username", "Latin letters only")]
    [InlineData("user12345", "username", "Latin letters only")]
    public async Task Username_rules_are_enforced_with_422(string username, string field, string message)
    {
        using var api = new ApiSession(fixture);

        using var response = await api.PostJsonAsync("/api/v1/users", new { username, password = ApiSession.GoodPassword });

        await AssertFieldErrorAsync(response, field, message);
    }

    [Theory]
    [InlineData("Sh0rt!", "8-256 characters")]
    [InlineData("lowercase-only1!", "uppercase")]
    [InlineData("UPPERCASE-ONLY1!", "lowercase")]
    [InlineData("No-digits-here!", "digit")]
    [InlineData("NoSpecial123", "special character")]
    public async Task Password_rules_are_enforced_with_422(string password, string message)
    {
        using var api = new ApiSession(fixture);

        using var response = await api.PostJsonAsync("/api/v1/users", new { username = ApiSession.NewUsername(), password });

        await AssertFieldErrorAsync(response, "password", message);
    }

    [Fact]
    public async Task Password_longer_than_256_characters_is_rejected()
    {
        using var api = new ApiSession(fixture);

        using var response = await api.PostJsonAsync("/api/v1/users", new { username = ApiSession.NewUsername(), password = "Aa1!" + new string('x', 253) });

        await AssertFieldErrorAsync(response, "password", "8-256 characters");
    }

    [Fact]
    public async Task Every_broken_rule_is_listed_at_once()
    {
        using var api = new ApiSession(fixture);

        using var response = await api.PostJsonAsync("/api/v1/users", new { username = "ab1", password = "abc" });
        var errors = (await ApiSession.ReadObjectAsync(response))["errors"]!.AsObject();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(2, errors["username"]!.AsArray().Count);
        Assert.Equal(4, errors["password"]!.AsArray().Count); // length, upper, digit, special
    }

    [Fact]
    public async Task Duplicate_username_in_any_case_returns_409()
    {
        using var api = new ApiSession(fixture);
        var username = ApiSession.NewUsername();
        await api.RegisterAsync(username);

        using var same = await api.PostJsonAsync("/api/v1/users", new { username, password = ApiSession.GoodPassword });
        using var otherCase = await api.PostJsonAsync("/api/v1/users", new { username = username.ToUpperInvariant(), password = ApiSession.GoodPassword });

        Assert.Equal(HttpStatusCode.Conflict, same.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, otherCase.StatusCode);
        Assert.Equal("application/problem+json", otherCase.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_not_a_500()
    {
        using var api = new ApiSession(fixture);

        using var response = await api.SendAsync(HttpMethod.Post, "/api/v1/users", new StringContent("{\"username\": ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field, string message)
    {
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await ApiSession.ReadObjectAsync(response);
        Assert.NotNull(body["traceId"]);
        var messages = body["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains(messages, m => m.Contains(message, StringComparison.Ordinal));
        response.Dispose();
    }
}
