using System.Net;
using System.Text.RegularExpressions;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Web;

/// <summary>
/// The web app as plain HTTP, the way a script (or an attacker) would post its forms: its own cookies, no redirects
/// followed, and the antiforgery token read from the page as a browser would submit it.
/// </summary>
public sealed partial class WebForms : IDisposable
{
    public WebForms(AppHostFixture fixture)
    {
        using var web = fixture.App.CreateHttpClient(ResourceNames.Web);
        BaseAddress = web.BaseAddress!;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseAddress };
        // A client address of its own (the suite trusts loopback as its proxy), as ApiSession does, so per-address limits never meet.
        Http.DefaultRequestHeaders.Add("X-Forwarded-For", ApiSession.RandomClientAddress());
    }

    public Uri BaseAddress { get; }

    public CookieContainer Cookies { get; } = new();

    public HttpClient Http { get; }

    /// <summary>The antiforgery token of the form on <paramref name="page"/> (which also sets its cookie).</summary>
    public async Task<string> AntiforgeryTokenAsync(string page)
    {
        using var response = await Http.GetAsync(page, ApiSession.Cancellation);
        var html = await response.Content.ReadAsStringAsync(ApiSession.Cancellation);
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, $"no antiforgery token on {page} ({(int)response.StatusCode})");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>Posts a Blazor static form (<paramref name="handler"/> is its FormName) with its antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string handler, params (string Name, string Value)[] fields)
    {
        var token = await AntiforgeryTokenAsync(page);
        List<KeyValuePair<string, string>> body = [new("_handler", handler), new("__RequestVerificationToken", token), .. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))];
        return await Http.PostAsync(page, new FormUrlEncodedContent(body), ApiSession.Cancellation);
    }

    public Task<HttpResponseMessage> SignInAsync(string username, string password) =>
        PostFormAsync("/account/login", "login", ("Input.Username", username), ("Input.Password", password));

    public Task<HttpResponseMessage> SignUpAsync(string username, string password) =>
        PostFormAsync("/account/register", "register", ("Input.Username", username), ("Input.Password", password));

    /// <summary>Signs in and checks that it worked (a redirect away from the form).</summary>
    public async Task SignInOkAsync(string username, string password = ApiSession.GoodPassword)
    {
        using var response = await SignInAsync(username, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public void Dispose() => Http.Dispose();
}
