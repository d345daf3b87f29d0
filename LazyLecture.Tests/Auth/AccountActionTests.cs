using System.Net;
using System.Net.Http.Json;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using LazyLecture.Tests.OpenAi;
using LazyLecture.Tests.Security;
using Xunit;

namespace LazyLecture.Tests.Auth;

/// <summary>Account actions need a password sign-in, and a new password ends the keys of the old one unless asked otherwise.</summary>
public sealed class AccountActionTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task An_api_key_can_neither_change_the_password_nor_log_out_every_session()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        using var change = await api.SendAsync(HttpMethod.Put, "/api/v1/users/me/password",
            JsonContent.Create(new { current_password = ApiSession.GoodPassword, new_password = "Stolen-key-pass1!" }, options: ApiSession.Json), key);
        using var logout = await api.SendAsync(HttpMethod.Post, "/api/v1/auth/logout", null, key);

        await ProblemAssert.IsProblemAsync(change, HttpStatusCode.Forbidden, "a password change with a key");
        await ProblemAssert.IsProblemAsync(logout, HttpStatusCode.Forbidden, "a logout with a key");
        using var session = await api.GetAsync("/api/v1/users/me", tokens.Access);
        Assert.Equal(HttpStatusCode.OK, session.StatusCode); // nothing was ended
        await api.LoginAsync((await ApiSession.ReadObjectAsync(session))["username"]!.GetValue<string>()); // the password is unchanged
    }

    [Fact]
    public async Task A_password_change_revokes_the_accounts_api_keys_unless_it_asks_to_keep_them()
    {
        using var api = new ApiSession(fixture);
        var (_, username, tokens) = await api.NewUserAsync();
        var (_, revokedKey) = await api.CreateApiKeyAsync(tokens.Access, "revoked with the password");

        using (var change = await ChangePasswordAsync(api, tokens.Access, ApiSession.GoodPassword, "Second-horse2!", keepApiKeys: null))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        using (var withOldKey = await api.GetAsync("/api/v1/users/me", revokedKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, withOldKey.StatusCode);
        }

        var again = await api.LoginAsync(username, "Second-horse2!");
        var (_, keptKey) = await api.CreateApiKeyAsync(again.Access, "kept");
        using (var change = await ChangePasswordAsync(api, again.Access, "Second-horse2!", "Third-horse3!", keepApiKeys: true))
        {
            Assert.Equal(HttpStatusCode.NoContent, change.StatusCode);
        }

        using var withKeptKey = await api.GetAsync("/api/v1/users/me", keptKey);
        Assert.Equal(HttpStatusCode.OK, withKeptKey.StatusCode);
    }

    private static Task<HttpResponseMessage> ChangePasswordAsync(ApiSession api, string access, string current, string next, bool? keepApiKeys) =>
        api.SendAsync(HttpMethod.Put, "/api/v1/users/me/password",
            JsonContent.Create(keepApiKeys is { } keep
                ? new Dictionary<string, object> { ["current_password"] = current, ["new_password"] = next, ["keep_api_keys"] = keep }
                : new Dictionary<string, object> { ["current_password"] = current, ["new_password"] = next }), access);
}
