namespace LazyLecture.Whisper;

/// <summary>A whisper.cpp ggml model file, memory-mapped; weights are read-only and shared by concurrent jobs.</summary>
public sealed class WhisperModel : IDisposable
{
    private WhisperModel()
    {
        throw new NotImplementedException();
    }

    public static WhisperModel Load(string path) => throw new NotImplementedException();

    public WhisperHyperParameters HyperParameters { get; } = null!;

    /// <summary>True for the 99-language vocabulary (n_vocab ≥ 51865).</summary>
    public bool IsMultilingual => HyperParameters.NVocab >= 51865;

    /// <summary>Raw bytes of each token id stored in the file; ids past the stored count are special tokens.</summary>
    public IReadOnlyList<byte[]> TokenBytes { get; } = [];

    public MelFilterBank MelFilters { get; } = null!;

    public long FileSizeBytes { get; }

    public void Dispose()
    {
    }
}
