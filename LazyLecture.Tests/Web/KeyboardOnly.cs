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
