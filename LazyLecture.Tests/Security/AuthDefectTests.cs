using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>Defects and decisions of issue 15 about logins, tokens and roles; each test failed before its fix.</summary>
public sealed class AuthDefectTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    public static TheoryData<string, string> LoginRoutes => new()
    {
        { "/api/v1/auth/login", "json" },
        { "/api/v1/auth/login", "form" },
        { "/auth/login", "json" },
        { "/auth/login", "form" },
    };

    [Theory]
    [MemberData(nameof(LoginRoutes))]
    public async Task A_nul_character_in_a_login_username_gets_400(string path, string encoding)
    {
        using var api = new ApiSession(fixture);
        const string username = "admin\0x";
        HttpContent body = encoding == "json"
            ? JsonContent.Create(new { username, password = ApiSession.GoodPassword }, options: ApiSession.Json)
            : new FormUrlEncodedContent([new("grant_type", "password"), new("username", username), new("password", ApiSession.GoodPassword)]);

        using var response = await api.SendAsync(HttpMethod.Post, path, body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, $"{encoding} login on {path}");
    }

    public static TheoryData<string> UnknownRoles => ["123", "-1", "\"123\"", "\"superuser\"", "null"];

    [Theory]
    [MemberData(nameof(UnknownRoles))]
    public async Task An_administrator_cannot_give_a_role_that_does_not_exist(string role)
    {
        using var api = new ApiSession(fixture);
        var (id, _, _) = await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();

        using var response = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{id}", new StringContent($"{{\"role\": {role}}}", Encoding.UTF8, "application/json"), admin.Access);

        if (role == "null")
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // absent or null: the role stays as it is
        }
        else
        {
            var status = response.StatusCode;
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity, $"role {role}: {(int)status}");
            await ProblemAssert.IsProblemAsync(response, status, $"role {role}");
        }

        using var user = await api.GetAsync($"/api/v1/users/{id}", admin.Access);
        Assert.Equal("user", (await ApiSession.ReadObjectAsync(user))["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task Token_responses_are_never_cached()
    {
        using var api = new ApiSession(fixture);
        var (_, username, tokens) = await api.NewUserAsync();

        using var login = await api.PostJsonAsync("/api/v1/auth/login", new { username, password = ApiSession.GoodPassword });
        using var refresh = await api.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = tokens.Refresh });
        using var compatLogin = await api.PostJsonAsync("/auth/login", new { username, password = ApiSession.GoodPassword });
        var compatRefreshToken = (await ApiSession.ReadObjectAsync(compatLogin))["refresh_token"]!.GetValue<string>();
        using var compatRefresh = await api.PostJsonAsync("/auth/refresh", new { refresh_token = compatRefreshToken });

        foreach (var (response, what) in new[] { (login, "login"), (refresh, "refresh"), (compatLogin, "compat login"), (compatRefresh, "compat refresh") })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
        }
    }

    [Fact]
    public async Task An_access_token_is_refused_as_soon_as_it_expires()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var key = Encoding.UTF8.GetBytes(fixture.Parameter(ResourceNames.JwtSigningKey));
        var parts = tokens.Access.Split('.');
        var header = JsonNode.Parse(JwtMinter.Decode(parts[0]))!.AsObject();
        var payload = JsonNode.Parse(JwtMinter.Decode(parts[1]))!.AsObject();
        // Expired three seconds ago: well inside the 30 s of clock skew the API used to grant.
        payload["exp"] = JwtMinter.UnixTime(DateTimeOffset.UtcNow.AddSeconds(-3));
        payload["nbf"] = JwtMinter.UnixTime(DateTimeOffset.UtcNow.AddMinutes(-30));
        payload["iat"] = JwtMinter.UnixTime(DateTimeOffset.UtcNow.AddMinutes(-30));

        using var response = await api.GetAsync("/api/v1/users/me", JwtMinter.Mint(header, payload, key));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized, "expired token");
    }

    [Fact]
    public async Task A_replayed_refresh_token_also_ends_the_access_tokens_of_its_family()
    {
        using var api = new ApiSession(fixture);
        var (_, _, first) = await api.NewUserAsync();
        using var rotation = await api.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = first.Refresh });
        Assert.Equal(HttpStatusCode.OK, rotation.StatusCode);
        var rotatedAccess = (await ApiSession.ReadObjectAsync(rotation))["access_token"]!.GetValue<string>();

        using var replay = await api.PostJsonAsync("/api/v1/auth/refresh", new { refresh_token = first.Refresh });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);

        using var withFirst = await api.GetAsync("/api/v1/users/me", first.Access);
        using var withRotated = await api.GetAsync("/api/v1/users/me", rotatedAccess);
        await ProblemAssert.IsProblemAsync(withFirst, HttpStatusCode.Unauthorized, "the family's first access token");
        await ProblemAssert.IsProblemAsync(withRotated, HttpStatusCode.Unauthorized, "the family's rotated access token");
    }

    [Fact]
    public async Task Failed_logins_sent_by_a_stranger_do_not_lock_the_owner_out()
    {
        using var owner = new ApiSession(fixture);
        using var stranger = new ApiSession(fixture);
        var (_, username, _) = await owner.NewUserAsync();

        HttpStatusCode last = default;
        for (var attempt = 0; attempt < 12 && last != HttpStatusCode.TooManyRequests; attempt++)
        {
            using var guess = await stranger.PostJsonAsync("/api/v1/auth/login", new { username, password = "Wrong-password1!" });
            last = guess.StatusCode;
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last); // the stranger's own address is slowed down
        using var login = await owner.PostJsonAsync("/api/v1/auth/login", new { username, password = ApiSession.GoodPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }
}
