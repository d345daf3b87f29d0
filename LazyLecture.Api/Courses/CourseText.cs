using System.Text;
using LazyLecture.Api.Errors;

namespace LazyLecture.Api.Courses;

/// <summary>Names, codes, terms and glossary words are single lines of text that PostgreSQL can hold and a page can show.</summary>
public static class CourseText
{
    /// <summary>No control characters (NUL, new lines, tabs) and no broken surrogate pairs.</summary>
    public static bool IsPlainLine(string value)
    {
        // Rune.DecodeFromUtf16 refuses a lone surrogate, which PostgreSQL cannot store.
        for (var rest = value.AsSpan(); !rest.IsEmpty;)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var used) != System.Buffers.OperationStatus.Done || Rune.IsControl(rune))
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }

    /// <summary>The trimmed value; null when absent or empty and not <paramref name="required"/>; 422 otherwise when it breaks the rules.</summary>
    public static string? Clean(string field, string? value, int maxLength, bool required)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return required ? throw ValidationFailedException.For(field, $"{field} is required.") : null;
        }

        return trimmed.Length > maxLength || !IsPlainLine(trimmed)
            ? throw ValidationFailedException.For(field, $"{field} is one line of at most {maxLength} characters, without control characters.")
            : trimmed;
    }
}
