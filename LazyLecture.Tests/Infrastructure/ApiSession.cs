using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using LazyLecture.Contracts;
using Xunit;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// An HTTP client of the running API as one client machine: each session claims its own client address (X-Forwarded-For,
/// trusted from loopback, which the suite configures as its proxy: see TestApplication) so per-address rate limits of one test never throttle another.
/// </summary>
public sealed class ApiSession : IDisposable
{
    public static readonly JsonSerializerOptions Json = WireJson.Options;

    /// <param name="baseAddress">One API replica's own address; by default the API endpoint (with several replicas, DCP's proxy spreads requests over them).</param>
    public ApiSession(IApiHost host, string? baseAddress = null)
    {
        Http = baseAddress is null ? host.CreateApiClient() : new HttpClient { BaseAddress = new Uri(baseAddress) };
        ClientAddress = RandomClientAddress();
        Http.DefaultRequestHeaders.Add("X-Forwarded-For", ClientAddress);
        Host = host;
    }

    public HttpClient Http { get; }

    /// <summary>A made-up client address in 10.0.0.0/8, as the suite's trusted proxy would forward it.</summary>
    public static string RandomClientAddress() =>
        $"10.{RandomNumberGenerator.GetInt32(256)}.{RandomNumberGenerator.GetInt32(256)}.{RandomNumberGenerator.GetInt32(1, 255)}";

    public string ClientAddress { get; }

    /// <summary>The API this session talks to.</summary>
    public IApiHost Host { get; }

    /// <summary>The whole application this session talks to (not for a session of the in-process API, which has none).</summary>
    public AppHostFixture Fixture => Host as AppHostFixture
        ?? throw new InvalidOperationException("This session talks to the in-process API, which runs without a whole application: use Host.");

    public static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>A fresh username that satisfies the rules (Latin letters only).</summary>
    public static string NewUsername() =>
        "user" + new string([.. Enumerable.Range(0, 12).Select(_ => (char)('a' + RandomNumberGenerator.GetInt32(26)))]);

    public const string GoodPassword = "Correct-horse1!";

    public Task<HttpResponseMessage> PostJsonAsync(string path, object body, string? accessToken = null) =>
        SendAsync(HttpMethod.Post, path, JsonContent.Create(body, options: Json), accessToken);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null, string? accessToken = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        return Http.SendAsync(request, Cancellation);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? accessToken = null) => SendAsync(HttpMethod.Get, path, null, accessToken);

    public async Task<JsonObject> RegisterAsync(string username, string password = GoodPassword)
    {
        using var response = await PostJsonAsync("/api/v1/users", new { username, password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadObjectAsync(response);
    }

    public async Task<Tokens> LoginAsync(string username, string password = GoodPassword)
    {
        using var response = await PostJsonAsync("/api/v1/auth/login", new { username, password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadObjectAsync(response);
        return new Tokens(body["access_token"]!.GetValue<string>(), body["refresh_token"]!.GetValue<string>());
    }

    /// <summary>A new user, registered and logged in.</summary>
    public async Task<(int Id, string Username, Tokens Tokens)> NewUserAsync()
    {
        var username = NewUsername();
        var user = await RegisterAsync(username);
        return (user["id"]!.GetValue<int>(), username, await LoginAsync(username));
    }

    /// <summary>
    /// The administrator's tokens, logged in once per application and again before the access token could expire (30
    /// minutes; a slow run outlives one): logging in for every test would trip the per-username rate limit.
    /// </summary>
    public async Task<Tokens> LoginAsAdminAsync()
    {
        await AdminLogin.WaitAsync(Cancellation);
        try
        {
            if (!AdminTokens.TryGetValue(Host, out var cached) || DateTimeOffset.UtcNow - cached.At > AdminTokenReuse)
            {
                cached = (await LoginAsync(Host.Parameter(ResourceNames.AdminUsername), Host.Parameter(ResourceNames.AdminPassword)), DateTimeOffset.UtcNow);
                AdminTokens[Host] = cached;
            }

            return cached.Tokens;
        }
        finally
        {
            AdminLogin.Release();
        }
    }

    private static readonly SemaphoreSlim AdminLogin = new(1, 1);
    private static readonly Dictionary<IApiHost, (Tokens Tokens, DateTimeOffset At)> AdminTokens = [];

    private static readonly TimeSpan AdminTokenReuse = TimeSpan.FromMinutes(10);

    public static async Task<JsonObject> ReadObjectAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!.AsObject();

    public void Dispose() => Http.Dispose();
}

public sealed record Tokens(string Access, string Refresh);
