namespace LazyLecture.Whisper.Decoding;

/// <summary>
/// One sampled token as whisper.cpp's whisper_token_data: its probability and log-probability after the
/// logit filters, and the most likely timestamp token at that step (used for a segment's start time).
/// </summary>
internal readonly record struct SampledToken(
    int Id,
    int TimestampId,
    float Probability,
    float LogProbability,
    float TimestampProbability,
    float TimestampProbabilitySum);
