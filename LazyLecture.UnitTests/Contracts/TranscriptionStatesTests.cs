using System.Text.Json;
using LazyLecture.Contracts;
using Xunit;

namespace LazyLecture.Tests.Contracts;

/// <summary>The finished rule and the states' wire spelling that the API, the worker and the web app share.</summary>
public class TranscriptionStatesTests
{
    [Theory]
    [InlineData("queued", false)]
    [InlineData("in_progress", false)]
    [InlineData("processing_error", false)]
    [InlineData("completed", true)]
    [InlineData("completed_partially", true)]
    [InlineData("processing_fail", true)]
    [InlineData("cancelled", true)]
    public void A_job_is_finished_after_completion_partial_completion_failure_or_cancellation_only(string wireName, bool finished)
    {
        var state = TranscriptionStates.Parse(wireName);

        Assert.NotNull(state);
        Assert.Equal(finished, state.Value.IsFinished());
        Assert.Equal(finished, TranscriptionStates.IsFinished(wireName));
        Assert.Equal(wireName, state.Value.ToWireName());
    }

    [Fact]
    public void Every_state_is_either_active_or_finished()
    {
        var all = Enum.GetValues<TranscriptionState>();

        Assert.Empty(TranscriptionStates.Active.Intersect(TranscriptionStates.Finished));
        Assert.Equal(all.Order(), TranscriptionStates.Active.Concat(TranscriptionStates.Finished).Order());
        Assert.All(TranscriptionStates.Active, state => Assert.False(state.IsFinished()));
    }

    [Theory]
    [InlineData("InProgress")]
    [InlineData("IN_PROGRESS")]
    [InlineData(" in_progress")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData(null)]
    public void Only_the_exact_wire_spelling_is_a_state(string? wireName)
    {
        Assert.Null(TranscriptionStates.Parse(wireName));
        Assert.False(TranscriptionStates.IsFinished(wireName!));
    }

    [Fact]
    public void The_wire_spelling_is_the_one_json_writes()
    {
        foreach (var state in Enum.GetValues<TranscriptionState>())
        {
            Assert.Equal($"\"{state.ToWireName()}\"", JsonSerializer.Serialize(state, WireJson.Options));
        }
    }
}
