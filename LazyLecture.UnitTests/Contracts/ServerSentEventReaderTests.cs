using System.Text;
using LazyLecture.Contracts.Live;
using Xunit;

namespace LazyLecture.Tests.Contracts;

/// <summary>The one event-stream reader (web app and tests) on the inputs the HTML standard allows, not just the API's own.</summary>
public class ServerSentEventReaderTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Data_lines_join_with_line_feeds_and_a_blank_line_dispatches()
    {
        var events = await ReadAllAsync("event: chunk\nid: 4\ndata: {\"a\":\ndata: 1}\n\ndata: second\n\n");

        Assert.Equal([new ServerSentEvent("chunk", "{\"a\":\n1}", "4"), new ServerSentEvent("message", "second", null)], events);
    }

    [Fact]
    public async Task Comments_are_skipped_and_keep_no_event_open()
    {
        var events = await ReadAllAsync(": stream open\n\n: keep-alive\nevent: state\n: in between\ndata: {}\n\n: keep-alive\n\n");

        Assert.Equal([new ServerSentEvent("state", "{}", null)], events);
    }

    [Theory]
    [InlineData("\r\n")]
    [InlineData("\r")]
    [InlineData("\n")]
    public async Task Lines_may_end_in_crlf_cr_or_lf(string lineEnd)
    {
        var events = await ReadAllAsync(string.Join(lineEnd, "event: state", "data: one", "data: two", "", "event: deleted", "data: {}", "", ""));

        Assert.Equal([new ServerSentEvent("state", "one\ntwo", null), new ServerSentEvent("deleted", "{}", null)], events);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    public async Task Events_split_across_reads_arrive_whole(int bytesPerRead)
    {
        // A CRLF cut between its two bytes must still end one line, not two; "é" is cut between its UTF-8 bytes.
        const string text = "event: partial\r\ndata: {\"text\":\"café\"}\r\n\r\nevent: chunk\r\nid: 0\r\ndata: [1,\r\ndata: 2]\r\n\r\n";

        var events = await ReadAllAsync(new TrickleStream(Encoding.UTF8.GetBytes(text), bytesPerRead));

        Assert.Equal([new ServerSentEvent("partial", "{\"text\":\"café\"}", null), new ServerSentEvent("chunk", "[1,\n2]", "0")], events);
    }

    [Fact]
    public async Task Retry_sets_the_reconnection_time_and_only_digits_count()
    {
        using var reader = Reader("retry: 2500\n\nretry: 3s\nretry: -1\nretry:\ndata: x\n\n");

        var first = await reader.ReadAsync(Cancellation);

        Assert.Equal(new ServerSentEvent("message", "x", null), first);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), reader.ReconnectionTime);
    }

    [Fact]
    public async Task The_last_event_id_outlives_its_event_but_an_event_reports_only_its_own()
    {
        using var reader = Reader("event: chunk\nid: 7\ndata: {}\n\nevent: state\ndata: {}\n\n");

        var chunk = await reader.ReadAsync(Cancellation);
        var state = await reader.ReadAsync(Cancellation);

        Assert.Equal("7", chunk!.Id);
        Assert.Null(state!.Id);
        Assert.Equal("7", reader.LastEventId);
    }

    [Fact]
    public async Task One_space_after_the_colon_is_dropped_a_second_is_data()
    {
        var events = await ReadAllAsync("data:no space\n\ndata:  two spaces\n\ndata\n\n");

        Assert.Equal(["no space", " two spaces", ""], events.Select(e => e.Data));
    }

    [Fact]
    public async Task An_event_without_data_is_not_dispatched_and_resets_its_name()
    {
        var events = await ReadAllAsync("event: state\nid: 1\n\ndata: plain\n\n");

        Assert.Equal([new ServerSentEvent("message", "plain", null)], events);
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_an_event_cut_off_by_the_end_of_the_stream_is_dropped()
    {
        var events = await ReadAllAsync("\uFEFFevent: state\nfoo: bar\ndata: whole\n\nevent: chunk\ndata: cut off");

        Assert.Equal([new ServerSentEvent("state", "whole", null)], events);
    }

    [Fact]
    public async Task An_empty_stream_ends_at_once()
    {
        using var reader = Reader("");

        Assert.Null(await reader.ReadAsync(Cancellation));
    }

    private static ServerSentEventReader Reader(string text) => new(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static Task<List<ServerSentEvent>> ReadAllAsync(string text) => ReadAllAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static async Task<List<ServerSentEvent>> ReadAllAsync(Stream stream)
    {
        using var reader = new ServerSentEventReader(stream);
        var events = new List<ServerSentEvent>();
        await foreach (var next in reader.ReadAllAsync(Cancellation))
        {
            events.Add(next);
        }

        return events;
    }

    /// <summary>A network stream's behaviour: each read returns at most a few bytes, wherever they fall.</summary>
    private sealed class TrickleStream(byte[] content, int bytesPerRead) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var length = Math.Min(Math.Min(bytesPerRead, buffer.Length), content.Length - _position);
            content.AsSpan(_position, length).CopyTo(buffer);
            _position += length;
            return length;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
