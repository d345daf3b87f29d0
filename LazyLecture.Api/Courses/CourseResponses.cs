using LazyLecture.Contracts;

namespace LazyLecture.Api.Courses;

/// <summary>
/// A course to create or change. On create, name is required. On change, an absent (null) field stays as it is, an empty
/// code or term clears it, and a glossary given replaces the whole list: as terms, or as pasted text (one term per line,
/// or separated by commas or semicolons).
/// </summary>
public sealed record CourseFields(string? Name, string? Code, string? Term, IReadOnlyList<string?>? Glossary, string? GlossaryText);

public sealed record CourseResponse(int Id, string Name, string? Code, string? Term, IReadOnlyList<string> Glossary, int Lectures, DateTimeOffset CreateDate);

/// <summary>A lecture of a course: its title (the uploaded file's name), state and length.</summary>
public sealed record CourseLecture(int Id, string Title, TranscriptionState CurrentState, double AudioLenSecs, DateTimeOffset CreateDate);

/// <summary>A course with its lectures in the order they were uploaded.</summary>
public sealed record CourseDetail(int Id, string Name, string? Code, string? Term, IReadOnlyList<string> Glossary, DateTimeOffset CreateDate, IReadOnlyList<CourseLecture> Lectures);
