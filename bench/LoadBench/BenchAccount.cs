using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LoadBench;

/// <summary>A user of the benchmark with uploads allowed: its token and the transcriptions it has uploaded so far.</summary>
public sealed class BenchAccount(string username, string accessToken)
{
    public string Username { get; } = username;

    public ConcurrentQueue<int> Transcriptions { get; } = new();

    public HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return request;
    }

    public int? AnyTranscription() => Transcriptions.IsEmpty ? null : Transcriptions.ElementAt(Random.Shared.Next(Transcriptions.Count));

    /// <summary>
    /// Registers <paramref name="count"/> users and lets them upload (the administrator's PATCH). The API allows 30
    /// registrations and logins a minute from one address: past that, this waits as its Retry-After says (setup, untimed).
    /// </summary>
    public static async Task<List<BenchAccount>> CreateAsync(HttpClient http, string adminPassword, int count, CancellationToken cancellationToken)
    {
        var admin = await LoginAsync(http, "admin", adminPassword, cancellationToken);
        var run = Letters(Random.Shared.NextInt64(long.MaxValue));
        List<BenchAccount> accounts = [];
        for (var i = 0; i < count; i++)
        {
            var username = $"load{run}x{Letters(i)}"; // usernames are Latin letters only
            const string password = "Load-bench-1!";
            using var created = await AuthRequestAsync(http, "/api/v1/users", new { username, password }, cancellationToken);
            await UnexpectedResponseException.EnsureAsync(created, cancellationToken);
            var id = (await created.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["id"]!.GetValue<int>();
            using var allow = admin.Request(HttpMethod.Patch, $"/api/v1/users/{id}");
            allow.Content = JsonContent.Create(new { can_interact = true });
            using var allowed = await http.SendAsync(allow, cancellationToken);
            await UnexpectedResponseException.EnsureAsync(allowed, cancellationToken);
            accounts.Add(await LoginAsync(http, username, password, cancellationToken));
        }

        return accounts;
    }

    private static async Task<HttpResponseMessage> AuthRequestAsync(HttpClient http, string path, object body, CancellationToken cancellationToken)
    {
        while (true)
        {
            var response = await http.PostAsJsonAsync(path, body, cancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
            response.Dispose();
            Console.Error.WriteLine($"  setup: the API's limit on logins and registrations per address; waiting {wait.TotalSeconds:0} s");
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static string Letters(long number)
    {
        var letters = new System.Text.StringBuilder();
        do
        {
            letters.Insert(0, (char)('a' + (number % 26)));
            number /= 26;
        }
        while (number > 0);
        return letters.ToString();
    }

    private static async Task<BenchAccount> LoginAsync(HttpClient http, string username, string password, CancellationToken cancellationToken)
    {
        using var response = await AuthRequestAsync(http, "/api/v1/auth/login", new { username, password }, cancellationToken);
        await UnexpectedResponseException.EnsureAsync(response, cancellationToken);
        var token = (await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!["access_token"]!.GetValue<string>();
        return new BenchAccount(username, token);
    }
}
