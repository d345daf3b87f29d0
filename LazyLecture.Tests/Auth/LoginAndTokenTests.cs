using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Auth;

public sealed class LoginAndTokenTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task Login_returns_bearer_tokens_that_open_the_current_user()
    {
        using var api = new ApiSession(fixture);
        var (id, username, tokens) = await api.NewUserAsync();

        using var me = await api.GetAsync("/api/v1/users/me", tokens.Access);
        var body = await ApiSession.ReadObjectAsync(me);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(id, body["id"]!.GetValue<int>());
        Assert.Equal(username, body["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task Login_accepts_the_oauth2_password_form()
    {
        using var api = new ApiSession(fixture);
        var username = ApiSession.NewUsername();
        await api.RegisterAsync(username);

        using var response = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = username.ToUpperInvariant(), // names are case-insensitive
            ["password"] = ApiSession.GoodPassword,
        }));
        var body = await ApiSession.ReadObjectAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(1800, body["expires_in"]!.GetValue<int>());
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401()
    {
        using var api = new ApiSession(fixture);
        var username = ApiSession.NewUsername();
        await api.RegisterAsync(username);

        using var wrongPassword = await api.PostJsonAsync("/api/v1/auth/login", new { username, password = "Wrong-password1!" });
        using var unknownUser = await api.PostJsonAsync("/api/v1/auth/login", new { username = ApiSession.NewUsername(), password = "Wrong-password1!" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        var first = await ApiSession.ReadObjectAsync(wrongPassword);
        var second = await ApiSession.ReadObjectAsync(unknownUser);
        first.Remove("traceId");
        second.Remove("traceId");
        Assert.Equal(first.ToJsonString(), second.ToJsonString());
    }

    [Fact]
    public async Task Refresh_rotates_and_a_reused_refresh_token_revokes_its_family()
    {
        using var api = new ApiSession(fixture);
        var (_, _, first) = await api.NewUserAsync();

        var second = await RefreshAsync(api, first.Refresh);
        Assert.NotEqual(first.Refresh, second!.Refresh);

        // Replaying the first (already used) token is reuse: it fails and takes the live one down with it.
        Assert.Null(await RefreshAsync(api, first.Refresh));
        Assert.Null(await RefreshAsync(api, second.Refresh));
    }

    [Fact]
    public async Task Access_token_is_rejected_after_password_change()
    {
        using var api = new ApiSession(fixture);
        var (_, username, tokens) = await api.NewUserAsync();

        using var change = await api.SendAsync(HttpMethod.Put, "/api/v1/users/me/password",
            JsonContent.Create(new { current_password = ApiSession.GoodPassword, new_password = "Another-pass2@" }, options: ApiSession.Json), tokens.Access);

        Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        await AssertUnauthorizedAsync(api, tokens.Access);
        Assert.Null(await RefreshAsync(api, tokens.Refresh));
        await api.LoginAsync(username, "Another-pass2@");
    }

    [Fact]
    public async Task Password_change_requires_the_current_password()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();

        using var change = await api.SendAsync(HttpMethod.Put, "/api/v1/users/me/password",
            JsonContent.Create(new { current_password = "Not-my-pass1!", new_password = "Another-pass2@" }, options: ApiSession.Json), tokens.Access);

        Assert.Equal(HttpStatusCode.Forbidden, change.StatusCode);
        using var me = await api.GetAsync("/api/v1/users/me", tokens.Access);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
    }

    [Fact]
    public async Task Access_token_is_rejected_after_logout()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();

        using var logout = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", null, tokens.Access);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        await AssertUnauthorizedAsync(api, tokens.Access);
        Assert.Null(await RefreshAsync(api, tokens.Refresh));
    }

    [Fact]
    public async Task Blocked_user_is_rejected_everywhere_and_cannot_log_in()
    {
        using var api = new ApiSession(fixture);
        var (id, username, tokens) = await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();

        using var block = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", JsonContent.Create(new { active = false }, options: ApiSession.Json), admin.Access);

        Assert.Equal(HttpStatusCode.OK, block.StatusCode);
        await AssertUnauthorizedAsync(api, tokens.Access);
        Assert.Null(await RefreshAsync(api, tokens.Refresh));
        using var login = await api.PostJsonAsync("/api/v1/auth/login", new { username, password = ApiSession.GoodPassword });
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Expired_tampered_unsigned_wrong_key_and_refresh_tokens_are_not_access_tokens()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var key = Encoding.UTF8.GetBytes(fixture.Parameter(ResourceNames.JwtSigningKey));
        var parts = tokens.Access.Split('.');
        var header = JsonNode.Parse(JwtMinter.Decode(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(JwtMinter.Decode(parts[1]))!.AsObject();

        // The control: re-signing the genuine claims with the real key is accepted, so each rejection below is for its own reason.
        using var control = await api.GetAsync("/api/v1/users/me", JwtMinter.Mint(header, payload, key));
        Assert.Equal(HttpStatusCode.OK, control.StatusCode);

        var expired = payload.DeepClone().AsObject();
        expired["exp"] = JwtMinter.UnixTime(DateTimeOffset.UtcNow.AddMinutes(-5));
        expired["nbf"] = JwtMinter.UnixTime(DateTimeOffset.UtcNow.AddMinutes(-40));
        expired["iat"] = JwtMinter.UnixTime(DateTimeOffset.UtcNow.AddMinutes(-40));
        var tampered = parts[0] + "." + JwtMinter.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString().Replace("\"sub\":\"", "\"sub\":\"1", StringComparison.Ordinal))) + "." + parts[2];

        await AssertUnauthorizedAsync(api, JwtMinter.Mint(header, expired, key));
        await AssertUnauthorizedAsync(api, tampered);
        await AssertUnauthorizedAsync(api, JwtMinter.Mint(new { alg = "none", typ = "JWT" }, payload, key: null));
        await AssertUnauthorizedAsync(api, JwtMinter.Mint(header, payload, RandomNumberGenerator.GetBytes(64)));
        await AssertUnauthorizedAsync(api, tokens.Refresh);
        await AssertUnauthorizedAsync(api, null);
    }

    [Fact]
    public async Task Non_admin_gets_403_on_admin_endpoints()
    {
        using var api = new ApiSession(fixture);
        var (id, _, tokens) = await api.NewUserAsync();

        using var list = await api.GetAsync("/api/v1/users", tokens.Access);
        using var get = await api.GetAsync($"/api/v1/users/{id}", tokens.Access);
        using var patch = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", JsonContent.Create(new { can_interact = true }, options: ApiSession.Json), tokens.Access);

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, patch.StatusCode);
        Assert.Equal("application/problem+json", patch.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Admin_finds_users_by_part_of_their_name_ignoring_case()
    {
        using var api = new ApiSession(fixture);
        var (id, username, _) = await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();

        using var found = await api.GetAsync($"/api/v1/users?username={username[4..].ToUpperInvariant()}", admin.Access);
        using var notLetters = await api.GetAsync("/api/v1/users?username=us%25r", admin.Access); // % would be a LIKE wildcard
        using var tooLong = await api.GetAsync($"/api/v1/users?username={new string('u', 65)}", admin.Access);

        var body = await ApiSession.ReadObjectAsync(found);
        Assert.Equal(1, body["total"]!.GetValue<int>());
        Assert.Equal(id, Assert.Single(body["users"]!.AsArray())!["id"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notLetters.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
    }

    [Fact]
    public async Task Admin_lists_users_in_pages_and_grants_upload_rights()
    {
        using var api = new ApiSession(fixture);
        var (id, _, _) = await api.NewUserAsync();
        await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();

        using var page = await api.GetAsync("/api/v1/users?page=1&size=1", admin.Access);
        var body = await ApiSession.ReadObjectAsync(page);
        using var grant = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", JsonContent.Create(new { can_interact = true }, options: ApiSession.Json), admin.Access);
        using var badPage = await api.GetAsync("/api/v1/users?page=0&size=500", admin.Access);
        using var hugePage = await api.GetAsync("/api/v1/users?page=30000000&size=100", admin.Access); // OFFSET would overflow

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Single(body["users"]!.AsArray());
        Assert.True(body["total"]!.GetValue<int>() >= 3);
        Assert.Equal(body["total"]!.GetValue<int>(), body["pages"]!.GetValue<int>());
        Assert.True((await ApiSession.ReadObjectAsync(grant))["can_interact"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badPage.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, hugePage.StatusCode);
    }

    private static async Task<Tokens?> RefreshAsync(ApiSession api, string refreshToken)
    {
        using var response = await api.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = refreshToken });
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return null;
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ApiSession.ReadObjectAsync(response);
        return new Tokens(body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
    }

    private static async Task AssertUnauthorizedAsync(ApiSession api, string? accessToken)
    {
        using var response = await api.GetAsync("/api/v1/users/me", accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
