using System.Text.RegularExpressions;

namespace LazyLecture.Api.Auth;

/// <summary>The original service's username and password rules, each reported separately so a client can show them all.</summary>
public static partial class CredentialRules
{
    public static List<string> CheckUsername(string? username)
    {
        var broken = new List<string>();
        if (string.IsNullOrEmpty(username) || !LatinLetters().IsMatch(username))
        {
            broken.Add("Username must consist of Latin letters only.");
        }

        if (username is null || username.Length is < 5 or > 64)
        {
            broken.Add("Username must be between 5 and 64 characters long.");
        }

        return broken;
    }

    /// <summary>Whether a search text could be part of a username (1–64 Latin letters).</summary>
    public static bool IsUsernamePart(string text) => text.Length <= 64 && LatinLetters().IsMatch(text);

    public static List<string> CheckPassword(string? password)
    {
        password ??= "";
        var broken = new List<string>();
        if (password.Length is < 8 or > 256)
        {
            broken.Add("Password must be 8-256 characters long.");
        }

        if (!Uppercase().IsMatch(password))
        {
            broken.Add("Password must include an uppercase Latin letter.");
        }

        if (!Lowercase().IsMatch(password))
        {
            broken.Add("Password must include a lowercase Latin letter.");
        }

        if (!Digit().IsMatch(password))
        {
            broken.Add("Password must include a digit.");
        }

        if (!Special().IsMatch(password))
        {
            broken.Add("Password must include a special character: !@#$%^&*(),.?\":{}|<>=_");
        }

        // Whoever sets it (the user, an administrator): a NUL or a direction control would make it untypeable or not what it shows.
        if (Validation.InputText.HasUnfitCharacters(password))
        {
            broken.Add("Password must not contain control characters (such as NUL) or Unicode direction controls.");
        }

        return broken;
    }

    [GeneratedRegex("^[A-Za-z]+$")]
    private static partial Regex LatinLetters();

    [GeneratedRegex("[A-Z]")]
    private static partial Regex Uppercase();

    [GeneratedRegex("[a-z]")]
    private static partial Regex Lowercase();

    [GeneratedRegex("[0-9]")]
    private static partial Regex Digit();

    // The original's exact set of special characters.
    [GeneratedRegex("[!@#$%^&*(),.?\":{}|<>=_]")]
    private static partial Regex Special();
}
