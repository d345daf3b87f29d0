using LazyLecture.Contracts;
using Aspire.Hosting;
using LazyLecture.Tests.Infrastructure;

namespace LazyLecture.Tests.OpenAi;

/// <summary>
/// An application whose worker runs Whisper on the synthetic multilingual micro model, whose outputs whisper.cpp has
/// recorded (decoded greedily without fall-back, as <c>-nf -bs 1</c>), and whose API advertises that model on <c>/v1/models</c>. The worker detects
/// the language unless a call names one, so a call's <c>language</c> visibly changes the text.
/// </summary>
public sealed class OpenAiPipelineFixture : OwnApplicationFixture
{
    public const string ModelName = "synthetic-micro";

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var worker = Project(builder, ResourceNames.Worker);
        worker.WithEnvironment("Worker__ConsumeJobs", "true");
        worker.WithEnvironment("Worker__Engine", "whisper");
        worker.WithEnvironment("Engines__Whisper__ModelPath", SharedAssets.PathOf("models/synthetic-micro.bin"));
        worker.WithEnvironment("Engines__Whisper__NoFallback", "true");
        worker.WithEnvironment("Engines__Whisper__BeamSize", "1");
        worker.WithEnvironment("Engines__Whisper__Threads", "2");
        worker.WithEnvironment("Engines__Whisper__Language", "auto");
        Project(builder, ResourceNames.Api).WithEnvironment("OpenAi__Model", ModelName);
    }
}
