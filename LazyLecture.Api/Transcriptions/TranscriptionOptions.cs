using System.ComponentModel.DataAnnotations;

namespace LazyLecture.Api.Transcriptions;

/// <summary>Upload and job rules (section <c>Transcriptions</c>); the defaults are the specification's.</summary>
public sealed class TranscriptionOptions
{
    public const string Section = "Transcriptions";

    [Range(1, 24 * 3600)]
    public double MinDurationSecs { get; set; } = 10;

    [Range(1, 24 * 3600)]
    public double MaxDurationSecs { get; set; } = 2 * 3600;

    /// <summary>Larger uploads are refused with 413 while streaming, before they fill the disk.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxUploadBytes { get; set; } = 1L << 30;

    [Range(10, 3600)]
    public double ChunkSizeSecs { get; set; } = 900;

    /// <summary>Transcriptions kept per user; creating one more deletes the oldest finished one with its audio.</summary>
    [Range(1, 100_000)]
    public int RetentionLimit { get; set; } = 100;
}
