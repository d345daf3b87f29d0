using System.Net;
using System.Net.Http.Json;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Auth;

/// <summary>The original service's /auth routes answer with its shapes (see the original's API.md).</summary>
public sealed class AuthCompatibilityTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    private static readonly string[] TokenFields = ["access_token", "refresh_token", "token_type"];
    private static readonly string[] UserFields = ["id", "username", "active", "can_interact", "role", "create_date", "update_date"];

    [Fact]
    public async Task Register_login_refresh_and_info_return_the_original_shapes()
    {
        using var api = new ApiSession(fixture);
        var username = ApiSession.NewUsername();

        using var register = await api.PostJsonAsync("/auth/register", new { username, password = ApiSession.GoodPassword });
        var user = await ApiSession.ReadObjectAsync(register);
        using var login = await api.PostJsonAsync("/auth/login", new { username, password = ApiSession.GoodPassword });
        var token = await ApiSession.ReadObjectAsync(login);
        using var refresh = await api.PostJsonAsync("/auth/refresh", new { refresh_token = token["refresh_token"]!.GetValue<string>() });
        var refreshed = await ApiSession.ReadObjectAsync(refresh);
        using var info = await api.GetAsync("/auth/info", refreshed["access_token"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        Assert.Equal(UserFields, user.Select(p => p.Key));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(TokenFields, token.Select(p => p.Key));
        Assert.Equal("bearer", token["token_type"]!.GetValue<string>());
        Assert.Equal(TokenFields, refreshed.Select(p => p.Key));
        Assert.Equal(HttpStatusCode.OK, info.StatusCode);
        Assert.Equal(UserFields, (await ApiSession.ReadObjectAsync(info)).Select(p => p.Key));
    }

    [Fact]
    public async Task Patch_needs_an_admin_bearer_token_instead_of_a_secret_in_the_query()
    {
        using var api = new ApiSession(fixture);
        var (id, _, tokens) = await api.NewUserAsync();
        var admin = await api.LoginAsAdminAsync();
        var body = JsonContent.Create(new { can_interact = true }, options: ApiSession.Json);

        using var anonymous = await api.SendAsync(HttpMethod.Patch, $"/auth/patch?user_id={id}&secret_admin_token=guess", body);
        using var asUser = await api.SendAsync(HttpMethod.Patch, $"/auth/patch?user_id={id}", JsonContent.Create(new { can_interact = true }, options: ApiSession.Json), tokens.Access);
        using var asAdmin = await api.SendAsync(HttpMethod.Patch, $"/auth/patch?user_id={id}", JsonContent.Create(new { can_interact = true }, options: ApiSession.Json), admin.Access);
        var patched = await ApiSession.ReadObjectAsync(asAdmin);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asUser.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asAdmin.StatusCode);
        Assert.Equal(UserFields, patched.Select(p => p.Key));
        Assert.True(patched["can_interact"]!.GetValue<bool>());
    }
}
