using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Courses;

/// <summary>
/// The rules of a course glossary: terms are trimmed, empty ones dropped, repeats (ignoring case) kept once in their first
/// place. A pasted list splits on new lines, commas and semicolons, the separators people paste word lists with.
/// </summary>
public static class CourseGlossary
{
    public const int MaxTerms = 300;

    public const int MaxTermLength = 100;

    private static readonly char[] PasteSeparators = ['\n', '\r', ',', ';'];

    /// <summary>The terms of a pasted list, cleaned (<see cref="Clean"/>).</summary>
    public static List<string> ParsePasted(string text) => Clean(text.Split(PasteSeparators));

    /// <summary>Trimmed, non-empty, first occurrence of each (ignoring case); 422 past the limits or on text PostgreSQL cannot hold.</summary>
    public static List<string> Clean(IEnumerable<string?> terms)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var cleaned = new List<string>();
        foreach (var raw in terms)
        {
            var term = raw?.Trim();
            if (string.IsNullOrEmpty(term) || !seen.Add(term))
            {
                continue;
            }

            if (term.Length > MaxTermLength || !CourseText.IsPlainLine(term))
            {
                throw ValidationFailedException.For("glossary", $"Each glossary term is one line of at most {MaxTermLength} characters, without control characters.");
            }

            cleaned.Add(term);
        }

        return cleaned.Count > MaxTerms
            ? throw ValidationFailedException.For("glossary", $"A glossary holds at most {MaxTerms} terms.")
            : cleaned;
    }
}
