using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Live;
using LazyLecture.Web.Sessions;

namespace LazyLecture.Web.Api;

/// <summary>
/// The LazyLecture REST API as the signed-in user: every call carries the session's access token, renewed with the refresh
/// token shortly before it expires or when the API answers 401. Errors come back as <see cref="ApiProblemException"/>
/// (the API's words) or <see cref="SessionEndedException"/> once the session can no longer be renewed.
/// </summary>
public sealed partial class LectureApi(IHttpClientFactory clients, SessionContext current, TokenSessionStore sessions)
{
    /// <summary>Short calls, with the standard resilience (retries of idempotent requests, timeouts).</summary>
    public const string Client = "api";

    /// <summary>Uploads, event streams and audio: long-running, so no total timeout and no retries.</summary>
    public const string StreamingClient = "api-streaming";

    public static readonly JsonSerializerOptions Json = WireJson.Options;

    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    // Accounts (no session yet)

    public static async Task<TokenPair> LoginAsync(HttpClient api, string username, string password, string clientAddress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = JsonContent.Create(new { username, password }, options: Json) };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        using var response = await api.SendAsync(request, cancellationToken);
        return await ReadAsync<TokenPair>(response, cancellationToken);
    }

    public static async Task RegisterAsync(HttpClient api, string username, string password, string clientAddress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/users") { Content = JsonContent.Create(new { username, password }, options: Json) };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        using var response = await api.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Who a fresh access token belongs to (at sign-in, before there is a session).</summary>
    public static async Task<UserInfo> WhoAsync(HttpClient api, string accessToken, string clientAddress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        request.Headers.Add("X-Forwarded-For", clientAddress);
        using var response = await api.SendAsync(request, cancellationToken);
        return await ReadAsync<UserInfo>(response, cancellationToken);
    }

    // The signed-in user

    public Task<UserInfo> MeAsync(CancellationToken cancellationToken) => GetAsync<UserInfo>("/api/v1/users/me", cancellationToken);

    /// <param name="keepApiKeys">False revokes the account's API keys with the old password (the API's default).</param>
    public async Task ChangePasswordAsync(string currentPassword, string newPassword, bool keepApiKeys, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Put, "/api/v1/users/me/password") { Content = JsonContent.Create(new { currentPassword, newPassword, keepApiKeys }, options: Json) }, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    /// <summary>Revokes every token of the user at the API (signing out everywhere, as the API defines it).</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Post, "/api/v1/auth/logout"), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    // Transcriptions

    /// <param name="courseId">Only the lectures of this course; null: all.</param>
    public Task<TranscriptionList> ListAsync(int page, int size, CancellationToken cancellationToken, int? courseId = null) =>
        GetAsync<TranscriptionList>($"/api/v1/transcriptions?page={page}&size={size}{CourseFilter(courseId)}", cancellationToken);

    public Task<TranscriptionInfo> GetAsync(int id, CancellationToken cancellationToken) =>
        GetAsync<TranscriptionInfo>($"/api/v1/transcriptions/{id}", cancellationToken);

    /// <summary>Uploads a recording as it is read (never whole in memory); <paramref name="sent"/> gets the bytes sent so far.</summary>
    /// <param name="speechOnly">True: voice activity detection (only the speech is transcribed, chunks end in pauses); false: the whole recording.</param>
    /// <param name="courseId">The course the lecture is filed in from the start; null: unfiled.</param>
    public async Task<TranscriptionInfo> UploadAsync(Stream content, string fileName, string contentType, IProgress<long> sent, CancellationToken cancellationToken, bool speechOnly = true, int? courseId = null)
    {
        using var response = await SendAsync(() =>
        {
            var file = new StreamContent(new CountingStream(content, sent));
            file.Headers.ContentType = MediaTypeHeaderValue.TryParse(contentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
            var query = (speechOnly ? "" : "&voice_activity_detection=false") + CourseFilter(courseId);
            return new(HttpMethod.Post, "/api/v1/transcriptions" + (query.Length > 0 ? "?" + query[1..] : "")) { Content = new MultipartFormDataContent { { file, "audiofile", fileName } } };
        }, cancellationToken, streaming: true, retryOnUnauthorized: false);
        return await ReadAsync<TranscriptionInfo>(response, cancellationToken);
    }

    public async Task CancelAsync(int id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Post, $"/api/v1/transcriptions/{id}/cancel"), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Delete, $"/api/v1/transcriptions/{id}"), cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    public async Task<Segment> CorrectAsync(int id, int position, string text, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/segments/{position}") { Content = JsonContent.Create(new { text }, options: Json) }, cancellationToken);
        return await ReadAsync<Segment>(response, cancellationToken);
    }

    /// <summary>Confirms the segment as heard (<paramref name="confirmed"/>), or withdraws that; a corrected segment stays corrected.</summary>
    public async Task<Segment> ConfirmAsync(int id, int position, bool confirmed, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(confirmed ? HttpMethod.Put : HttpMethod.Delete, $"/api/v1/transcriptions/{id}/segments/{position}/confirmation"), cancellationToken);
        return await ReadAsync<Segment>(response, cancellationToken);
    }

    public Task<IReadOnlyList<Chapter>> ChaptersAsync(int id, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<Chapter>>($"/api/v1/transcriptions/{id}/chapters", cancellationToken);

    /// <summary>The srt/vtt cues that break a caption rule; <paramref name="options"/> is the query string of caption options ("&amp;max_cps=20…").</summary>
    public Task<CaptionCheck> CheckCaptionsAsync(int id, string options, CancellationToken cancellationToken) =>
        GetAsync<CaptionCheck>($"/api/v1/transcriptions/{id}/captions/check?{options.TrimStart('&')}", cancellationToken);

    public Task<SearchResults> SearchAsync(string query, int page, CancellationToken cancellationToken, int? courseId = null) =>
        GetAsync<SearchResults>($"/api/v1/transcriptions/search?q={Uri.EscapeDataString(query)}&page={page}&size=20{CourseFilter(courseId)}", cancellationToken);

    /// <summary>
    /// Follows a transcription's event stream: the saved chunks, the running chunk's partial result and state changes, until
    /// the job finishes. When the access token expires the API ends the stream; it is renewed and the stream resumed after
    /// the last chunk received.
    /// </summary>
    public async IAsyncEnumerable<LiveEvent> FollowAsync(int id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? lastChunk = null;
        while (true)
        {
            var reconnect = false;
            using var response = await SendAsync(() =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/transcriptions/{id}/events");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(ServerSentEventReader.ContentType));
                if (lastChunk is not null)
                {
                    request.Headers.Add("Last-Event-ID", lastChunk);
                }

                return request;
            }, cancellationToken, streaming: true);
            await EnsureSuccessAsync(response, cancellationToken);
            await foreach (var live in LiveEvent.ReadAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken))
            {
                if (live.Name == LiveEvent.Unauthorized)
                {
                    await RenewAsync(await current.RequireAsync(), cancellationToken);
                    reconnect = true;
                    break;
                }

                lastChunk = live.Id ?? lastChunk;
                yield return live;
            }

            if (!reconnect)
            {
                yield break;
            }
        }
    }

    // Administration

    /// <summary>A page of users; with <paramref name="username"/>, only those whose name contains it.</summary>
    public Task<UserList> UsersAsync(int page, string? username, CancellationToken cancellationToken) =>
        GetAsync<UserList>($"/api/v1/users?page={page}&size=50" + (string.IsNullOrWhiteSpace(username) ? "" : "&username=" + Uri.EscapeDataString(username.Trim())), cancellationToken);

    public async Task UpdateUserAsync(int id, object change, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Patch, $"/api/v1/users/{id}") { Content = JsonContent.Create(change, change.GetType(), options: Json) }, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
    }

    // Plumbing

    /// <summary>
    /// Sends as the current user; a 401 renews the tokens once and sends again (a request is made anew each time, its
    /// content cannot be sent twice). Callers own the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> makeRequest, CancellationToken cancellationToken, bool streaming = false, bool retryOnUnauthorized = true)
    {
        var session = await current.RequireAsync();
        var http = clients.CreateClient(streaming ? StreamingClient : Client);
        var tokens = session.AccessExpiresAt - DateTimeOffset.UtcNow < RenewBefore ? await RenewAsync(session, cancellationToken) : session.Tokens;
        var response = await SendWithAsync(http, makeRequest, session, tokens, streaming, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !retryOnUnauthorized)
        {
            return response.StatusCode == HttpStatusCode.Unauthorized ? throw End(session) : response;
        }

        response.Dispose();
        tokens = await RenewAsync(session, cancellationToken, tokens.AccessToken);
        response = await SendWithAsync(http, makeRequest, session, tokens, streaming, cancellationToken);
        return response.StatusCode == HttpStatusCode.Unauthorized ? throw End(session) : response;
    }

    private static async Task<HttpResponseMessage> SendWithAsync(HttpClient http, Func<HttpRequestMessage> makeRequest, TokenSession session, TokenPair tokens, bool streaming, CancellationToken cancellationToken)
    {
        using var request = makeRequest();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);
        request.Headers.Add("X-Forwarded-For", session.ClientAddress);
        return await http.SendAsync(request, streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, cancellationToken);
    }

    private async Task<TokenPair> RenewAsync(TokenSession session, CancellationToken cancellationToken, string? stale = null) =>
        await session.RefreshAsync(stale ?? session.Tokens.AccessToken, async refreshToken =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/refresh") { Content = JsonContent.Create(new { refreshToken }, options: Json) };
            request.Headers.Add("X-Forwarded-For", session.ClientAddress);
            using var response = await clients.CreateClient(Client).SendAsync(request, cancellationToken);
            return response.StatusCode == HttpStatusCode.Unauthorized ? throw End(session) : await ReadAsync<TokenPair>(response, cancellationToken);
        }, cancellationToken);

    /// <summary>The API no longer accepts this session's tokens: forget them.</summary>
    private SessionEndedException End(TokenSession session)
    {
        sessions.Remove(session.Id);
        return new SessionEndedException();
    }

    private async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new(HttpMethod.Get, path), cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) ?? throw new InvalidOperationException("The API answered with an empty body.");
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiProblemException.FromResponseAsync(response, cancellationToken);
        }
    }
}
