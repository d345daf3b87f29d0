using System.Text.Json.Nodes;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>One dispatched server-sent event, with its data as a JSON object for assertions.</summary>
public sealed record ServerSentEvent(string Name, string Data, string? Id)
{
    public JsonObject Json => JsonNode.Parse(Data)!.AsObject();
}

/// <summary>The tests' handle on the contract's event-stream reader (the one the web app uses too), giving <see cref="ServerSentEvent"/>s.</summary>
public sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private readonly Contracts.Live.ServerSentEventReader _reader = new(stream);

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<ServerSentEvent?> ReadAsync(CancellationToken cancellationToken) =>
        await _reader.ReadAsync(cancellationToken) is { } next ? new ServerSentEvent(next.Name, next.Data, next.Id) : null;

    public void Dispose() => _reader.Dispose();
}
