using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Security;

/// <summary>What every answer carries and refuses, whatever the route: headers, CORS, size limits, Problem Details for unknown routes.</summary>
public sealed class HttpSecurityTests(AppHostFixture fixture)
{
    public static TheoryData<string, string, string> UnknownRoutes => new()
    {
        { "GET", "/no-such-page", "*/*" },
        { "GET", "/no-such-page", "text/html" },
        { "POST", "/api/v1/nothing-here", "application/json" },
        { "DELETE", "/api/v2/transcriptions/1", "*/*" },
        { "GET", "/api/v1/transcriptions/not-a-number", "*/*" },
        { "GET", "/internal/v1/transcriptions/1/unknown", "*/*" },
    };

    [Theory]
    [MemberData(nameof(UnknownRoutes))]
    public async Task An_unknown_route_answers_404_problem_details(string method, string path, string accept)
    {
        using var api = new ApiSession(fixture);
        var admin = await api.LoginAsAdminAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Accept.ParseAdd(accept);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin.Access);

        using var response = await api.Http.SendAsync(request, ApiSession.Cancellation);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, $"{method} {path} (Accept: {accept})");
    }

    [Fact]
    public async Task A_method_a_route_does_not_take_answers_405_problem_details()
    {
        using var api = new ApiSession(fixture);
        var (_, _, tokens) = await api.NewUserAsync();

        using var response = await api.SendAsync(HttpMethod.Delete, "/api/v1/users/me", null, tokens.Access);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.MethodNotAllowed, "DELETE /api/v1/users/me");
    }

    public static TheoryData<string> Pages => ["/", "/api/v1/users/me", "/no-such-page", "/openapi/v1.json", "/scalar", "/health/live"];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var api = new ApiSession(fixture);

        using var response = await api.GetAsync(path);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_reference_page_still_loads_its_script()
    {
        using var api = new ApiSession(fixture);

        using var page = await api.GetAsync("/scalar");
        var html = await page.Content.ReadAsStringAsync(ApiSession.Cancellation);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        // The page runs its own scripts: its policy may forbid framing only, not scripts (a data answer's default-src 'none').
        Assert.DoesNotContain("default-src", Header(page, "Content-Security-Policy"), StringComparison.Ordinal);
        var script = System.Text.RegularExpressions.Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(script), html);
        using var asset = await api.GetAsync(script.StartsWith('/') || script.StartsWith("http", StringComparison.Ordinal) ? script : "/scalar/" + script);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
    }

    [Fact]
    public async Task No_origin_is_allowed_cross_origin_by_default()
    {
        using var api = new ApiSession(fixture);
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/v1/users/me");
        preflight.Headers.Add("Origin", "https://elsewhere.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var simple = new HttpRequestMessage(HttpMethod.Get, "/");
        simple.Headers.Add("Origin", "https://elsewhere.example");

        using var preflightResponse = await api.Http.SendAsync(preflight, ApiSession.Cancellation);
        using var simpleResponse = await api.Http.SendAsync(simple, ApiSession.Cancellation);

        Assert.Equal(HttpStatusCode.OK, simpleResponse.StatusCode);
        foreach (var response in new[] { preflightResponse, simpleResponse })
        {
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), $"{response.RequestMessage!.Method}: {response.Headers}");
            Assert.False(response.Headers.Contains("Access-Control-Allow-Methods"));
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused_with_413_before_it_is_read()
    {
        using var api = new ApiSession(fixture);
        var huge = "{\"username\": \"" + new string('a', 2 * 1024 * 1024) + "\", \"password\": \"x\"}";

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/login") { Content = new StringContent(huge, Encoding.UTF8, "application/json") };
        request.Headers.ExpectContinue = true; // the answer comes before the body is sent, so the client does not lose it

        using var response = await api.Http.SendAsync(request, ApiSession.Cancellation);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "2 MiB login");
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : throw new Xunit.Sdk.XunitException($"{response.RequestMessage!.RequestUri!.AbsolutePath}: no {name} header");
}
