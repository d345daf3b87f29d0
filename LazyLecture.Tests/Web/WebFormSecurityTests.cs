using System.Net;
using System.Security.Cryptography;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Web;

/// <summary>The web app's pages and forms over plain HTTP: what they write back, the headers they carry, the hosts they answer.</summary>
public sealed class WebFormSecurityTests(AppHostFixture fixture)
{
    /// <summary>A password no page could contain by chance.</summary>
    private static string DistinctivePassword() => $"Echo-{RandomNumberGenerator.GetHexString(12)}7!";

    public static TheoryData<string> PasswordOutcomes =>
    [
        "sign-in with a wrong password", "sign-in that succeeds", "sign-in without a username",
        "sign-up with an invalid username", "sign-up with a weak password", "sign-up that succeeds",
    ];

    [Theory]
    [MemberData(nameof(PasswordOutcomes))]
    public async Task A_submitted_password_is_never_rendered_back(string outcome)
    {
        using var api = new ApiSession(fixture);
        using var web = new WebForms(fixture);
        var password = DistinctivePassword();
        string existing = "";
        if (outcome == "sign-in that succeeds")
        {
            existing = ApiSession.NewUsername();
            await api.RegisterAsync(existing, password);
        }

        if (outcome == "sign-up with a weak password")
        {
            password = "weak" + RandomNumberGenerator.GetHexString(12).ToLowerInvariant();
        }

        using var response = outcome switch
        {
            "sign-in with a wrong password" => await web.SignInAsync((await api.NewUserAsync()).Username, password),
            "sign-in that succeeds" => await web.SignInAsync(existing, password),
            "sign-in without a username" => await web.SignInAsync("", password),
            "sign-up with an invalid username" => await web.SignUpAsync("no digits 1 allowed", password),
            "sign-up with a weak password" => await web.SignUpAsync(ApiSession.NewUsername(), password),
            _ => await web.SignUpAsync(ApiSession.NewUsername(), password),
        };
        var body = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);

        Assert.True((int)response.StatusCode is 200 or 302, $"{outcome}: {(int)response.StatusCode}");
        Assert.DoesNotContain(password, body, StringComparison.Ordinal);
        Assert.DoesNotContain("value=", PasswordInputOf(body), StringComparison.Ordinal);
    }

    /// <summary>The password input element of a page, or empty when it has none (a redirect's body).</summary>
    private static string PasswordInputOf(string html)
    {
        var at = html.IndexOf("type=\"password\"", StringComparison.Ordinal);
        if (at < 0)
        {
            return "";
        }

        var start = html.LastIndexOf('<', at);
        return html[start..(html.IndexOf('>', at) + 1)];
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/account/login")]
    [InlineData("/transcriptions/1")]
    [InlineData("/no-such-page")]
    public async Task Every_answer_carries_the_security_headers_redirects_included(string path)
    {
        using var web = new WebForms(fixture);

        using var response = await web.Http.GetAsync(path, ApiSession.Cancellation);

        Assert.Equal("nosniff", string.Join(",", response.Headers.GetValues("X-Content-Type-Options")));
        Assert.True(response.Headers.TryGetValues("Referrer-Policy", out var referrer), $"{path}: no Referrer-Policy");
        Assert.Equal("no-referrer", string.Join(",", referrer));
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"{path}: no Content-Security-Policy");
        var policy = string.Join(",", csp);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            // A page may load only the web app's own scripts (a redirect's or error's empty body may load nothing at all).
            Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_request_for_another_host_is_refused_by_the_web_app_and_the_api()
    {
        using var web = new WebForms(fixture);
        using var api = new ApiSession(fixture);
        using var toWeb = new HttpRequestMessage(HttpMethod.Get, "/");
        toWeb.Headers.Host = "evil.example";
        using var toApi = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me");
        toApi.Headers.Host = "evil.example";

        using var webAnswer = await web.Http.SendAsync(toWeb, ApiSession.Cancellation);
        using var apiAnswer = await api.Http.SendAsync(toApi, ApiSession.Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, webAnswer.StatusCode);
        Assert.Null(webAnswer.Headers.Location);
        Assert.Equal(HttpStatusCode.BadRequest, apiAnswer.StatusCode);
    }

    [Fact]
    public async Task The_session_cookie_is_secure_when_the_request_came_over_https()
    {
        using var api = new ApiSession(fixture);
        var (_, username, _) = await api.NewUserAsync();
        using var web = new WebForms(fixture);
        // The suite's proxy (loopback, configured as trusted) says the browser's request came over HTTPS.
        web.Http.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        using var response = await web.SignInAsync(username, ApiSession.GoodPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("lazylecture.session=", StringComparison.Ordinal));
        Assert.Contains("; secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("; httponly", session, StringComparison.OrdinalIgnoreCase);
    }
}
