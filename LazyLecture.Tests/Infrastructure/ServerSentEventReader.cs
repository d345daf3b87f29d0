using System.Text.Json.Nodes;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>One dispatched server-sent event.</summary>
public sealed record ServerSentEvent(string Name, string Data, string? Id)
{
    public JsonObject Json => JsonNode.Parse(Data)!.AsObject();
}

/// <summary>
/// Parses a text/event-stream as the HTML standard describes: field lines (<c>event</c>, <c>data</c>, <c>id</c>), comment
/// lines starting with a colon, and a blank line that dispatches the event (an event without data is not dispatched).
/// </summary>
public sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream);

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        string? name = null, id = null;
        var data = new List<string>();
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    return new ServerSentEvent(name ?? "message", string.Join('\n', data), id);
                }

                name = null;
                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            value = value.StartsWith(' ') ? value[1..] : value;
            switch (field)
            {
                case "event":
                    name = value;
                    break;
                case "data":
                    data.Add(value);
                    break;
                case "id":
                    id = value;
                    break;
            }
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();
}
