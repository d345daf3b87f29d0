using Aspire.Hosting;
using Aspire.Hosting.Testing;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;

namespace LazyLecture.Tests.Web;

/// <summary>
/// An application of the browser tests' own whose worker really transcribes: PocketSphinx, whose words and times on the
/// shared speech are real (the shared Whisper models have random weights), and 10-second chunks, so a half-minute
/// recording reaches the page as several chunks and partial results while it is being transcribed.
/// </summary>
public sealed class WebPipelineFixture : OwnApplicationFixture
{
    public const int ChunkSizeSecs = 10;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        Project(builder, ResourceNames.Api).WithEnvironment("Transcriptions__ChunkSizeSecs", ChunkSizeSecs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "pocketsphinx");
    }
}
