using System.Text.Json;
using LazyLecture.Contracts;
using LazyLecture.Contracts.Jobs;
using Xunit;

namespace LazyLecture.Tests.Contracts;

/// <summary>The JSON every process speaks: snake_case names and enum values, enums by name only.</summary>
public class WireJsonTests
{
    private sealed record Sample(int ChunkNo, double AudioLenSecs, TranscriptionState CurrentState);

    [Fact]
    public void Names_and_enum_values_are_snake_case()
    {
        var json = JsonSerializer.Serialize(new Sample(3, 12.5, TranscriptionState.CompletedPartially), WireJson.Options);

        Assert.Equal("""{"chunk_no":3,"audio_len_secs":12.5,"current_state":"completed_partially"}""", json);
    }

    [Fact]
    public void A_worker_report_reads_back_as_it_was_written()
    {
        var report = new StateReport(TranscriptionState.ProcessingError, "ffmpeg failed", PromptSupported: false);

        var json = JsonSerializer.Serialize(report, WireJson.Options);

        Assert.Equal("""{"state":"processing_error","error":"ffmpeg failed","prompt_supported":false}""", json);
        Assert.Equal(report, JsonSerializer.Deserialize<StateReport>(json, WireJson.Options));
    }

    [Theory]
    [InlineData("""{"state": 3}""")]
    [InlineData("""{"state": "no_such_state"}""")]
    public void An_enum_is_read_by_its_name_only(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<StateReport>(json, WireJson.Options));
    }

    [Fact]
    public void Problem_details_trace_id_keeps_its_spelling()
    {
        Assert.Equal("traceId", WireJson.Naming.ConvertName("traceId"));
        Assert.Equal("last_error", WireJson.Naming.ConvertName("LastError"));
    }

    [Fact]
    public void The_shared_options_cannot_be_changed_by_one_caller_for_all()
    {
        Assert.True(WireJson.Options.IsReadOnly);
        Assert.Throws<InvalidOperationException>(() => WireJson.Options.PropertyNamingPolicy = null);
    }
}
