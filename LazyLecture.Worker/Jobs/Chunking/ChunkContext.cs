namespace LazyLecture.Worker.Jobs.Chunking;

/// <summary>
/// The text that conditions a chunk's first window: the job's own prompt, then the end of the previous chunk's text, as
/// whisper.cpp conditions every window after the first on the text before it. The engines keep the last 224 tokens of it
/// (whisper.cpp's previous-text prompt, half the text context), so only that much of the previous chunk is passed on.
/// </summary>
public static class ChunkContext
{
    /// <summary>224 tokens are rarely more than six characters each; what the engine would drop anyway is not sent.</summary>
    public const int MaxPreviousTextChars = 224 * 6;

    public static string? PromptFor(string? jobPrompt, string? previousChunkText)
    {
        var previous = Tail(previousChunkText?.Trim() ?? "");
        var prompt = string.Join(' ', new[] { jobPrompt?.Trim(), previous }.Where(p => !string.IsNullOrEmpty(p)));
        return prompt.Length == 0 ? null : prompt;
    }

    /// <summary>The last characters of the text, from the start of a word.</summary>
    private static string Tail(string text)
    {
        if (text.Length <= MaxPreviousTextChars)
        {
            return text;
        }

        var tail = text[^MaxPreviousTextChars..];
        var wordStart = tail.IndexOf(' ', StringComparison.Ordinal);
        return wordStart < 0 ? tail : tail[(wordStart + 1)..];
    }
}
