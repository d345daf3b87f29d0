using System.Text.Json;
using System.Text.RegularExpressions;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Worker;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace LazyLecture.Tests.Web;

/// <summary>
/// A person's walk through the web app while the real worker transcribes a real recording (PocketSphinx in 10-second
/// chunks, <see cref="WorkerPipelineFixture"/>): with the mouse, with the keyboard alone, and on a phone-sized screen.
/// </summary>
[Collection(nameof(WorkerPipeline))]
public sealed partial class WebWalkthroughTests(WorkerPipelineFixture pipeline, BrowserFixture browser)
    : IClassFixture<BrowserFixture>, IDisposable
{
    /// <summary>Long enough for a job of several chunks to be watched on any machine, short enough to keep the test quick.</summary>
    private static readonly TimeSpan JobPatience = TimeSpan.FromMinutes(4);

    /// <summary>A word PocketSphinx recognises in jfk.wav, and where it is spoken there (its own timing, seconds).</summary>
    private const string SpokenWord = "country";

    private const double SpokenWordAt = 5.86;

    private const double JfkSecs = 11.0;

    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "lazylecture-tests", Guid.NewGuid().ToString("N"));

    private AppHostFixture App => pipeline.AsFixture;

    [Fact]
    public async Task A_new_user_is_allowed_to_upload_then_watches_the_real_worker_reads_along_searches_corrects_and_exports()
    {
        // Three times jfk.wav: 33 s of speech, four chunks of at most 10 s.
        var recording = await TestAudio.RepeatAsync(SharedAssets.Require("audio/jfk.wav"), 3, _scratch, "inaugural-address.wav");
        var username = ApiSession.NewUsername();
        await using var context = await browser.NewContextAsync(App);
        await context.AddInitScriptAsync(LiveLogScript);
        var page = await context.NewPageAsync();

        // Sign up: the account exists but may not upload yet.
        await page.GotoAsync("/account/register");
        await BrowserFixture.CheckScreenAsync(page, "sign-up");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign up");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.GetByRole(AriaRole.Status).Filter(new() { HasText = "administrator has not yet allowed" })).ToBeVisibleAsync();
        await BrowserFixture.CheckScreenAsync(page, "waiting-for-approval");

        // The administrator allows uploads on the administration screen.
        await WebSteps.AllowUploadsAsync(browser, App, username);

        // Upload the recording; the worker takes the job at once.
        await page.ReloadAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await BrowserFixture.CheckScreenAsync(page, "my-transcriptions-empty");
        await WebSteps.ChooseRecordingAsync(page, recording);
        await page.WaitForURLAsync(WebSteps.TranscriptUrl());
        var id = WebSteps.TranscriptionIdOf(page);
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        // The transcript fills in while the job runs.
        var segments = page.Locator("#transcript .segment:not(.partial)");
        await Expect(segments.First).ToBeVisibleAsync(new() { Timeout = (float)JobPatience.TotalMilliseconds });
        await BrowserFixture.CheckScreenAsync(page, "transcript-live");
        await Expect(page.Locator(".job .state")).ToHaveTextAsync("Completed", new() { Timeout = (float)JobPatience.TotalMilliseconds });
        var seen = await page.EvaluateAsync<JsonElement>("() => window.lazyLectureLiveLog");
        var transcribing = seen.EnumerateArray().Where(s => s.GetProperty("state").GetString() == "Transcribing").ToList();
        var description = seen.GetRawText();
        // Text of the running chunk (a finished utterance, not yet the saved chunk) was shown before the chunk was saved.
        Assert.True(transcribing.Any(s => s.GetProperty("partial").GetInt32() > 0), "no partial result was shown while transcribing: " + description);
        // Saved chunks arrived one after another while the job still ran: text came before the job completed.
        Assert.True(transcribing.Select(s => s.GetProperty("saved").GetInt32()).Where(n => n > 0).Distinct().Count() >= 2,
            "saved segments did not arrive chunk by chunk while transcribing: " + description);
        await Expect(page.Locator(".segment.partial")).ToHaveCountAsync(0);
        Assert.True(await segments.CountAsync() >= 4, "the recording has at least one utterance per chunk");

        // Read along: a click on a segment's time plays from there and highlights it.
        await segments.Nth(1).Locator("button.time").ClickAsync();
        await WebSteps.AssertPlayingAsync(page, segments.Nth(1));
        await segments.Nth(2).Locator(".text").ClickAsync();
        await WebSteps.AssertPlayingAsync(page, segments.Nth(2));
        await BrowserFixture.CheckScreenAsync(page, "transcript");

        // Search a spoken word and land where it is spoken.
        await page.GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Words to find").FillAsync(SpokenWord);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.Locator(".hits mark").First).ToHaveTextAsync(new Regex(SpokenWord, RegexOptions.IgnoreCase));
        await BrowserFixture.CheckScreenAsync(page, "search");
        await page.Locator(".hits a").First.ClickAsync();
        await page.WaitForURLAsync(new Regex($"/transcriptions/{id}\\?t=[0-9.]+$"));
        var landed = page.Locator("#transcript .segment.playing");
        await Expect(landed).ToHaveCountAsync(1);
        await Expect(landed.Locator(".text")).ToContainTextAsync(SpokenWord, new() { IgnoreCase = true });
        var (start, end) = await WebSteps.SpanOfAsync(landed);
        Assert.InRange(await WebSteps.PlayerTimeAsync(page), start, end);
        // One of the three times the word is spoken lies in the segment the search landed on.
        Assert.Contains(Enumerable.Range(0, 3).Select(k => SpokenWordAt + (k * JfkSecs)), at => at >= start - 0.5 && at <= end + 0.5);

        // Correct a segment; the txt export says so, and every export downloads.
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await segments.Nth(0).Locator("button.edit").ClickAsync();
        await segments.Nth(0).Locator("textarea").FillAsync("And so, my fellow Americans,");
        await segments.Nth(0).GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(segments.Nth(0).Locator(".text")).ToHaveTextAsync("And so, my fellow Americans,");
        Assert.Contains("And so, my fellow Americans,", await WebSteps.DownloadEveryExportAsync(page), StringComparison.Ordinal);

        await page.GotoAsync("/");
        await Expect(page.Locator($"tr[data-id='{id}'] .state")).ToHaveTextAsync("Completed");
        await BrowserFixture.CheckScreenAsync(page, "my-transcriptions");
    }

    [Fact]
    public async Task Keyboard_alone_signs_in_uploads_opens_plays_corrects_and_exports_with_the_focus_always_visible()
    {
        using var api = new ApiSession(App);
        var (userId, username, _) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        await using var context = await browser.NewContextAsync(App);
        var page = await context.NewPageAsync();
        var keyboard = new KeyboardOnly(page);

        // Sign in.
        await page.GotoAsync("/account/login");
        await keyboard.TabToAsync(page.GetByLabel("Username"));
        await page.Keyboard.TypeAsync(username);
        await keyboard.TabToAsync(page.GetByLabel("Password", new() { Exact = true }));
        await page.Keyboard.TypeAsync(WebSteps.Password);
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/$"));
        await BrowserFixture.WaitUntilInteractiveAsync(page);

        // Upload: the file input opens the file chooser from the keyboard.
        await WebSteps.UploadInputReadyAsync(page);
        var chooser = await keyboard.OpenFileChooserAsync(page.Locator("#audiofile"));
        await chooser.SetFilesAsync(SharedAssets.Require("audio/jfk.wav"));
        await page.WaitForURLAsync(WebSteps.TranscriptUrl());
        var id = WebSteps.TranscriptionIdOf(page);
        await Expect(page.Locator(".job .state")).ToHaveTextAsync("Completed", new() { Timeout = (float)JobPatience.TotalMilliseconds });

        // Open the transcript from the list.
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Link, new() { Name = "My transcriptions" }));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("/$"));
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await keyboard.TabToAsync(page.Locator($"tr[data-id='{id}'] a"));
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(WebSteps.TranscriptUrl());
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var segments = page.Locator("#transcript .segment:not(.partial)");
        await Expect(segments.Nth(1)).ToBeVisibleAsync();

        // Play and seek: Enter on one segment's time, Space on another's.
        await keyboard.TabToAsync(segments.Nth(1).Locator("button.time"));
        await page.Keyboard.PressAsync("Enter");
        await WebSteps.AssertPlayingAsync(page, segments.Nth(1));
        await keyboard.TabToAsync(segments.Nth(0).Locator("button.time"), backwards: true);
        await page.Keyboard.PressAsync("Space");
        await WebSteps.AssertPlayingAsync(page, segments.Nth(0));

        // Correct the first segment: the editor takes the focus, and the Edit button gets it back after saving.
        await keyboard.TabToAsync(segments.Nth(0).Locator("button.edit"));
        await page.Keyboard.PressAsync("Enter");
        var editor = segments.Nth(0).Locator("textarea");
        await Expect(editor).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Ask not, fellow Americans");
        await keyboard.TabToAsync(segments.Nth(0).GetByRole(AriaRole.Button, new() { Name = "Save" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(segments.Nth(0).Locator(".text")).ToHaveTextAsync("Ask not, fellow Americans");
        await Expect(segments.Nth(0).Locator("button.edit")).ToBeFocusedAsync();

        // Export: back up to the export links.
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Link, new() { Name = "download as plain text" }), backwards: true);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        Assert.Contains("Ask not, fellow Americans", await File.ReadAllTextAsync(await download.PathAsync(), ApiSession.Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_phone_sized_screen_every_main_screen_fits_its_width_and_keeps_its_navigation()
    {
        using var api = new ApiSession(App);
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["current_state"]!.GetValue<string>() == "completed", JobPatience, $"transcription {id} completed");
        await using var context = await browser.NewContextAsync(App, Phone.Width, Phone.Height);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/account/login");
        await CheckPhoneScreenAsync(page, "sign-in", "Account");
        await page.GotoAsync("/account/register");
        await CheckPhoneScreenAsync(page, "sign-up", "Account");
        await page.GotoAsync("/account/login");
        await WebSteps.SignInThroughFormAsync(page, username, "Sign in");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator($"tr[data-id='{id}'] .state")).ToHaveTextAsync("Completed");
        await CheckPhoneScreenAsync(page, "my-transcriptions", "Main");
        await page.GotoAsync($"/transcriptions/{id}");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(page.Locator("#transcript .segment").First).ToBeVisibleAsync();
        await CheckPhoneScreenAsync(page, "transcript", "Main");
        await page.GotoAsync("/search");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Words to find").FillAsync(SpokenWord);
        await page.GetByRole(AriaRole.Button, new() { Name = "Search", Exact = true }).ClickAsync();
        await Expect(page.Locator(".hits a").First).ToBeVisibleAsync();
        await CheckPhoneScreenAsync(page, "search", "Main");
        await page.GotoAsync("/account/password");
        await BrowserFixture.WaitUntilInteractiveAsync(page); // the prerendered page is replaced once live
        await CheckPhoneScreenAsync(page, "password", "Main");

        await using var adminContext = await browser.NewContextAsync(App, Phone.Width, Phone.Height);
        var admin = await WebSteps.SignInAsAdministratorAsync(adminContext, App);
        await admin.GotoAsync("/admin/users");
        await BrowserFixture.WaitUntilInteractiveAsync(admin);
        await Expect(admin.Locator("table.users")).ToBeVisibleAsync();
        await CheckPhoneScreenAsync(admin, "administration", "Main");
    }

    private static readonly (int Width, int Height) Phone = (390, 844);

    /// <summary>
    /// The page fits the phone's width (nothing to scroll sideways; wide tables scroll inside their own box), every link of
    /// the navigation is on screen, and the screen is saved and checked by axe as <c>phone-{name}</c>.
    /// </summary>
    private static async Task CheckPhoneScreenAsync(IPage page, string name, string navigation)
    {
        var overflow = await page.EvaluateAsync<string>(SidewaysOverflowScript);
        Assert.True(overflow.Length == 0, $"'{name}' scrolls sideways on a {Phone.Width} px wide screen: {overflow}");
        var links = page.GetByRole(AriaRole.Navigation, new() { Name = navigation }).GetByRole(AriaRole.Link);
        Assert.True(await links.CountAsync() >= 2, $"'{name}' has no {navigation} navigation");
        foreach (var link in await links.AllAsync())
        {
            await Expect(link).ToBeInViewportAsync();
            var sides = await link.EvaluateAsync<double[]>("e => { const r = e.getBoundingClientRect(); return [r.left, r.right]; }");
            Assert.True(sides[0] >= 0 && sides[1] <= Phone.Width, $"'{name}': the link '{await link.TextContentAsync()}' is off screen (from {sides[0]} to {sides[1]} px)");
        }

        await BrowserFixture.CheckScreenAsync(page, "phone-" + name);
    }

    /// <summary>Empty when the page is no wider than the screen; otherwise by how much, and the first elements that stick out.</summary>
    private const string SidewaysOverflowScript = """
        () => {
            const root = document.documentElement;
            if (root.scrollWidth <= root.clientWidth) {
                return "";
            }
            const out = [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > root.clientWidth + 0.5);
            return `${root.scrollWidth - root.clientWidth} px; ` + out.slice(0, 5).map(e => e.outerHTML.slice(0, 120)).join(" | ");
        }
        """;

    /// <summary>
    /// Installed before any page script: notes each change of what the transcript page shows (state, saved segments,
    /// segments of the running chunk), so the test can tell what was visible before the job completed however fast it ran.
    /// </summary>
    private const string LiveLogScript = """
        (() => {
            const log = window.lazyLectureLiveLog = [];
            let last = "";
            new MutationObserver(() => {
                const state = document.querySelector(".job .state")?.textContent?.trim() ?? null;
                const saved = document.querySelectorAll("#transcript .segment:not(.partial)").length;
                const partial = document.querySelectorAll("#transcript .segment.partial").length;
                const key = `${state}|${saved}|${partial}`;
                if (key !== last) {
                    last = key;
                    log.push({ state, saved, partial });
                }
            }).observe(document, { subtree: true, childList: true, characterData: true });
        })();
        """;

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
