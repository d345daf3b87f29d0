using System.Text.RegularExpressions;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace LazyLecture.Tests.Web;

/// <summary>
/// The web app in Chromium against the suite's shared application, whose worker takes no jobs (a queued job stays
/// queued): what needs no transcription. The walkthrough with the real worker is <see cref="WebWalkthroughTests"/>.
/// </summary>
public sealed class WebAppTests(AppHostFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Another_user_sees_none_of_it()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/register");
        await WebSteps.SignInThroughFormAsync(page, ApiSession.NewUsername(), "Sign up");
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByText("No recordings yet.")).ToBeVisibleAsync();
        var foreign = await page.GotoAsync($"/transcriptions/{id}");
        Assert.Equal(404, foreign!.Status);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/media/transcriptions/{id}/audio")).Status);
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/media/transcriptions/{id}/export?format=txt")).Status);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_its_cookie_signs_no_one_in_again()
    {
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.WaitForURLAsync(new Regex("/account/login"));
        await BrowserFixture.CheckScreenAsync(page, "sign-in");
        await page.GotoAsync("/account/register");
        await WebSteps.SignInThroughFormAsync(page, ApiSession.NewUsername(), "Sign up");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var cookies = await context.CookiesAsync();
        Assert.DoesNotContain(cookies, c => c.Value.Contains("eyJ", StringComparison.Ordinal)); // no JWT in any cookie

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/account/login"));
        await using var replay = await browser.NewContextAsync(fixture);
        await replay.AddCookiesAsync([.. cookies.Select(c => new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path })]);
        var again = await replay.NewPageAsync();
        await again.GotoAsync("/");

        await again.WaitForURLAsync(new Regex("/account/login"));
        Assert.Equal(401, (await again.APIRequest.GetAsync("/media/transcriptions/1/audio")).Status);
    }

    [Fact]
    public async Task Uploads_the_API_refuses_are_explained_in_words()
    {
        using var api = new ApiSession(fixture);
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var notAudio = Path.Combine(Path.GetTempPath(), $"notes-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(notAudio, "These are my lecture notes, not a recording.\n", ApiSession.Cancellation);
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign in");
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        try
        {
            await WebSteps.ChooseRecordingAsync(page, notAudio);
            await Expect(page.Locator(".upload .problem")).ToBeVisibleAsync();
            await Expect(page.Locator(".upload .problem")).Not.ToContainTextAsync("The service answered"); // the API's reason, not a status code
            await BrowserFixture.CheckScreenAsync(page, "upload-refused");
            await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
            await WebSteps.ChooseRecordingAsync(page, SharedAssets.Require("audio/jfk.wav"));
            await Expect(page.Locator(".upload .problem")).ToContainTextAsync("Cancel it or wait for it to finish");
            Assert.EndsWith("/", page.Url, StringComparison.Ordinal); // still on the list: nothing was created
        }
        finally
        {
            File.Delete(notAudio);
        }
    }

    [Fact]
    public async Task Every_screen_runs_under_the_content_security_policy()
    {
        using var api = new ApiSession(fixture);
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                violations.Add(message.Text);
            }
        };

        var first = await page.GotoAsync("/account/login");
        Assert.Contains("script-src 'self'", first!.Headers.GetValueOrDefault("content-security-policy") ?? "", StringComparison.Ordinal);
        await page.GotoAsync("/account/register");
        await page.GotoAsync("/account/login");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign in");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator($"a[href='/transcriptions/{id}']")).ToBeVisibleAsync();
        await page.GotoAsync($"/transcriptions/{id}");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("/search");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GotoAsync("/account/password");
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        Assert.True(violations.Count == 0, "CSP violations: " + string.Join(Environment.NewLine, violations));
    }

    [Fact]
    public async Task The_password_screen_asks_whether_to_keep_the_api_keys()
    {
        using var api = new ApiSession(fixture);
        var (_, username, tokens) = await api.NewUserAsync();
        var (_, key) = await OpenAi.ApiKeyClient.CreateApiKeyAsync(api, tokens.Access);
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign in");

        async Task ChangeAsync(string current, string next, bool keepKeys)
        {
            await page.GotoAsync("/account/password");
            await BrowserFixture.WaitUntilInteractiveAsync(page);
            await page.GetByLabel("Current password").FillAsync(current);
            await page.GetByLabel("New password", new() { Exact = true }).FillAsync(next);
            await page.GetByLabel("New password again").FillAsync(next);
            var keep = page.GetByLabel("Keep my API keys");
            await Expect(keep).Not.ToBeCheckedAsync(); // revoking them is the default
            if (keepKeys)
            {
                await keep.CheckAsync();
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your password has been changed");
        }

        await ChangeAsync(WebSteps.Password, "Second-horse2!", keepKeys: true);
        using (var kept = await api.GetAsync("/api/v1/users/me", key))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, kept.StatusCode);
        }

        await page.GotoAsync("/account/login");
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync("Second-horse2!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await ChangeAsync("Second-horse2!", "Third-horse3!", keepKeys: false);
        using var revoked = await api.GetAsync("/api/v1/users/me", key);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, revoked.StatusCode);
    }
}
