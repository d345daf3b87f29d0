using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Worker;
using Xunit;

namespace LazyLecture.Tests.Hosting;

/// <summary>
/// Disposing a whole application stops every process it started and deletes its state. It runs last in its collection
/// (<see cref="ApplicationShutdownLast"/>) on that collection's application, a second, independent instance beside the
/// shared one that must not collide with it (ports, node names, epmd).
/// </summary>
[Collection(nameof(WhisperNetPipeline))]
public sealed class ApplicationShutdownTests(WhisperNetPipelineFixture pipeline)
{
    [Fact]
    public async Task Disposing_the_application_leaves_no_process_of_it_behind()
    {
        var application = pipeline.Application;
        var stateDirectory = application.StateDirectory;
        var processes = ProcessTable.Naming(stateDirectory);
        Assert.True(processes.Count >= 2, $"expected the PostgreSQL and RabbitMQ servers among its processes, saw {processes.Count}");

        await application.DisposeAsync();

        await Eventually.MatchesAsync(
            () => Task.FromResult(ProcessTable.Naming(stateDirectory)),
            survivors => survivors.Count == 0, TimeSpan.FromSeconds(30), "every process of the disposed application to end");
        Assert.False(Directory.Exists(stateDirectory), "the test application's state folder was not deleted");
    }
}
