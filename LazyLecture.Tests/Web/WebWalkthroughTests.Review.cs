using System.Globalization;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace LazyLecture.Tests.Web;

/// <summary>
/// Review by confidence on a real transcription (PocketSphinx's word posteriors of jfk.wav, which lie on both sides of
/// the threshold): the marks, the next uncertain word, confirming, the filter and the count; with the mouse and axe, on a
/// phone-sized screen, and with the keyboard alone.
/// </summary>
public sealed partial class WebWalkthroughTests
{
    /// <summary>The review's default threshold: words the engine was less sure of are marked.</summary>
    private const double DefaultThreshold = 0.5;

    [Fact]
    public async Task Review_marks_the_uncertain_words_jumps_to_the_next_filters_and_counts_confirmed_and_corrected_segments()
    {
        using var api = new ApiSession(App);
        var (username, tokens, id) = await CompletedJfkAsync(api);
        var transcript = await SegmentsAsync(api, tokens, id);
        Assert.True(transcript.Count >= 2, $"jfk.wav gave {transcript.Count} segment(s): one is confirmed, another corrected");
        var probabilities = transcript.SelectMany(s => s.Words.Select(w => w.Probability)).ToList();
        // The real transcription has words on both sides of the threshold, or the marks would prove nothing.
        Assert.True(probabilities.Any(p => p < DefaultThreshold) && probabilities.Any(p => p >= DefaultThreshold),
            "PocketSphinx's word probabilities on jfk.wav: " + string.Join(", ", probabilities.Select(p => p.ToString("0.000", CultureInfo.InvariantCulture))));
        await using var context = await browser.NewContextAsync(App);
        var page = await OpenTranscriptAsync(context, username, id);
        var segments = page.Locator("#transcript .segment:not(.partial)");
        var marks = segments.Locator("mark.uncertain"); // not the legend's sample

        // The marks: exactly the words below the threshold, each saying so in words too; the legend explains them.
        await Expect(marks).ToHaveCountAsync(probabilities.Count(p => p < DefaultThreshold));
        await Expect(marks.First).ToContainTextAsync("uncertain");
        await Expect(page.Locator(".review .legend")).ToContainTextAsync("less than 50 % sure");
        await Expect(page.Locator("#review-count")).ToHaveTextAsync($"Reviewed: 0 of {transcript.Count} segments");

        // Next uncertain word: the first one in time, played from just before it, focused.
        var first = transcript.SelectMany((s, i) => s.Words.Where(w => w.Probability < DefaultThreshold).Select(w => (Segment: i, s.Start, Word: w))).First();
        await page.GetByRole(AriaRole.Button, new() { Name = "Next uncertain word" }).ClickAsync();
        await Expect(marks.First).ToBeFocusedAsync();
        var time = await WebSteps.PlayerTimeAsync(page);
        Assert.InRange(time, Math.Max(first.Start, first.Word.Start - 1) - 0.05, first.Word.Start + 1);
        await Expect(page.Locator("#review-announcement")).ToContainTextAsync("uncertain words left");

        // Confirm that segment; the next uncertain word is then in another segment (reviewed ones are skipped).
        var confirm = segments.Nth(first.Segment).Locator("button.confirm");
        await confirm.ClickAsync();
        await Expect(confirm).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#review-count")).ToHaveTextAsync($"Reviewed: 1 of {transcript.Count} segments");
        await page.Keyboard.PressAsync("Alt+n");
        var focusedSegment = await page.EvaluateAsync<int>("() => [...document.querySelectorAll('#transcript .segment:not(.partial)')].indexOf(document.activeElement.closest('.segment'))");
        if (transcript.Where((s, i) => i != first.Segment).Any(s => s.HasWordsBelow(DefaultThreshold)))
        {
            Assert.NotEqual(first.Segment, focusedSegment);
        }

        // A correction counts as reviewed too; its text is the owner's, so it has no marks.
        var corrected = first.Segment == 0 ? 1 : 0;
        await segments.Nth(corrected).Locator("button.edit").ClickAsync();
        await segments.Nth(corrected).Locator("textarea").FillAsync("ask not what your country can do for you");
        await segments.Nth(corrected).GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Expect(segments.Nth(corrected).Locator(".review-badge.corrected")).ToBeVisibleAsync();
        await Expect(segments.Nth(corrected).Locator("mark")).ToHaveCountAsync(0);
        await Expect(page.Locator("#review-count")).ToHaveTextAsync($"Reviewed: 2 of {transcript.Count} segments");
        await BrowserFixture.CheckScreenAsync(page, "review");

        // The filter shows only the segments with uncertain words (the corrected one has none left).
        await page.GetByLabel("Only segments with uncertain words").CheckAsync();
        var withUncertain = transcript.Select((s, i) => i != corrected && s.HasWordsBelow(DefaultThreshold)).Count(shown => shown);
        await Expect(page.Locator("#transcript .segment:not(.partial):not([hidden])")).ToHaveCountAsync(withUncertain);
        await BrowserFixture.CheckScreenAsync(page, "review-filtered");

        // A stricter threshold marks more words.
        await page.GetByLabel("Only segments with uncertain words").UncheckAsync();
        await page.GetByLabel("Mark words below").SelectOptionAsync("0.9");
        await Expect(marks).ToHaveCountAsync(transcript.Select((s, i) => i == corrected ? 0 : s.Words.Count(w => w.Probability < 0.9)).Sum());

        // The confirmation is stored: after a reload it is still there, and the API counts it.
        await page.ReloadAsync();
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Expect(segments.Nth(first.Segment).Locator("button.confirm")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.Locator("#review-count")).ToHaveTextAsync($"Reviewed: 2 of {transcript.Count} segments");
        using var progress = await api.GetAsync($"/api/v1/transcriptions/{id}/review", tokens.Access);
        Assert.Equal(2, (await ApiSession.ReadObjectAsync(progress))["reviewed"]!.GetValue<int>());

        // On a phone-sized screen the review fits and works.
        await using var phone = await browser.NewContextAsync(App, Phone.Width, Phone.Height);
        var small = await OpenTranscriptAsync(phone, username, id);
        await small.GetByRole(AriaRole.Button, new() { Name = "Next uncertain word" }).ClickAsync();
        await Expect(small.Locator("#review-announcement")).Not.ToBeEmptyAsync(); // the next word, or that none is left
        await small.EvaluateAsync("() => window.scrollTo(0, 0)"); // the jump scrolled to the word; the navigation is at the page's top
        await CheckPhoneScreenAsync(small, "review", "Main");
    }

    [Fact]
    public async Task Keyboard_alone_reviews_next_uncertain_word_confirm_and_filter_with_the_focus_always_visible()
    {
        using var api = new ApiSession(App);
        var (username, tokens, id) = await CompletedJfkAsync(api);
        var transcript = await SegmentsAsync(api, tokens, id);
        await using var context = await browser.NewContextAsync(App);
        var page = await OpenTranscriptAsync(context, username, id);
        var keyboard = new KeyboardOnly(page);
        var first = transcript.FindIndex(s => s.HasWordsBelow(DefaultThreshold));
        Assert.True(first >= 0, "PocketSphinx marked no word of jfk.wav as uncertain");
        var segment = page.Locator("#transcript .segment:not(.partial)").Nth(first);

        // The button, then Tab from the word it focused on to the segment's Edit and Confirm.
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Next uncertain word" }));
        await page.Keyboard.PressAsync("Enter");
        await Expect(segment.Locator("mark.uncertain").First).ToBeFocusedAsync();
        await keyboard.TabToAsync(segment.Locator("button.edit"));
        await keyboard.TabToAsync(segment.Locator("button.confirm"));
        await page.Keyboard.PressAsync("Space");
        await Expect(segment.Locator("button.confirm")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(segment.Locator("button.confirm")).ToBeFocusedAsync();
        await Expect(page.Locator("#review-count")).ToHaveTextAsync($"Reviewed: 1 of {transcript.Count} segments");

        // The key moves on from anywhere; the filter is a checkbox a Space ticks.
        await page.Keyboard.PressAsync("Alt+n");
        await Expect(page.Locator("#review-announcement")).Not.ToBeEmptyAsync();
        await keyboard.TabToAsync(page.GetByLabel("Only segments with uncertain words"), backwards: true);
        await page.Keyboard.PressAsync("Space");
        await Expect(page.Locator("#transcript .segment:not(.partial):not([hidden])"))
            .ToHaveCountAsync(transcript.Count(s => s.HasWordsBelow(DefaultThreshold)));
        await keyboard.TabToAsync(page.GetByRole(AriaRole.Button, new() { Name = "Next uncertain word" }));
    }

    /// <summary>A new user, allowed to upload, whose jfk.wav the real worker has transcribed.</summary>
    private async Task<(string Username, Tokens Tokens, int Id)> CompletedJfkAsync(ApiSession api)
    {
        var (userId, username, tokens) = await api.NewUserAsync();
        await api.AllowUploadsAsync(userId);
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        await Eventually.MatchesAsync(() => api.GetTranscriptionAsync(tokens.Access, id), t => t["current_state"]!.GetValue<string>() == "completed", JobPatience, $"transcription {id} completed");
        return (username, tokens, id);
    }

    private sealed record TimedSegment(double Start, IReadOnlyList<(double Start, double Probability)> Words)
    {
        public bool HasWordsBelow(double threshold) => Words.Any(w => w.Probability < threshold);
    }

    private static async Task<List<TimedSegment>> SegmentsAsync(ApiSession api, Tokens tokens, int id)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/segments?size=100", tokens.Access);
        var segments = (await ApiSession.ReadObjectAsync(response))["segments"]!.AsArray();
        return [.. segments.Select(s => new TimedSegment(s!["start"]!.GetValue<double>(),
            [.. s["words"]!.AsArray().Select(w => (w!["start"]!.GetValue<double>(), w["probability"]!.GetValue<double>()))]))];
    }

    private static async Task<IPage> OpenTranscriptAsync(IBrowserContext context, string username, int id)
    {
        var page = await WebSteps.OpenTranscriptAsync(context, username, id);
        await Expect(page.Locator("#review-count")).ToBeVisibleAsync();
        return page;
    }
}
