using System.Globalization;
using System.Text.RegularExpressions;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace LazyLecture.Tests.Web;

/// <summary>What several browser tests do the same way: sign in through the form, allow uploads as the administrator, read the player.</summary>
public static partial class WebSteps
{
    public const string Password = ApiSession.GoodPassword;

    /// <summary>The export links of a transcript: format, the link's spoken description, and how the file begins.</summary>
    public static readonly (string Format, string Description, string Magic)[] Exports =
        [("txt", "plain text", ""), ("docx", "a Word document", "PK"), ("srt", "SRT subtitles", "1"), ("vtt", "WebVTT subtitles", "WEBVTT"), ("json", "JSON", "{")];

    /// <summary>
    /// Blazor's InputFile listens for the file input's change only once its script has run on the element (it then sets
    /// <c>_blazorInputFileNextFileId</c>); a file chosen before that is lost, which a busy machine made happen. Wait for it.
    /// </summary>
    public static Task UploadInputReadyAsync(IPage page) =>
        page.WaitForFunctionAsync("() => document.querySelector('#audiofile')?._blazorInputFileNextFileId !== undefined");

    /// <summary>Chooses <paramref name="path"/> in the upload panel's file input once it is listening.</summary>
    public static async Task ChooseRecordingAsync(IPage page, string path)
    {
        await UploadInputReadyAsync(page);
        await page.SetInputFilesAsync("#audiofile", path);
    }

    public static async Task SignInThroughFormAsync(IPage page, string username, string button)
    {
        await page.GetByLabel("Username").FillAsync(username);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
    }

    /// <summary>A new page of <paramref name="context"/> signed in as <paramref name="username"/> through the form, on transcript <paramref name="id"/>, live.</summary>
    public static async Task<IPage> OpenTranscriptAsync(IBrowserContext context, string username, int id)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await SignInThroughFormAsync(page, username, "Sign in");
        await page.GotoAsync($"/transcriptions/{id}");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        return page;
    }

    /// <summary>A fresh browser signed in as the administrator, on <paramref name="app"/>'s web app.</summary>
    public static async Task<IPage> SignInAsAdministratorAsync(IBrowserContext context, AppHostFixture app)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Username").FillAsync(app.App.GetParameterValue(ResourceNames.AdminUsername));
        await page.GetByLabel("Password").FillAsync(app.App.GetParameterValue(ResourceNames.AdminPassword));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/$"));
        return page;
    }

    /// <summary>The administrator finds <paramref name="username"/> on the administration screen and allows its uploads.</summary>
    public static async Task AllowUploadsAsync(BrowserFixture browser, AppHostFixture app, string username)
    {
        await using var context = await browser.NewContextAsync(app);
        var page = await SignInAsAdministratorAsync(context, app);
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Administration" })).ToBeVisibleAsync(); // only administrators see it
        await page.GotoAsync("/admin/users");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("table.users")).ToBeVisibleAsync();
        // Other tests add users all the time: the new one is found by name, not by paging to a last page that moves.
        await page.GetByLabel("Username contains").FillAsync(username);
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasTextRegex = OneUser() })).ToBeVisibleAsync();
        var row = page.Locator($"tr[data-username='{username}']");
        await Expect(row).ToBeVisibleAsync();

        await row.Locator("input[id^=upload-]").CheckAsync();
        await Expect(row.Locator("label[for^=upload-]")).ToContainTextAsync("Allowed");
        await BrowserFixture.CheckScreenAsync(page, "administration");
    }

    public static Task<double> PlayerTimeAsync(IPage page) =>
        page.EvaluateAsync<double>("() => document.getElementById('player').currentTime");

    /// <summary>The time span a transcript's segment element stands for (its data-start and data-end).</summary>
    public static async Task<(double Start, double End)> SpanOfAsync(ILocator segment) =>
        (double.Parse(await segment.GetAttributeAsync("data-start") ?? "", CultureInfo.InvariantCulture),
         double.Parse(await segment.GetAttributeAsync("data-end") ?? "", CultureInfo.InvariantCulture));

    /// <summary>The player is at a time inside <paramref name="segment"/>, which is highlighted as the one being played.</summary>
    public static async Task AssertPlayingAsync(IPage page, ILocator segment)
    {
        await Expect(segment).ToHaveClassAsync(Playing());
        var (start, end) = await SpanOfAsync(segment);
        Assert.InRange(await PlayerTimeAsync(page), start, end);
    }

    /// <summary>Each export link downloads a file of its format; returns the plain-text one.</summary>
    public static async Task<string> DownloadEveryExportAsync(IPage page)
    {
        var text = "";
        foreach (var (format, description, magic) in Exports)
        {
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = $"download as {description}" }).ClickAsync());
            Assert.EndsWith("." + format, download.SuggestedFilename, StringComparison.Ordinal);
            var saved = await File.ReadAllBytesAsync(await download.PathAsync(), ApiSession.Cancellation);
            var content = System.Text.Encoding.Latin1.GetString(saved);
            Assert.StartsWith(magic, content, StringComparison.Ordinal);
            text = format == "txt" ? System.Text.Encoding.UTF8.GetString(saved) : text;
        }

        return text;
    }

    public static int TranscriptionIdOf(IPage page) =>
        int.Parse(TranscriptUrl().Match(page.Url).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"/transcriptions/(\d+)$")]
    public static partial Regex TranscriptUrl();

    [GeneratedRegex("^1 user$")]
    private static partial Regex OneUser();

    [GeneratedRegex(@"\bplaying\b")]
    public static partial Regex Playing();
}
