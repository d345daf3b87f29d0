using System.Globalization;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Chapters;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace LazyLecture.Tests.Web;

/// <summary>
/// The chapter outline beside the player and the Captions section under the transcript, in Chromium with axe, on the
/// suite's shared application: the lecture's segments are saved through the worker's endpoints (no engine needed).
/// </summary>
public sealed class ChapterAndCaptionWebTests(AppHostFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_chapter_of_the_outline_plays_from_its_start_and_the_captions_section_lists_the_cues_that_break_its_settings()
    {
        using var api = new ApiSession(fixture);
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var id = await api.UploadOkAsync(tokens.Access, ChapterApiTests.LongRecording);
        await ChapterApiTests.SaveLectureAsync(api, id);
        await api.ReportStateAsync(id, "completed");
        using var listed = await api.GetAsync($"/api/v1/transcriptions/{id}/chapters", tokens.Access);
        var chapters = JsonNode.Parse(await listed.Content.ReadAsStringAsync(ApiSession.Cancellation))!.AsArray();
        Assert.True(chapters.Count >= 2, "the lecture has several chapters");

        await using var context = await browser.NewContextAsync(fixture);
        var page = await WebSteps.OpenTranscriptAsync(context, username, id);

        // The outline: one button per chapter with its title; the second plays from its start, in the segment starting there.
        var outline = page.GetByRole(AriaRole.Navigation, new() { Name = "Chapters" });
        await Expect(outline.Locator("button.chapter")).ToHaveCountAsync(chapters.Count);
        await Expect(outline.Locator("button.chapter").Nth(1)).ToContainTextAsync(chapters[1]!["title"]!.GetValue<string>());
        var start = chapters[1]!["start"]!.GetValue<double>();
        await outline.Locator("button.chapter").Nth(1).ClickAsync();
        var playing = page.Locator("#transcript .segment.playing");
        await Expect(playing).ToHaveAttributeAsync("data-start", start.ToString("0.###", CultureInfo.InvariantCulture));
        Assert.InRange(await WebSteps.PlayerTimeAsync(page), start, start + 3);
        await BrowserFixture.CheckScreenAsync(page, "chapters");

        // Captions: at 5 characters a second nearly every cue is too fast; at 100 fewer break a rule. The downloads use the settings.
        var captions = page.GetByRole(AriaRole.Region, new() { Name = "Captions" });
        await captions.GetByLabel("Characters per second").FillAsync("5");
        await captions.GetByRole(AriaRole.Button, new() { Name = "Check captions" }).ClickAsync();
        // The page checks its default settings on load too: wait for the answer to these settings.
        await Expect(captions.Locator("#caption-check-result")).ToHaveAttributeAsync("data-max-cps", "5");
        await Expect(captions.Locator("#caption-check-result")).ToContainTextAsync("cues break a rule");
        var strict = await captions.Locator("ol.broken-cues > li").CountAsync();
        Assert.True(strict > 0, "at 5 characters a second some cue is too fast");
        await Expect(captions.Locator("ol.broken-cues").First).ToContainTextAsync("second");
        await captions.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ScreenshotDirectory, "captions.png") });
        await BrowserFixture.CheckScreenAsync(page, "captions-check");
        var download = await page.RunAndWaitForDownloadAsync(() => captions.GetByRole(AriaRole.Link, new() { Name = "SRT" }).ClickAsync());
        var srt = await File.ReadAllTextAsync(await download.PathAsync(), ApiSession.Cancellation);
        Assert.StartsWith("1", srt, StringComparison.Ordinal);
        Assert.Contains(" --> ", srt, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(BrowserFixture.ScreenshotDirectory, "caption-export.srt"), srt, ApiSession.Cancellation);

        await captions.GetByLabel("Characters per second").FillAsync("100");
        await captions.GetByRole(AriaRole.Button, new() { Name = "Check captions" }).ClickAsync();
        await Expect(captions.Locator("#caption-check-result")).ToHaveAttributeAsync("data-max-cps", "100");
        Assert.True(await captions.Locator("ol.broken-cues > li").CountAsync() < strict, "a looser limit leaves fewer cues breaking a rule");
    }
}
