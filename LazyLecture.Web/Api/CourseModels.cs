namespace LazyLecture.Web.Api;

// Courses and share links as the API's JSON gives them (only the fields the screens use).

public sealed record CourseSummary(int Id, string Name, string? Code, string? Term, IReadOnlyList<string> Glossary, int Lectures, DateTimeOffset CreateDate)
{
    /// <summary>The course as a list names it: "MATH 221 Linear Algebra (Fall 2026)".</summary>
    public string Label => CourseNames.Label(Name, Code, Term);
}

public sealed record CourseLecture(int Id, string Title, string CurrentState, double AudioLenSecs, DateTimeOffset CreateDate);

public sealed record CourseDetail(int Id, string Name, string? Code, string? Term, IReadOnlyList<string> Glossary, DateTimeOffset CreateDate, IReadOnlyList<CourseLecture> Lectures);

/// <summary>What to change: null leaves a field as it is, "" clears code or term; <see cref="GlossaryText"/> replaces the glossary.</summary>
public sealed record CourseFields(string? Name, string? Code, string? Term, string? GlossaryText = null);

public sealed record ShareLink(int Id, int? TranscriptionId, int? CourseId, string Title, DateTimeOffset CreateDate, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Active);

public sealed record ShareLinkCreated(ShareLink Link, string Token);

/// <summary>A lecture of a share link, as anyone with the link sees it.</summary>
public sealed record SharedLecture(int Id, string Title, string CurrentState, double AudioLenSecs, DateTimeOffset CreateDate);

/// <summary>What a link shares: one lecture (kind "transcription") or a course with its lectures in upload order.</summary>
public sealed record SharedContent(string Kind, string Title, string? Code, string? Term, DateTimeOffset? ExpiresAt, IReadOnlyList<SharedLecture> Lectures)
{
    public bool IsCourse => Kind == "course";
}

public static class CourseNames
{
    public static string Label(string name, string? code, string? term) =>
        (code is { Length: > 0 } ? code + " " : "") + name + (term is { Length: > 0 } ? $" ({term})" : "");
}
