using Deque.AxeCore.Playwright;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace LazyLecture.Tests.Web;

/// <summary>
/// Headless Chromium driven by Playwright, started once per test class. Playwright cannot download its own browser here,
/// so it launches Debian's <c>chromium</c> package (<see cref="ExecutablePathSetting"/> points elsewhere). Without it the
/// browser tests are skipped with the reason, except under CI, where they fail.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ExecutablePathSetting = "LAZYLECTURE_CHROMIUM";

    private static readonly string ExecutablePath = Environment.GetEnvironmentVariable(ExecutablePathSetting) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Where the tests save each main screen (<c>artifacts/screenshots</c>, ignored by git).</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(RepositoryRoot.Path, "artifacts", "screenshots");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--mute-audio"],
        });
        Assertions.SetDefaultExpectTimeout(PatienceMilliseconds);
    }

    /// <summary>
    /// How long a browser step or expectation may take: patience, not a speed target. The browser shares two cores with the
    /// pipeline's transcribing workers and the serial tests' restarts of PostgreSQL and RabbitMQ; at 20 s a navigation
    /// timed out under that load (load average 12).
    /// </summary>
    private const float PatienceMilliseconds = 60_000;

    /// <summary>A fresh browser profile (its own cookies) on the web app of <paramref name="app"/>; skips the test without Chromium.</summary>
    public async Task<IBrowserContext> NewContextAsync(AppHostFixture app, int width = 1280, int height = 900)
    {
        if (_browser is null)
        {
            var reason = $"Chromium not found at '{ExecutablePath}' (apt-get install chromium, or set {ExecutablePathSetting}).";
            if (SharedAssets.IsCi)
            {
                Assert.Fail(reason + " CI must run the browser tests.");
            }

            Assert.Skip(reason);
        }

        using var web = app.App.CreateHttpClient(ResourceNames.Web);
        var context = await _browser.NewContextAsync(new() { BaseURL = web.BaseAddress!.ToString().TrimEnd('/'), ViewportSize = new() { Width = width, Height = height }, AcceptDownloads = true });
        context.SetDefaultTimeout(PatienceMilliseconds);
        return context;
    }

    /// <summary>Saves the page as <c>{name}.png</c> and asserts axe finds no serious or critical accessibility violation on it.</summary>
    public static async Task CheckScreenAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
        var result = await page.RunAxe();
        var severe = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html))}").ToList();
        Assert.True(severe.Count == 0, $"axe on '{name}':{Environment.NewLine}{string.Join(Environment.NewLine, severe)}");
    }

    /// <summary>Waits until an interactive page is live (its buttons answer), not only prerendered.</summary>
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        Assertions.Expect(page.Locator("main[data-interactive=yes]")).ToBeAttachedAsync();

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
