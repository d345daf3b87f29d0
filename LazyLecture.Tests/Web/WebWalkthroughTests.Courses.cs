using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LazyLecture.Contracts;
using LazyLecture.Tests.Courses;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace LazyLecture.Tests.Web;

/// <summary>
/// Courses and share links in the web app, on the same application as the rest of the walkthrough (the real worker):
/// a lecturer's course with its glossary, the share dialog, and the shared view a student opens without an account.
/// </summary>
public sealed partial class WebWalkthroughTests
{
    [Fact]
    public async Task A_lecturer_makes_a_course_with_a_glossary_uploads_two_lectures_shares_it_and_a_signed_out_browser_plays_and_searches_both_until_revoked()
    {
        using var api = new ApiSession(App);
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var weeks = new[] { Recording("week-1.wav"), Recording("week-2.wav") };
        await using var context = await browser.NewContextAsync(App);
        await context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign in");

        // Make the course, then its glossary, pasted as a list.
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Courses" })).ToBeVisibleAsync();
        await page.GotoAsync("/courses");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Name").FillAsync("Linear Algebra");
        await page.GetByLabel("Code").FillAsync("MATH 221");
        await page.GetByLabel("Term").FillAsync("Fall 2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create a course" }).ClickAsync();
        await page.WaitForURLAsync(CoursePageUrl());
        var courseId = int.Parse(CoursePageUrl().Match(page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("MATH 221 Linear Algebra (Fall 2026)");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Terms of the course").FillAsync("eigenvalue, Gram-Schmidt; Hermitian\neigenvalue");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the glossary" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved: 3 terms." })).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Terms of the course")).ToHaveValueAsync("eigenvalue\nGram-Schmidt\nHermitian");

        // Upload two lectures into it from its page; the real worker transcribes both, in upload order on the page. One
        // job per user is active at a time (the original's rule: a second upload meanwhile is a 409), so each is
        // transcribed before the next is uploaded.
        var rows = page.Locator("table.course-lectures tbody tr");
        for (var n = 0; n < weeks.Length; n++)
        {
            await WebSteps.ChooseRecordingAsync(page, await weeks[n]);
            await Expect(rows).ToHaveCountAsync(n + 1, new() { Timeout = (float)JobPatience.TotalMilliseconds });
            await Expect(rows.Nth(n).Locator(".state")).ToHaveTextAsync("Completed", new() { Timeout = (float)JobPatience.TotalMilliseconds });
        }

        await Expect(rows.Locator(".state").Filter(new() { HasText = "Completed" })).ToHaveCountAsync(2, new() { Timeout = (float)JobPatience.TotalMilliseconds });
        await Expect(rows.Nth(0).Locator("th a")).ToHaveTextAsync("week-1.wav");
        await Expect(rows.Nth(1).Locator("th a")).ToHaveTextAsync("week-2.wav");
        var lectures = new int[2];
        for (var n = 0; n < 2; n++)
        {
            lectures[n] = int.Parse(await rows.Nth(n).GetAttributeAsync("data-id") ?? "", System.Globalization.CultureInfo.InvariantCulture);
        }

        var course = await api.GetCourseAsync(tokens.Access, courseId);
        Assert.Equal(["eigenvalue", "Gram-Schmidt", "Hermitian"], course["glossary"]!.AsArray().Select(t => t!.GetValue<string>()));
        await BrowserFixture.CheckScreenAsync(page, "course");

        // Share the course: the new link is shown once, with a copy button that puts it on the clipboard.
        var link = await CreateShareLinkAsync(page, "Share this course");
        Assert.Matches(SharedLinkUrl(), link);
        var token = SharedLinkUrl().Match(link).Groups[1].Value;
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy link" }).ClickAsync();
        await Expect(page.GetByText("Copied to the clipboard.")).ToBeVisibleAsync();
        Assert.Equal(link, await page.EvaluateAsync<string>("() => navigator.clipboard.readText()"));
        await Expect(page.Locator("table.share-links tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("table.share-links .link-state")).ToHaveTextAsync("Active");
        await BrowserFixture.CheckScreenAsync(page, "share-dialog");

        // A signed-out browser opens the link: the course and both lectures, without an account.
        await using var student = await browser.NewContextAsync(App);
        var shared = await student.NewPageAsync();
        var opened = await shared.GotoAsync(link);
        Assert.Equal(200, opened!.Status);
        Assert.Equal("noindex, nofollow", await opened.HeaderValueAsync("X-Robots-Tag"));
        await Expect(shared.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("MATH 221 Linear Algebra (Fall 2026)");
        var lectureLinks = shared.GetByRole(AriaRole.Navigation, new() { Name = "Lectures" }).GetByRole(AriaRole.Link);
        await Expect(lectureLinks).ToHaveTextAsync(["week-1.wav", "week-2.wav"]);
        await BrowserFixture.CheckScreenAsync(shared, "shared-course");

        // Search: the spoken word is found in both lectures; a hit opens its lecture at its time.
        await shared.GetByLabel("Search this course").FillAsync(SpokenWord);
        await shared.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        var hits = shared.Locator(".hits li a");
        await Expect(hits.Filter(new() { HasText = "week-1.wav" }).First).ToBeVisibleAsync();
        await Expect(hits.Filter(new() { HasText = "week-2.wav" }).First).ToBeVisibleAsync();
        await hits.Filter(new() { HasText = "week-2.wav" }).First.ClickAsync();
        await shared.WaitForURLAsync(new Regex($"/shared/{Regex.Escape(token)}/lectures/{lectures[1]}\\?t=[0-9.]+"));
        var landed = shared.Locator("#transcript .segment.playing");
        await Expect(landed).ToHaveCountAsync(1);
        await Expect(landed.Locator(".text")).ToContainTextAsync(SpokenWord, new() { IgnoreCase = true });
        var (start, end) = await WebSteps.SpanOfAsync(landed);
        Assert.InRange(await WebSteps.PlayerTimeAsync(shared), start, end);

        // Play the other lecture from a segment, read along, and download its exports.
        await lectureLinks.Filter(new() { HasText = "week-1.wav" }).ClickAsync();
        await shared.WaitForURLAsync(new Regex($"/lectures/{lectures[0]}$"));
        // the address changes before the page does, and both lectures are the same recording: wait for this one's player
        await Expect(shared.Locator("audio#player")).ToHaveAttributeAsync("src", new Regex($"/lectures/{lectures[0]}/audio$"));
        await Expect(shared.Locator("h2.lecture-title")).ToHaveTextAsync("week-1.wav");
        var segments = shared.Locator("#transcript .segment");
        await segments.Nth(1).Locator("button.time").ClickAsync();
        await WebSteps.AssertPlayingAsync(shared, segments.Nth(1));
        await BrowserFixture.CheckScreenAsync(shared, "shared-lecture");
        Assert.Contains(SpokenWord, await WebSteps.DownloadEveryExportAsync(shared), StringComparison.OrdinalIgnoreCase);
        // Nothing of the owner's: their pages send a signed-out visitor to sign in, their media answer 401.
        Assert.Equal(401, (await shared.APIRequest.GetAsync($"/media/transcriptions/{lectures[0]}/audio")).Status);

        // The owner revokes the link: from the next request on, the visitor finds nothing.
        await page.Locator("table.share-links").GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Revoke") }).ClickAsync();
        await Expect(page.Locator("table.share-links .link-state")).ToHaveTextAsync("Revoked");
        var gone = await shared.ReloadAsync();
        Assert.Equal(404, gone!.Status);
        await Expect(shared.GetByRole(AriaRole.Heading, new() { Name = "Not found" })).ToBeVisibleAsync();
        await Expect(shared.Locator("#transcript")).ToHaveCountAsync(0);
        Assert.Equal(404, (await shared.APIRequest.GetAsync($"{new Uri(link).AbsolutePath}/lectures/{lectures[0]}/audio")).Status);
        Assert.Equal(404, (await shared.APIRequest.GetAsync($"{new Uri(link).AbsolutePath}?q={SpokenWord}")).Status);

        // A correction that brings in words the engine did not write offers them for the course's glossary.
        await page.GotoAsync($"/transcriptions/{lectures[0]}");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var first = page.Locator("#transcript .segment:not(.partial)").First;
        await first.Locator("button.edit").ClickAsync();
        var engineText = await first.Locator("textarea").InputValueAsync();
        await first.Locator("textarea").FillAsync(engineText + " Noether eigenvalue");
        await first.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(page.Locator(".glossary-offer .new-words")).ToHaveTextAsync("Noether"); // eigenvalue is in the glossary already
        await page.GetByRole(AriaRole.Button, new() { Name = "Add it to the glossary" }).ClickAsync();
        await Expect(page.GetByText("Added to the glossary of Linear Algebra: Noether.")).ToBeVisibleAsync();
        course = await api.GetCourseAsync(tokens.Access, courseId);
        Assert.Equal(["eigenvalue", "Gram-Schmidt", "Hermitian", "Noether"], course["glossary"]!.AsArray().Select(t => t!.GetValue<string>()));

        await AssertTokenInNoWebTelemetryAsync(token);
    }

    [Fact]
    public async Task Keyboard_alone_shares_a_course_and_a_signed_out_visitor_searches_plays_and_exports_it()
    {
        using var api = new ApiSession(App);
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var (courseId, lecture) = await CourseWithLectureAsync(api, tokens.Access);
        await using var context = await browser.NewContextAsync(App);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign in");
        await page.GotoAsync($"/courses/{courseId}");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var keyboard = new KeyboardOnly(page);

        // The glossary, typed.
        await keyboard.TabToAsync(page.GetByLabel("Terms of the course"));
        await page.Keyboard.TypeAsync("Hermitian");
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Save the glossary" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Saved: 1 term." })).ToBeVisibleAsync();

        // The share dialog: open it, create a link, copy it.
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Share this course" }), backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Create a link" }));
        await page.Keyboard.PressAsync("Enter");
        var url = page.Locator("input.link-url");
        await Expect(url).ToHaveCountAsync(1);
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Copy link" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator(".copied-note")).Not.ToBeEmptyAsync();
        var link = await url.InputValueAsync();

        // The visitor, signed out: search, open a hit, play from a segment, export.
        await using var student = await browser.NewContextAsync(App);
        var shared = await student.NewPageAsync();
        await shared.GotoAsync(link);
        var visitor = new KeyboardOnly(shared);
        await visitor.TabToAsync(shared.GetByLabel("Search this course"));
        await shared.Keyboard.TypeAsync(SpokenWord);
        await shared.Keyboard.PressAsync("Enter");
        var hit = shared.Locator(".hits li a").First;
        await visitor.TabToAsync(hit);
        await shared.Keyboard.PressAsync("Enter");
        await shared.WaitForURLAsync(new Regex($"/lectures/{lecture}\\?t="));
        await Expect(shared.Locator("#transcript .segment.playing")).ToHaveCountAsync(1);
        var segments = shared.Locator("#transcript .segment");
        await visitor.TabToAsync(segments.Nth(0).Locator("button.time"));
        await shared.Keyboard.PressAsync("Enter");
        await WebSteps.AssertPlayingAsync(shared, segments.Nth(0));
        await visitor.TabToAsync(shared.GetByRole(AriaRole.Link, new() { Name = "download as plain text" }), backwards: true);
        var download = await shared.RunAndWaitForDownloadAsync(() => shared.Keyboard.PressAsync("Enter"));
        Assert.Contains(SpokenWord, await File.ReadAllTextAsync(await download.PathAsync(), ApiSession.Cancellation), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task On_a_phone_sized_screen_the_course_pages_the_share_dialog_and_the_shared_view_fit_and_pass_axe()
    {
        using var api = new ApiSession(App);
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var (courseId, lecture) = await CourseWithLectureAsync(api, tokens.Access);
        await using var context = await browser.NewContextAsync(App, Phone.Width, Phone.Height);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign in");

        await page.GotoAsync("/courses");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator($"tr[data-course-id='{courseId}']")).ToBeVisibleAsync();
        await CheckPhoneScreenAsync(page, "courses", "Main");
        await page.GotoAsync($"/courses/{courseId}");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator($"tr[data-id='{lecture}'] .state")).ToHaveTextAsync("Completed");
        var link = await CreateShareLinkAsync(page, "Share this course");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)"); // the dialog scrolled the page; the navigation is at its top
        await CheckPhoneScreenAsync(page, "course", "Main");

        await using var student = await browser.NewContextAsync(App, Phone.Width, Phone.Height);
        var shared = await student.NewPageAsync();
        await shared.GotoAsync($"{link}?q={SpokenWord}");
        await Expect(shared.Locator(".hits li")).Not.ToHaveCountAsync(0);
        await CheckPhoneScreenAsync(shared, "shared-course", "Account");
        await shared.GotoAsync($"{link}/lectures/{lecture}");
        await Expect(shared.Locator("#transcript .segment").First).ToBeVisibleAsync();
        await CheckPhoneScreenAsync(shared, "shared-lecture", "Account");
    }

    /// <summary>Opens the share dialog with <paramref name="button"/>, creates a link and returns it as the page shows it.</summary>
    private static async Task<string> CreateShareLinkAsync(IPage page, string button)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = button })).ToHaveAttributeAsync("aria-expanded", "true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create a link" }).ClickAsync();
        var url = page.Locator("input.link-url");
        await Expect(url).ToHaveValueAsync(SharedLinkUrl());
        return await url.InputValueAsync();
    }

    /// <summary>A course with jfk.wav in it, transcribed by the real worker.</summary>
    private async Task<(int CourseId, int Lecture)> CourseWithLectureAsync(ApiSession api, string accessToken)
    {
        var courseId = (await api.CreateCourseAsync(accessToken, new { name = "Civics", code = "HIST 101", term = "Spring 2027" }))["id"]!.GetValue<int>();
        using var upload = await api.UploadAsync(accessToken, TranscriptionClient.Jfk, "inaugural.wav", path: $"/api/v1/transcriptions?course_id={courseId}");
        Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
        var lecture = (await ApiSession.ReadObjectAsync(upload))["id"]!.GetValue<int>();
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(accessToken, lecture), t => t["current_state"]!.GetValue<string>() == "completed", JobPatience, $"transcription {lecture} completed");
        return (courseId, lecture);
    }

    /// <summary>
    /// The link's token reached neither the web app's console output nor its telemetry (traces, logs, metrics as the
    /// dashboard receives them), once that telemetry holds the shared requests: the page's (by its route) and the calls to
    /// the API (by their redacted address).
    /// </summary>
    private async Task AssertTokenInNoWebTelemetryAsync(string token)
    {
        await Eventually.MatchesAsync(
            () => Task.FromResult(pipeline.WebTelemetry.Holds("traces", "/shared/{Token}") && pipeline.WebTelemetry.Holds("traces", "/api/v1/shared/{token}")),
            seen => seen, TimeSpan.FromSeconds(30), "the web app's traces of the shared requests");
        Assert.Empty(pipeline.WebTelemetry.SignalsHolding(token));
        var web = pipeline.Application.Snapshots.Single(ResourceNames.Web).ResourceId;
        var console = pipeline.Application.ConsoleLog(web);
        Assert.Contains("Now listening on", console, StringComparison.Ordinal); // the capture works
        Assert.DoesNotContain(token, console, StringComparison.Ordinal);
    }

    private async Task<string> Recording(string name)
    {
        Directory.CreateDirectory(_scratch);
        var path = Path.Combine(_scratch, name);
        await File.WriteAllBytesAsync(path, TranscriptionClient.Jfk, ApiSession.Cancellation);
        return path;
    }

    [GeneratedRegex(@"/courses/(\d+)$")]
    private static partial Regex CoursePageUrl();

    [GeneratedRegex(@"^https?://[^/]+/shared/([A-Za-z0-9_-]{43})$")]
    private static partial Regex SharedLinkUrl();
}
