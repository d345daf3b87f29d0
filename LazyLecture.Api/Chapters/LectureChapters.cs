using LazyLecture.Api.Data;
using LazyLecture.Api.Errors;
using Microsoft.EntityFrameworkCore;

namespace LazyLecture.Api.Chapters;

/// <summary>A chapter as the API returns it: its number from 1, start and end (seconds), title, and whether its owner edited it.</summary>
public sealed record ChapterResponse(int Number, double Start, double End, string Title, bool Edited);

/// <summary>An owner's change of a chapter: a new <c>title</c>, or a new <c>start</c> (seconds; it moves to the segment starting there).</summary>
public sealed record ChapterChange(string? Title, double? Start);

/// <summary>Where to split a chapter: the time (seconds) of the segment that starts the new chapter.</summary>
public sealed record ChapterSplit(double? At);

/// <summary>
/// A transcript's chapters: computed when the job completes and again after a correction (chapters the owner edited are
/// kept, the others recomputed around them), and edited by their owner (rename, move, merge, split).
/// </summary>
public sealed class LectureChapters(LazyLectureDbContext db, LectureTerms lectureTerms, ILogger<LectureChapters> logger)
{
    public const int MaxTitleLength = 200;

    // Segment starts are stored doubles: a start given by a client matches a segment within a millisecond.
    private const double SameTime = 0.0005;

    private DbSet<TranscriptionChapter> Chapters => db.Set<TranscriptionChapter>();

    /// <summary>Divides the transcript into topics; edited chapters stay as they are and bound the recomputed ones.</summary>
    public async Task RecomputeAsync(int transcriptionId, CancellationToken cancellationToken)
    {
        var segments = await lectureTerms.ReadAsync(transcriptionId, cancellationToken);
        var existing = await Chapters.Where(c => c.TranscriptionId == transcriptionId).OrderBy(c => c.StartSecs).ToListAsync(cancellationToken);
        var edited = existing.Select((chapter, i) => (Chapter: chapter, End: i + 1 < existing.Count ? existing[i + 1].StartSecs : double.MaxValue))
            .Where(c => c.Chapter.Edited).ToList();

        var starts = TopicSegmentation.ChapterStarts(segments, TopicSegmentationOptions.Default)
            .Where(start => !edited.Any(e => segments[start].Start >= e.Chapter.StartSecs - SameTime && segments[start].Start < e.End - SameTime))
            .Concat(edited.Select(e => IndexAt(segments, e.Chapter.StartSecs)).Where(i => i >= 0))
            .Distinct().Order().ToList();
        if (segments.Count > 0 && (starts.Count == 0 || starts[0] != 0))
        {
            starts.Insert(0, 0);
        }

        var titles = ChapterTitles.Title(segments, starts);
        var computed = starts.Select((start, i) => edited.FirstOrDefault(e => Math.Abs(e.Chapter.StartSecs - segments[start].Start) <= SameTime).Chapter is { } kept
                ? new TranscriptionChapter { TranscriptionId = transcriptionId, StartSecs = kept.StartSecs, Title = kept.Title, Edited = true }
                : new TranscriptionChapter { TranscriptionId = transcriptionId, StartSecs = segments[start].Start, Title = titles[i] })
            .ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await Chapters.Where(c => c.TranscriptionId == transcriptionId).ExecuteDeleteAsync(cancellationToken);
        Chapters.AddRange(computed);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Transcription {TranscriptionId} has {ChapterCount} chapters ({EditedCount} edited by its owner)", transcriptionId, computed.Count, edited.Count);
    }

    /// <summary>
    /// The chapters of a job that has just ended with text (completed, or cancelled with chunks: completed_partially).
    /// Chapters are derived from the text: a failure to compute them is logged and never keeps the job from ending.
    /// </summary>
    public async Task ComputeForFinishedJobAsync(int transcriptionId, CancellationToken cancellationToken)
    {
        try
        {
            await RecomputeAsync(transcriptionId, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Chapters of transcription {TranscriptionId} could not be computed", transcriptionId);
            foreach (var unsaved in db.ChangeTracker.Entries<TranscriptionChapter>().ToList())
            {
                unsaved.State = EntityState.Detached; // not to be saved with the job's state
            }
        }
    }

    public async Task<IReadOnlyList<ChapterResponse>> ListAsync(int userId, int id, CancellationToken cancellationToken)
    {
        await RequireOwnedAsync(userId, id, cancellationToken);
        return await ResponsesAsync(id, cancellationToken);
    }

    /// <summary>The chapters for exports: start, end (the next chapter's start, the last ends with the last segment) and title.</summary>
    public async Task<IReadOnlyList<ChapterResponse>> ResponsesAsync(int id, CancellationToken cancellationToken)
    {
        var chapters = await Chapters.AsNoTracking().Where(c => c.TranscriptionId == id).OrderBy(c => c.StartSecs).ToListAsync(cancellationToken);
        var lastEnd = await db.TranscriptionSegments.Where(s => s.TranscriptionId == id).MaxAsync(s => (double?)s.EndSecs, cancellationToken) ?? 0;
        return [.. chapters.Select((c, i) => new ChapterResponse(i + 1, c.StartSecs, i + 1 < chapters.Count ? chapters[i + 1].StartSecs : Math.Max(lastEnd, c.StartSecs), c.Title, c.Edited))];
    }

    /// <summary>Renames chapter <paramref name="number"/> (from 1) or moves its start to another segment's start between its neighbours.</summary>
    public async Task<IReadOnlyList<ChapterResponse>> ChangeAsync(int userId, int id, int number, ChapterChange change, CancellationToken cancellationToken)
    {
        await RequireOwnedAsync(userId, id, cancellationToken);
        if (change.Title is null && change.Start is null)
        {
            throw ValidationFailedException.For("title", "Give a new title, a new start, or both.");
        }

        var title = change.Title is null ? null : ValidTitle(change.Title);
        var chapters = await TrackedAsync(id, cancellationToken);
        var chapter = Numbered(chapters, number, id);
        if (change.Start is { } start)
        {
            var index = number - 1;
            if (index == 0)
            {
                throw ValidationFailedException.For("start", "The first chapter starts with the transcript; move the second one instead.");
            }

            var at = await SegmentStartAsync(id, start, "start", cancellationToken);
            if (at <= chapters[index - 1].StartSecs + SameTime || (index + 1 < chapters.Count && at >= chapters[index + 1].StartSecs - SameTime))
            {
                throw ValidationFailedException.For("start", "start must lie between the starts of the chapters before and after it.");
            }

            chapter.StartSecs = at;
        }

        if (title is not null)
        {
            chapter.Title = title;
        }

        chapter.Edited = true;
        await db.SaveChangesAsync(cancellationToken);
        return await ResponsesAsync(id, cancellationToken);
    }

    /// <summary>Joins chapter <paramref name="number"/> with the one after it, under the first one's title.</summary>
    public async Task<IReadOnlyList<ChapterResponse>> MergeWithNextAsync(int userId, int id, int number, CancellationToken cancellationToken)
    {
        await RequireOwnedAsync(userId, id, cancellationToken);
        var chapters = await TrackedAsync(id, cancellationToken);
        var chapter = Numbered(chapters, number, id);
        if (number == chapters.Count)
        {
            throw new ConflictException($"Chapter {number} is the last one: there is no next chapter to merge it with.");
        }

        Chapters.Remove(chapters[number]);
        chapter.Edited = true;
        await db.SaveChangesAsync(cancellationToken);
        return await ResponsesAsync(id, cancellationToken);
    }

    /// <summary>Splits chapter <paramref name="number"/> at a segment start inside it; the new chapter is titled by its words.</summary>
    public async Task<IReadOnlyList<ChapterResponse>> SplitAsync(int userId, int id, int number, ChapterSplit split, CancellationToken cancellationToken)
    {
        await RequireOwnedAsync(userId, id, cancellationToken);
        var chapters = await TrackedAsync(id, cancellationToken);
        var chapter = Numbered(chapters, number, id);
        var at = await SegmentStartAsync(id, split.At ?? throw ValidationFailedException.For("at", "at (seconds) is required."), "at", cancellationToken);
        var end = number < chapters.Count ? chapters[number].StartSecs : double.MaxValue;
        if (at <= chapter.StartSecs + SameTime || at >= end - SameTime)
        {
            throw ValidationFailedException.For("at", $"at must be the start of a segment inside chapter {number}, after its first.");
        }

        var segments = await lectureTerms.ReadAsync(id, cancellationToken);
        var first = IndexAt(segments, chapter.StartSecs);
        var second = IndexAt(segments, at);
        var after = number < chapters.Count ? IndexAt(segments, end) : segments.Count;
        var titles = ChapterTitles.Title([.. segments.Take(after).Skip(first)], [0, second - first]);
        chapter.Edited = true;
        Chapters.Add(new TranscriptionChapter { TranscriptionId = id, StartSecs = at, Title = titles[1], Edited = true });
        await db.SaveChangesAsync(cancellationToken);
        return await ResponsesAsync(id, cancellationToken);
    }

    private static int IndexAt(IReadOnlyList<SegmentTerms> segments, double start)
    {
        for (var i = 0; i < segments.Count; i++)
        {
            if (Math.Abs(segments[i].Start - start) <= SameTime)
            {
                return i;
            }
        }

        return -1;
    }

    private async Task<double> SegmentStartAsync(int id, double start, string field, CancellationToken cancellationToken) =>
        double.IsFinite(start)
            ? await db.TranscriptionSegments.Where(s => s.TranscriptionId == id && s.StartSecs >= start - SameTime && s.StartSecs <= start + SameTime)
                  .Select(s => (double?)s.StartSecs).FirstOrDefaultAsync(cancellationToken)
              ?? throw ValidationFailedException.For(field, $"{field} must be the start time of one of the transcript's segments (as listed by GET …/segments).")
            : throw ValidationFailedException.For(field, $"{field} must be a finite number of seconds.");

    private static string ValidTitle(string title)
    {
        var trimmed = title.Trim();
        return trimmed.Length is 0 or > MaxTitleLength || trimmed.Any(char.IsControl)
            ? throw ValidationFailedException.For("title", $"title must have 1 to {MaxTitleLength} characters on one line.")
            : trimmed;
    }

    private static TranscriptionChapter Numbered(List<TranscriptionChapter> chapters, int number, int id) =>
        number >= 1 && number <= chapters.Count ? chapters[number - 1] : throw new NotFoundException($"Transcription {id} has no chapter {number}.");

    private Task<List<TranscriptionChapter>> TrackedAsync(int id, CancellationToken cancellationToken) =>
        Chapters.Where(c => c.TranscriptionId == id).OrderBy(c => c.StartSecs).ToListAsync(cancellationToken);

    private async Task RequireOwnedAsync(int userId, int id, CancellationToken cancellationToken)
    {
        if (!await db.Transcriptions.AnyAsync(t => t.Id == id && t.CreatorId == userId, cancellationToken))
        {
            throw new NotFoundException($"Transcription {id} was not found.");
        }
    }
}
