using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.OpenAi;

public sealed class ApiKeyTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Fact]
    public async Task A_new_key_is_shown_once_and_then_listed_only_by_name_and_prefix()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (id, key) = await api.CreateApiKeyAsync(tokens.Access, "nightly export");

        Assert.StartsWith("llk_", key, StringComparison.Ordinal);
        Assert.True(key.Length >= 40, "a key carries 256 random bits");
        using var list = await api.GetAsync("/api/v1/users/me/api-keys", tokens.Access);
        var keys = JsonNode.Parse(await list.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray();
        var listed = Assert.Single(keys)!.AsObject();
        Assert.Equal(id, listed["id"]!.GetValue<long>());
        Assert.Equal("nightly export", listed["name"]!.GetValue<string>());
        Assert.Equal(key[..12], listed["prefix"]!.GetValue<string>());
        Assert.DoesNotContain(key, listed.ToJsonString(), StringComparison.Ordinal);
        Assert.False(listed.ContainsKey("key"));
    }

    [Fact]
    public async Task A_key_authenticates_on_the_rest_api_as_its_owner()
    {
        using var api = new ApiSession(fixture);
        var (userId, username, tokens) = await api.NewUserAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);

        using var me = await api.GetAsync("/api/v1/users/me", key);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var body = await ApiSession.ReadObjectAsync(me);
        Assert.Equal(userId, body["id"]!.GetValue<int>());
        Assert.Equal(username, body["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_revoked_key_is_refused_with_the_next_request()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (id, key) = await api.CreateApiKeyAsync(tokens.Access);
        using (var before = await api.GetAsync("/api/v1/transcriptions", key))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var revoke = await api.SendAsync(HttpMethod.Delete, $"/api/v1/users/me/api-keys/{id}", null, tokens.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var after = await api.GetAsync("/api/v1/transcriptions", key);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("application/problem+json", after.Content.Headers.ContentType?.MediaType);
        using var list = await api.GetAsync("/api/v1/users/me/api-keys", tokens.Access);
        Assert.Empty(JsonNode.Parse(await list.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray());
    }

    [Fact]
    public async Task Blocking_a_user_stops_their_keys_at_once()
    {
        using var api = new ApiSession(fixture);
        var (userId, _, tokens) = await api.NewUserAsync();
        var (_, key) = await api.CreateApiKeyAsync(tokens.Access);
        var admin = await api.LoginAsAdminAsync();

        using (var block = await api.SendAsync(HttpMethod.Patch, $"/api/v1/users/{userId}", JsonContent.Create(new { active = false }, options: ApiSession.Json), admin.Access))
        {
            Assert.Equal(HttpStatusCode.OK, block.StatusCode);
        }

        using var refused = await api.GetAsync("/api/v1/users/me", key);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task An_administrator_revokes_anyones_key_and_a_user_cannot_touch_someone_elses()
    {
        using var api = new ApiSession(fixture);
        var (ownerId, _, owner) = await api.NewUserAsync();
        var (_, _, stranger) = await api.NewUserAsync();
        var (id, key) = await api.CreateApiKeyAsync(owner.Access);

        using (var foreign = await api.SendAsync(HttpMethod.Delete, $"/api/v1/users/me/api-keys/{id}", null, stranger.Access))
        {
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        }

        using (var notAdmin = await api.SendAsync(HttpMethod.Delete, $"/api/v1/users/{ownerId}/api-keys/{id}", null, stranger.Access))
        {
            Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        }

        using (var stillWorks = await api.GetAsync("/api/v1/users/me", key))
        {
            Assert.Equal(HttpStatusCode.OK, stillWorks.StatusCode);
        }

        var admin = await api.LoginAsAdminAsync();
        using (var listed = await api.GetAsync($"/api/v1/users/{ownerId}/api-keys", admin.Access))
        {
            Assert.Equal(id, Assert.Single(JsonNode.Parse(await listed.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray())!["id"]!.GetValue<long>());
        }

        using (var revoke = await api.SendAsync(HttpMethod.Delete, $"/api/v1/users/{ownerId}/api-keys/{id}", null, admin.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        using var refused = await api.GetAsync("/api/v1/users/me", key);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task A_key_cannot_create_or_revoke_keys()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();
        var (id, key) = await api.CreateApiKeyAsync(tokens.Access);

        using var create = await api.PostJsonAsync("/api/v1/users/me/api-keys", new { name = "another" }, key);
        using var revoke = await api.SendAsync(HttpMethod.Delete, $"/api/v1/users/me/api-keys/{id}", null, key);

        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        using var list = await api.GetAsync("/api/v1/users/me/api-keys", tokens.Access);
        Assert.Single(JsonNode.Parse(await list.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray());
    }

    [Fact]
    public async Task A_key_without_a_name_is_refused_with_422()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();

        using var response = await api.PostJsonAsync("/api/v1/users/me/api-keys", new { name = "  " }, tokens.Access);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.NotNull((await ApiSession.ReadObjectAsync(response))["errors"]!["name"]);
    }

    [Fact]
    public async Task A_key_follows_a_transcription_live_until_it_is_revoked()
    {
        using var api = new ApiSession(fixture);
        var (_, tokens) = await api.NewUploaderAsync();
        var (keyId, key) = await api.CreateApiKeyAsync(tokens.Access);
        var id = await api.UploadOkAsync(key, TranscriptionClient.Jfk);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/events");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ApiSession.Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var events = new ServerSentEventReader(await response.Content.ReadAsStreamAsync(ApiSession.Cancellation));
        using var soon = CancellationTokenSource.CreateLinkedTokenSource(ApiSession.Cancellation);
        soon.CancelAfter(TimeSpan.FromSeconds(30));
        Assert.Equal("state", (await events.ReadAsync(soon.Token))!.Name);

        using (var revoke = await api.SendAsync(HttpMethod.Delete, $"/api/v1/users/me/api-keys/{keyId}", null, tokens.Access))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        var next = await events.ReadAsync(soon.Token); // noticed at the stream's next check, within 5 s
        Assert.Equal("unauthorized", next!.Name);
        Assert.Null(await events.ReadAsync(soon.Token));
    }

    [Fact]
    public async Task Failed_key_attempts_from_one_address_are_limited_with_429_and_retry_after()
    {
        using var api = new ApiSession(fixture);
        HttpResponseMessage? limited = null;
        for (var attempt = 0; attempt < 40 && limited is null; attempt++)
        {
            var response = await api.GetAsync("/api/v1/users/me", "llk_" + ApiSession.NewUsername() + "guessedkeyguessedkeyguessedkey");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
        limited.Dispose();

        // Another address is not affected.
        using var other = new ApiSession(fixture);
        using var unaffected = await other.GetAsync("/api/v1/users/me", "llk_unknownunknownunknownunknownunknown");
        Assert.Equal(HttpStatusCode.Unauthorized, unaffected.StatusCode);
    }
}
