using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using LazyLecture.Api.Transcriptions;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Courses;

/// <summary>
/// What an owner can do with their courses. Every query filters by owner inside the query, so another user's course is not
/// found (404), and a transcription can only be filed in a course of its own owner.
/// </summary>
public sealed class UserCourses(LazyLectureDbContext db, ILogger<UserCourses> logger)
{
    public async Task<CourseDetail> CreateAsync(int userId, CourseFields fields, CancellationToken cancellationToken)
    {
        var course = new Course
        {
            OwnerId = userId,
            Name = CourseText.Clean("name", fields.Name, Course.MaxNameLength, required: true)!,
            Code = CourseText.Clean("code", fields.Code, Course.MaxCodeLength, required: false),
            Term = CourseText.Clean("term", fields.Term, Course.MaxTermLength, required: false),
            Glossary = GlossaryOf(fields) ?? [],
        };
        db.Courses.Add(course);
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Course {CourseId} created by user {UserId}", course.Id, userId);
        return await GetAsync(userId, course.Id, cancellationToken);
    }

    public async Task<IReadOnlyList<CourseResponse>> ListAsync(int userId, CancellationToken cancellationToken) =>
        await db.Courses.AsNoTracking().Where(c => c.OwnerId == userId).OrderBy(c => c.Name).ThenBy(c => c.Id)
            .Select(c => new CourseResponse(c.Id, c.Name, c.Code, c.Term, c.Glossary, db.Transcriptions.Count(t => t.CourseId == c.Id), c.CreateDate))
            .ToListAsync(cancellationToken);

    public async Task<CourseDetail> GetAsync(int userId, int courseId, CancellationToken cancellationToken)
    {
        var course = await FindOwnedAsync(userId, courseId, cancellationToken);
        var lectures = await db.Transcriptions.AsNoTracking().Where(t => t.CourseId == course.Id && t.CreatorId == userId)
            .OrderBy(t => t.CreateDate).ThenBy(t => t.Id)
            .Select(t => new { t.Id, t.OriginalFileName, t.CurrentState, t.AudioLenSecs, t.CreateDate })
            .ToListAsync(cancellationToken);
        return new CourseDetail(course.Id, course.Name, course.Code, course.Term, course.Glossary, course.CreateDate,
            [.. lectures.Select(t => new CourseLecture(t.Id, TranscriptionMapping.Title(t.Id, t.OriginalFileName), t.CurrentState, t.AudioLenSecs, t.CreateDate))]);
    }

    /// <summary>Renames, recodes or re-terms the course, or replaces its glossary (null fields are left as they are).</summary>
    public async Task<CourseDetail> ChangeAsync(int userId, int courseId, CourseFields fields, CancellationToken cancellationToken)
    {
        var course = await FindOwnedAsync(userId, courseId, cancellationToken, tracked: true);
        if (fields.Name is not null)
        {
            course.Name = CourseText.Clean("name", fields.Name, Course.MaxNameLength, required: true)!;
        }

        if (fields.Code is not null)
        {
            course.Code = CourseText.Clean("code", fields.Code, Course.MaxCodeLength, required: false);
        }

        if (fields.Term is not null)
        {
            course.Term = CourseText.Clean("term", fields.Term, Course.MaxTermLength, required: false);
        }

        if (GlossaryOf(fields) is { } glossary)
        {
            course.Glossary = glossary;
        }

        await db.SaveChangesAsync(cancellationToken);
        return await GetAsync(userId, courseId, cancellationToken);
    }

    /// <summary>Deletes the course; its lectures stay, unfiled (the database sets their course to null).</summary>
    public async Task DeleteAsync(int userId, int courseId, CancellationToken cancellationToken)
    {
        var deleted = await db.Courses.Where(c => c.Id == courseId && c.OwnerId == userId).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            throw NotFound(courseId);
        }

        logger.LogInformation("Course {CourseId} deleted by user {UserId}; its lectures are unfiled", courseId, userId);
    }

    /// <summary>Files the owner's transcription in one of the owner's courses, or unfiles it (null).</summary>
    public async Task FileAsync(int userId, int transcriptionId, int? courseId, CancellationToken cancellationToken)
    {
        await RequireCourseForFilingAsync(userId, courseId, cancellationToken);
        var changed = await db.Transcriptions.Where(t => t.Id == transcriptionId && t.CreatorId == userId)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.CourseId, courseId), cancellationToken);
        if (changed == 0)
        {
            throw new NotFoundException($"Transcription {transcriptionId} was not found.");
        }
    }

    /// <summary>
    /// 422 unless the course is the user's own (null: no course). A 422 rather than a 404, because the request's address (an
    /// upload, a transcription) was found; the field is what is wrong.
    /// </summary>
    public async Task RequireCourseForFilingAsync(int userId, int? courseId, CancellationToken cancellationToken)
    {
        if (courseId is { } id && !await db.Courses.AnyAsync(c => c.Id == id && c.OwnerId == userId, cancellationToken))
        {
            throw ValidationFailedException.For("course_id", $"You have no course {id}.");
        }
    }

    private static List<string>? GlossaryOf(CourseFields fields) =>
        fields switch
        {
            { Glossary: not null, GlossaryText: not null } => throw ValidationFailedException.For("glossary", "Give the glossary as glossary (a list) or glossary_text (pasted text), not both."),
            { Glossary: { } terms } => CourseGlossary.Clean(terms),
            { GlossaryText: { } text } => CourseGlossary.ParsePasted(text),
            _ => null,
        };

    private async Task<Course> FindOwnedAsync(int userId, int courseId, CancellationToken cancellationToken, bool tracked = false)
    {
        var query = tracked ? db.Courses : db.Courses.AsNoTracking();
        return await query.SingleOrDefaultAsync(c => c.Id == courseId && c.OwnerId == userId, cancellationToken) ?? throw NotFound(courseId);
    }

    private static NotFoundException NotFound(int courseId) => new($"Course {courseId} was not found.");
}
