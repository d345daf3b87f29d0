namespace LazyLecture.Api.Transcriptions.Audio;

/// <summary>
/// At start, removes the staged uploads of requests that died with an earlier API process (killed mid-upload): nothing
/// refers to them, and without this they would stay in the audio store forever.
/// </summary>
public sealed class AbandonedUploadSweep(IAudioStore store, ILogger<AbandonedUploadSweep> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var deleted = store.DeleteAbandonedUploads();
        if (deleted > 0)
        {
            logger.LogWarning("Deleted {Count} abandoned upload(s) left by an earlier API process", deleted);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
