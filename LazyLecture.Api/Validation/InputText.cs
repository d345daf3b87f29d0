using System.Text;

namespace LazyLecture.Api.Validation;

/// <summary>Rules for text that comes from clients and ends up stored or shown to other people.</summary>
public static class InputText
{
    /// <summary>PostgreSQL text cannot hold NUL, so such input is refused before it reaches a query.</summary>
    public static bool ContainsNul(string? value) => value is not null && value.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// A client's file name as it is kept and shown: folder parts, control characters, lone surrogates and the Unicode
    /// direction controls that make <c>gpj.exe</c> display as <c>exe.jpg</c> are removed; null when nothing is left.
    /// </summary>
    public static string? CleanFileName(string? fileName, int maxLength)
    {
        if (fileName is null)
        {
            return null;
        }

        var name = new StringBuilder(fileName.Length);
        foreach (var rune in Path.GetFileName(fileName).EnumerateRunes())
        {
            if (!IsUnfitForNames(rune))
            {
                name.Append(rune.ToString());
            }
        }

        var cleaned = name.ToString().Trim();
        while (cleaned.Length > maxLength)
        {
            // Cut whole runes only, so a surrogate pair is never split.
            cleaned = cleaned[..(char.IsLowSurrogate(cleaned[maxLength]) ? maxLength - 1 : maxLength)];
        }

        return cleaned.Length == 0 ? null : cleaned;
    }

    /// <summary>
    /// Whether text that names something (an API key, a password) holds a character that hides or reorders what is shown:
    /// a control character (NUL included), a Unicode direction control, or a lone surrogate.
    /// </summary>
    public static bool HasUnfitCharacters(string? text)
    {
        if (text is null)
        {
            return false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (IsUnfitForNames(rune))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Control characters, direction controls and the replacement character (what a lone surrogate reads as).</summary>
    private static bool IsUnfitForNames(Rune rune) => Rune.IsControl(rune) || IsDirectionControl(rune.Value) || rune == Rune.ReplacementChar;

    private static bool IsDirectionControl(int codePoint) =>
        codePoint is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);
}

/// <summary>The database's verdict on text it cannot hold: a safety net behind the checks at the edge.</summary>
public static class StorableText
{
    /// <summary>PostgreSQL's "character not in repertoire" (NUL in text) and "untranslatable character".</summary>
    public static bool IsUnstorableText(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.CharacterNotInRepertoire or Npgsql.PostgresErrorCodes.UntranslatableCharacter })
            {
                return true;
            }
        }

        return false;
    }
}
