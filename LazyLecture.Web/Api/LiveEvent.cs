using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace LazyLecture.Web.Api;

/// <summary>One event of a transcription's stream: its name, its JSON data and, for chunks, its id (the chunk number).</summary>
public sealed record LiveEvent(string Name, JsonElement Data, string? Id)
{
    public const string State = "state";
    public const string Chunk = "chunk";
    public const string Partial = "partial";
    public const string Deleted = "deleted";
    public const string Unauthorized = "unauthorized";

    public T As<T>() => Data.Deserialize<T>(LectureApi.Json) ?? throw new InvalidOperationException($"The '{Name}' event had no data.");

    /// <summary>
    /// Parses <c>text/event-stream</c>: <c>field: value</c> lines make up an event, a blank line ends it, lines starting
    /// with a colon are comments (the API's keep-alives). Ends when the server closes the stream.
    /// </summary>
    public static async IAsyncEnumerable<LiveEvent> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lines = new StreamReader(stream, Encoding.UTF8);
        var name = "message";
        string? id = null;
        var data = new StringBuilder();
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
                switch (field)
                {
                    case "event": name = value; break;
                    case "id": id = value; break;
                    case "data": data.Append(data.Length > 0 ? "\n" : "").Append(value); break;
                }

                continue;
            }

            if (data.Length > 0)
            {
                using var json = JsonDocument.Parse(data.ToString());
                yield return new LiveEvent(name, json.RootElement.Clone(), id);
            }

            (name, id) = ("message", null);
            data.Clear();
        }
    }
}

/// <summary>The <c>state</c> event's data.</summary>
public sealed record LiveState(string CurrentState, double ProgressSecs, double AudioLenSecs, double Progress, int ChunksSaved, int ErrorCount, string? LastError, bool IsFinished);

/// <summary>The <c>chunk</c> event (a saved chunk) and the <c>partial</c> event (the running chunk so far) share this shape.</summary>
public sealed record LiveChunk(int ChunkNo, IReadOnlyList<Segment> Segments);
