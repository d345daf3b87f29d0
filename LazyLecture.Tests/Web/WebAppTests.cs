using System.Globalization;
using System.Text.RegularExpressions;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Transcriptions;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace LazyLecture.Tests.Web;

/// <summary>
/// The web app in Chromium against the real application. The suite's worker takes no jobs, so the test plays the worker
/// through its endpoints (windows of the running chunk, the saved chunk, completion) and watches each step reach the page
/// live; the worker's own part is proven by <see cref="Worker.LiveWindowTests"/>.
/// </summary>
public sealed partial class WebAppTests(AppHostFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string Password = ApiSession.GoodPassword;

    [Fact]
    public async Task A_new_user_is_allowed_to_upload_then_watches_reads_along_searches_corrects_and_exports()
    {
        using var api = new ApiSession(fixture);
        var username = ApiSession.NewUsername();
        var word = SearchTests.UniqueWord();
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();

        // Sign up: the account exists but may not upload yet.
        await page.GotoAsync("/account/register");
        await BrowserFixture.CheckScreenAsync(page, "sign-up");
        await SignInThroughFormAsync(page, username, "Sign up");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "administrator has not yet allowed" })).ToBeVisibleAsync();
        await BrowserFixture.CheckScreenAsync(page, "waiting-for-approval");

        // The administrator allows uploads on the administration screen.
        await AllowUploadsAsync(username);

        // Upload a real recording.
        await page.ReloadAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await BrowserFixture.CheckScreenAsync(page, "my-transcriptions-empty");
        await page.SetInputFilesAsync("#audiofile", SharedAssets.Require("audio/jfk.wav"));
        await page.WaitForURLAsync(TranscriptUrl());
        var id = int.Parse(TranscriptUrl().Match(page.Url).Groups[1].Value, CultureInfo.InvariantCulture);
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator(".job .state")).ToHaveTextAsync("Queued");

        // The transcript fills in while the job runs: state, then a window of the running chunk, then the saved chunk.
        await api.ReportStateAsync(id, "in_progress");
        await Expect(page.Locator(".job .state")).ToHaveTextAsync("Transcribing");
        await PartialResultTests.ReportPartialAsync(api, id, 0, (0.0, 3.5, "And so my fellow Americans"));
        await Expect(page.Locator(".segment.partial .text")).ToHaveTextAsync("And so my fellow Americans");
        await api.SaveChunkAsync(id, 0, $"And so my fellow Americans ask not what your {word} can do for you ask what you can do for your country",
            (0.0, 3.5, "And so my fellow Americans"), (3.5, 7.5, $"ask not what your {word} can do for you"), (7.5, 11.0, "ask what you can do for your country"));
        var segments = page.Locator("#transcript .segment:not(.partial)");
        await Expect(segments).ToHaveCountAsync(3);
        await Expect(page.Locator(".segment.partial")).ToHaveCountAsync(0);
        await Expect(page.Locator(".job .state")).ToHaveTextAsync("Transcribing"); // the text came before the job completed
        await BrowserFixture.CheckScreenAsync(page, "transcript-live");
        await api.ReportStateAsync(id, "completed");
        await Expect(page.Locator(".job .state")).ToHaveTextAsync("Completed");

        // Read along: a click on a segment's time plays from there and highlights it; so does Enter on the keyboard.
        await segments.Nth(1).Locator("button.time").ClickAsync();
        await Expect(segments.Nth(1)).ToHaveClassAsync(Playing());
        Assert.InRange(await PlayerTimeAsync(page), 3.5, 7.5);
        await segments.Nth(2).Locator("button.time").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(segments.Nth(2)).ToHaveClassAsync(Playing());
        Assert.InRange(await PlayerTimeAsync(page), 7.5, 11.0);
        await BrowserFixture.CheckScreenAsync(page, "transcript");

        // Search a word and land at its time.
        await page.GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Words to find").FillAsync(word);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.Locator(".hits mark")).ToHaveTextAsync(word);
        await BrowserFixture.CheckScreenAsync(page, "search");
        await page.Locator(".hits a").First.ClickAsync();
        await page.WaitForURLAsync(new Regex($"/transcriptions/{id}\\?t=3\\.5$"));
        await Expect(page.Locator("#transcript .segment").Nth(1)).ToHaveClassAsync(Playing());
        Assert.InRange(await PlayerTimeAsync(page), 3.5, 7.5);

        // Correct a segment; the txt export says so.
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit the segment at 0 min 0 s" }).ClickAsync();
        await page.GetByLabel("Corrected text of the segment at 0 min 0 s").FillAsync("And so, my fellow Americans,");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator("#transcript .segment").Nth(0).Locator(".text")).ToHaveTextAsync("And so, my fellow Americans,");
        var txt = await page.APIRequest.GetAsync($"/media/transcriptions/{id}/export?format=txt");
        Assert.Equal(200, txt.Status);
        Assert.Contains("And so, my fellow Americans,", await txt.TextAsync(), StringComparison.Ordinal);

        // Each export downloads.
        foreach (var (format, description, magic) in Exports)
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = $"download as {description}" }).ClickAsync());
            Assert.EndsWith("." + format, download.SuggestedFilename, StringComparison.Ordinal);
            var saved = await File.ReadAllBytesAsync(await download.PathAsync(), ApiSession.Cancellation);
            Assert.StartsWith(magic, System.Text.Encoding.Latin1.GetString(saved), StringComparison.Ordinal);
        }

        // The list shows it; a phone-sized screen works too.
        await page.GotoAsync("/");
        await Expect(page.Locator($"tr[data-id='{id}'] .state")).ToHaveTextAsync("Completed");
        await BrowserFixture.CheckScreenAsync(page, "my-transcriptions");
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync($"/transcriptions/{id}");
        await Expect(segments).ToHaveCountAsync(3);
        await BrowserFixture.CheckScreenAsync(page, "transcript-phone");
    }

    [Fact]
    public async Task Another_user_sees_none_of_it()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/register");
        await SignInThroughFormAsync(page, ApiSession.NewUsername(), "Sign up");
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        await Expect(page.GetByText("No recordings yet.")).ToBeVisibleAsync();
        await page.GotoAsync($"/transcriptions/{id}");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync($"Transcription {id} was not found");
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
        await SignInThroughFormAsync(page, ApiSession.NewUsername(), "Sign up");
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
        await SignInThroughFormAsync(page, username, "Sign in");
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        try
        {
            await page.SetInputFilesAsync("#audiofile", notAudio);
            await Expect(page.Locator(".upload .problem")).ToBeVisibleAsync();
            await Expect(page.Locator(".upload .problem")).Not.ToContainTextAsync("The service answered"); // the API's reason, not a status code
            await BrowserFixture.CheckScreenAsync(page, "upload-refused");
            await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
            await page.SetInputFilesAsync("#audiofile", SharedAssets.Require("audio/jfk.wav"));
            await Expect(page.Locator(".upload .problem")).ToContainTextAsync("Cancel it or wait for it to finish");
            Assert.EndsWith("/", page.Url, StringComparison.Ordinal); // still on the list: nothing was created
        }
        finally
        {
            File.Delete(notAudio);
        }
    }

    private static readonly (string Format, string Description, string Magic)[] Exports =
        [("txt", "plain text", ""), ("docx", "a Word document", "PK"), ("srt", "SRT subtitles", "1"), ("vtt", "WebVTT subtitles", "WEBVTT"), ("json", "JSON", "{")];

    private async Task AllowUploadsAsync(string username)
    {
        await using var context = await browser.NewContextAsync(fixture);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Username").FillAsync(fixture.App.GetParameterValue(ResourceNames.AdminUsername));
        await page.GetByLabel("Password").FillAsync(fixture.App.GetParameterValue(ResourceNames.AdminPassword));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Administration" })).ToBeVisibleAsync(); // only administrators see it
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var row = page.Locator($"tr[data-username='{username}']");
        await Expect(page.Locator("table.users")).ToBeVisibleAsync();
        // Users are listed oldest first: the new one is on the last page.
        while (await row.CountAsync() == 0)
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Next" }).ClickAsync();
            await Expect(page.Locator("table.users")).ToBeVisibleAsync();
        }

        await row.Locator("input[id^=upload-]").CheckAsync();
        await Expect(row.Locator("label[for^=upload-]")).ToContainTextAsync("Allowed");
        await BrowserFixture.CheckScreenAsync(page, "administration");
    }

    private static async Task SignInThroughFormAsync(IPage page, string username, string button)
    {
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
    }

    private static Task<double> PlayerTimeAsync(IPage page) =>
        page.EvaluateAsync<double>("() => document.getElementById('player').currentTime");

    [GeneratedRegex(@"/transcriptions/(\d+)$")]
    private static partial Regex TranscriptUrl();

    [GeneratedRegex(@"\bplaying\b")]
    private static partial Regex Playing();
}
