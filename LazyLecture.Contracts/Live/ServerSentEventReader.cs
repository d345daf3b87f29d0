using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace LazyLecture.Contracts.Live;

/// <summary>
/// One dispatched event: its type (<c>message</c> when the stream named none), its data (the <c>data</c> lines joined by line
/// feeds) and the <c>id</c> it carried itself, null when it carried none.
/// </summary>
public sealed record ServerSentEvent(string Name, string Data, string? Id);

/// <summary>
/// Reads a <c>text/event-stream</c> as the HTML standard's event-stream interpretation describes it: lines end in CRLF, LF or
/// CR; <c>field: value</c> lines (one space after the colon dropped) build an event and a blank line dispatches it; lines
/// starting with a colon are comments (keep-alives); <c>retry</c> sets the reconnection time; an event without data is not
/// dispatched, and one the stream ends in the middle of is dropped.
/// </summary>
public sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    public const string ContentType = "text/event-stream";

    private const string DefaultEventName = "message";

    // UTF-8 only (the standard's rule), a leading byte order mark skipped.
    private readonly StreamReader _lines = new(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);

    private bool _atStart = true;

    /// <summary>The last event id the stream set (it persists across events): what a reconnecting client sends as <c>Last-Event-ID</c>.</summary>
    public string? LastEventId { get; private set; }

    /// <summary>How long to wait before reconnecting, when the stream said (<c>retry: milliseconds</c>).</summary>
    public TimeSpan? ReconnectionTime { get; private set; }

    /// <summary>The next event, or null once the stream has ended.</summary>
    public async Task<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? name = null, id = null;
        StringBuilder? data = null;
        while (await _lines.ReadLineAsync(cancellationToken) is { } line)
        {
            if (_atStart)
            {
                _atStart = false;
                line = line.StartsWith('\uFEFF') ? line[1..] : line;
            }

            if (line.Length == 0)
            {
                if (data is not null)
                {
                    return new ServerSentEvent(string.IsNullOrEmpty(name) ? DefaultEventName : name, data.ToString(), id);
                }

                name = id = null;
                continue;
            }

            if (line[0] == ':')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    (data is null ? data = new StringBuilder() : data.Append('\n')).Append(value);
                    break;
                case "id" when !value.Contains('\0', StringComparison.Ordinal):
                    id = value;
                    LastEventId = value;
                    break;
                // digits only; beyond int's range (weeks) it is not a delay anyone means, so ignored
                case "retry" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                    ReconnectionTime = TimeSpan.FromMilliseconds(milliseconds);
                    break;
            }
        }

        return null;
    }

    /// <summary>Every event until the stream ends.</summary>
    public async IAsyncEnumerable<ServerSentEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await ReadAsync(cancellationToken) is { } next)
        {
            yield return next;
        }
    }

    public void Dispose() => _lines.Dispose();
}
