using System.Runtime.CompilerServices;
using System.Text.Json;
using LazyLecture.Contracts.Live;

namespace LazyLecture.Web.Api;

/// <summary>One event of a transcription's stream: its name, its JSON data and, for chunks, its id (the chunk number).</summary>
public sealed record LiveEvent(string Name, JsonElement Data, string? Id)
{
    public const string State = LiveEventNames.State;
    public const string Chunk = LiveEventNames.Chunk;
    public const string Partial = LiveEventNames.Partial;
    public const string Deleted = LiveEventNames.Deleted;
    public const string Unauthorized = LiveEventNames.Unauthorized;

    public T As<T>() => Data.Deserialize<T>(LectureApi.Json) ?? throw new InvalidOperationException($"The '{Name}' event had no data.");

    /// <summary>The stream's events with their data parsed (the contract's reader; the API sends JSON only). Ends when the server closes the stream.</summary>
    public static async IAsyncEnumerable<LiveEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new ServerSentEventReader(stream);
        await foreach (var next in reader.ReadAllAsync(cancellationToken))
        {
            using var json = JsonDocument.Parse(next.Data);
            yield return new LiveEvent(next.Name, json.RootElement.Clone(), next.Id);
        }
    }
}

/// <summary>The <c>state</c> event's data.</summary>
public sealed record LiveState(string CurrentState, double ProgressSecs, double AudioLenSecs, double Progress, int ChunksSaved, int ErrorCount, string? LastError, bool IsFinished);

/// <summary>The <c>chunk</c> event (a saved chunk) and the <c>partial</c> event (the running chunk so far) share this shape.</summary>
public sealed record LiveChunk(int ChunkNo, IReadOnlyList<Segment> Segments);
