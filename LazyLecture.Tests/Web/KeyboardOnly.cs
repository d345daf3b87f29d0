using Microsoft.Playwright;
using Xunit;

namespace LazyLecture.Tests.Web;

/// <summary>
/// Moves through a page as a keyboard user does, with Tab and Shift+Tab only, and requires every stop on the way to show
/// where the focus is.
/// </summary>
public sealed class KeyboardOnly(IPage page)
{
    /// <summary>More stops than any screen of the app has: a target not reached within them cannot be reached at all.</summary>
    private const int MaxStops = 60;

    /// <summary>
    /// Whether the focused element shows it: an outline or shadow of its own (when it is not transparent) or of a close
    /// ancestor that draws it for it (the drop zone around the transparent file input). The audio player's controls are
    /// the browser's own and draw their focus ring inside it, where styles cannot see it.
    /// </summary>
    private const string FocusShownScript = """
        () => {
            const element = document.activeElement;
            if (!element || element === document.body || element.tagName === "AUDIO") {
                return "";
            }
            const draws = e => {
                const style = getComputedStyle(e);
                return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none";
            };
            let transparent = false;
            for (let e = element; e; e = e.parentElement) {
                transparent ||= parseFloat(getComputedStyle(e).opacity) === 0;
            }
            if (!transparent && draws(element)) {
                return "";
            }
            for (let e = element.parentElement, level = 0; e && level < 3; e = e.parentElement, level++) {
                if (draws(e)) {
                    return "";
                }
            }
            return element.outerHTML.slice(0, 200);
        }
        """;

    /// <summary>
    /// Tabs to the file input and presses Space, which opens the browser's file chooser. A press that opened nothing (the
    /// input was re-rendered between the Tab and the Space, seen once in a loaded run, taking the focus with it) is
    /// pressed again from the input, twice at most: a user would press again too; an input the keyboard cannot open
    /// still fails.
    /// </summary>
    public async Task<IFileChooser> OpenFileChooserAsync(ILocator fileInput)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (!await fileInput.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                await TabToAsync(fileInput);
            }

            try
            {
                return await page.RunAndWaitForFileChooserAsync(() => page.Keyboard.PressAsync("Space"), new() { Timeout = 10_000 });
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>Presses Tab (Shift+Tab when <paramref name="backwards"/>) until <paramref name="target"/> has the focus.</summary>
    public async Task TabToAsync(ILocator target, bool backwards = false)
    {
        await target.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        for (var stop = 0; stop < MaxStops; stop++)
        {
            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
            var hidden = await page.EvaluateAsync<string>(FocusShownScript);
            Assert.True(hidden.Length == 0, $"the keyboard focus is not visible on {hidden}");
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
            {
                return;
            }
        }

        Assert.Fail($"{target} is not reached with {(backwards ? "Shift+Tab" : "Tab")} within {MaxStops} stops");
    }
}
