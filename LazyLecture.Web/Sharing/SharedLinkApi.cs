using System.Net.Http.Json;
using LazyLecture.Web.Api;
using LazyLecture.Web.Sessions;

namespace LazyLecture.Web.Sharing;

/// <summary>
/// The API's share-link routes (<c>/api/v1/shared/{token}/…</c>) for a visitor without an account: the token is the only
/// credential. Each call passes the browser's address on in <c>X-Forwarded-For</c>, as sign-ins do, so the API's
/// per-address limit counts the visitor (where the API trusts this app as a proxy). The clients it uses log no request
/// line, and traces keep <c>/api/v1/shared/{token}</c> instead of the path: the token reaches no log.
/// </summary>
public sealed class SharedLinkApi(IHttpClientFactory clients, IHttpContextAccessor current)
{
    public const string ApiPrefix = "/api/v1/shared";

    /// <summary>Short calls (JSON), with the standard resilience.</summary>
    public const string Client = "api-shared";

    /// <summary>Audio and exports: no total timeout, no retries.</summary>
    public const string StreamingClient = "api-shared-streaming";

    /// <summary>The API's largest page (<c>Paging.MaxSize</c>); a larger one is refused with 422.</summary>
    private const int SegmentPageSize = 100;

    /// <summary>What the link shares; a link that does not exist, expired or was revoked is an <see cref="ApiProblemException"/> with 404.</summary>
    public Task<SharedContent> DescribeAsync(string token, CancellationToken cancellationToken) =>
        GetAsync<SharedContent>(token, "", cancellationToken);

    /// <summary>Every segment of a shared lecture, in order.</summary>
    public async Task<IReadOnlyList<Segment>> SegmentsAsync(string token, int lectureId, CancellationToken cancellationToken)
    {
        var segments = new List<Segment>();
        for (var page = 1; ; page++)
        {
            var list = await GetAsync<SegmentList>(token, $"/lectures/{lectureId}/segments?page={page}&size={SegmentPageSize}", cancellationToken);
            segments.AddRange(list.Segments);
            if (page >= list.Pages)
            {
                return segments;
            }
        }
    }

    public Task<IReadOnlyList<Chapter>> ChaptersAsync(string token, int lectureId, CancellationToken cancellationToken) =>
        GetAsync<IReadOnlyList<Chapter>>(token, $"/lectures/{lectureId}/chapters", cancellationToken);

    public Task<SearchResults> SearchAsync(string token, string query, int page, CancellationToken cancellationToken) =>
        GetAsync<SearchResults>(token, $"/search?q={Uri.EscapeDataString(query)}&page={page}&size=20", cancellationToken);

    /// <summary>Sends a request for a shared lecture's audio or export (<paramref name="pathAndQuery"/> after the token); the caller owns the response.</summary>
    public Task<HttpResponseMessage> SendStreamingAsync(string token, string pathAndQuery, Action<HttpRequestMessage> prepare, CancellationToken cancellationToken)
    {
        var request = Request(token, pathAndQuery);
        prepare(request);
        return SendAndDisposeAsync(clients.CreateClient(StreamingClient), request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private async Task<T> GetAsync<T>(string token, string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await SendAndDisposeAsync(clients.CreateClient(Client), Request(token, pathAndQuery), HttpCompletionOption.ResponseContentRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await ApiProblemException.FromResponseAsync(response, cancellationToken);
        }

        return await response.Content.ReadFromJsonAsync<T>(LectureApi.Json, cancellationToken) ?? throw new InvalidOperationException("The API answered with an empty body.");
    }

    private HttpRequestMessage Request(string token, string pathAndQuery)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{ApiPrefix}/{Uri.EscapeDataString(token)}{pathAndQuery}");
        if (current.HttpContext is { } http)
        {
            request.Headers.Add("X-Forwarded-For", AccountEndpoints.ClientAddressOf(http));
        }

        return request;
    }

    private static async Task<HttpResponseMessage> SendAndDisposeAsync(HttpClient http, HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
    }
}
