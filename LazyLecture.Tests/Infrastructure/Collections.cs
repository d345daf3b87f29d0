using LazyLecture.Tests.Worker;
using Xunit;

namespace LazyLecture.Tests.Infrastructure;

// Every test collection of the suite, in one place. A class without [Collection] runs in parallel with the others on the
// shared application (AppHostFixture) or on its class fixture.

/// <summary>Tests that compare shared state (the audio folder) or take shared infrastructure down (PostgreSQL, RabbitMQ, the worker): they run one at a time, after the parallel tests.</summary>
[CollectionDefinition(nameof(SerialTests), DisableParallelization = true)]
public sealed class SerialTests;

/// <summary>The tests of the application whose workers consume jobs (PocketSphinx): one application for all of them, one class at a time.</summary>
[CollectionDefinition(nameof(WorkerPipeline))]
public sealed class WorkerPipeline : ICollectionFixture<WorkerPipelineFixture>;

/// <summary>The tests of the application whose worker runs the managed Whisper engine: started once for all of them.</summary>
[CollectionDefinition(nameof(WhisperPipeline))]
public sealed class WhisperPipeline : ICollectionFixture<WhisperPipelineFixture>;
