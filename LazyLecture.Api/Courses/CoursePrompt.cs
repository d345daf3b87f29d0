namespace LazyLecture.Api.Courses;

/// <summary>
/// The Whisper prompt of a job: the job's own prompt, then its course's glossary as a comma-separated list. Whisper takes a
/// prompt as text said before the recording, so the glossary's spellings are what it expects to hear. The prompt is not cut
/// here: both runtimes tokenize it and keep its last n_text_ctx/2 tokens (224 for every Whisper model), exactly as
/// whisper.cpp cuts its previous-text prompt, so the glossary (last) survives a long job prompt.
/// </summary>
public static class CoursePrompt
{
    public const string TermSeparator = ", ";

    /// <summary>The job's prompt and the glossary joined by a space; null when both are empty.</summary>
    public static string? Compose(string? jobPrompt, IReadOnlyList<string>? glossary)
    {
        var own = jobPrompt?.Trim();
        var terms = glossary is { Count: > 0 } ? string.Join(TermSeparator, glossary) : null;
        return (string.IsNullOrEmpty(own), terms is null) switch
        {
            (true, true) => null,
            (false, true) => own,
            (true, false) => terms,
            _ => own + " " + terms,
        };
    }
}
