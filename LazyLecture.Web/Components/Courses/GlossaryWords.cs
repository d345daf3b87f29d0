using System.Text.RegularExpressions;

namespace LazyLecture.Web.Components.Courses;

/// <summary>
/// The words a correction brought in that the engine did not write: candidates for the course glossary, so the next lecture
/// gets them right. Words compare ignoring case and the punctuation around them; each is offered once, as first written.
/// </summary>
public static partial class GlossaryWords
{
    /// <param name="corrected">The segment's text after the correction.</param>
    /// <param name="engineWords">The words the engine wrote for the segment.</param>
    /// <param name="glossary">The course's glossary: its terms (and the words of several-word terms) are not offered again.</param>
    public static IReadOnlyList<string> NewWords(string corrected, IEnumerable<string> engineWords, IEnumerable<string> glossary)
    {
        var known = new HashSet<string>(engineWords.SelectMany(Words), StringComparer.OrdinalIgnoreCase);
        known.UnionWith(glossary.SelectMany(Words));
        var offered = new List<string>();
        foreach (var word in Words(corrected))
        {
            if (known.Add(word))
            {
                offered.Add(word);
            }
        }

        return offered;
    }

    /// <summary>The words of a text: letters and digits, with the hyphens and apostrophes inside a word ("Gram-Schmidt", "Noether's").</summary>
    private static IEnumerable<string> Words(string text) => WordPattern().Matches(text).Select(m => m.Value);

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")]
    private static partial Regex WordPattern();
}
