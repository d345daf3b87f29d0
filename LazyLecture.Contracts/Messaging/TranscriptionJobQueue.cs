namespace LazyLecture.Contracts.Messaging;

/// <summary>
/// The RabbitMQ topology for transcription jobs, declared identically by the API (publisher) and the worker (consumer):
/// a durable queue whose rejected or repeatedly failing messages go to a dead-letter queue.
/// </summary>
public static class TranscriptionJobQueue
{
    public const string Name = "transcription-jobs";
    public const string DeadLetterName = "transcription-jobs.dead";
}

/// <summary>The job message: which transcription to process, for whom (the original's <c>{transcription_id, user_id}</c>).</summary>
public sealed record TranscriptionJob(int TranscriptionId, int UserId);
