namespace LazyLecture.Whisper.Model;

/// <summary>The hyper-parameters stored in a whisper.cpp ggml model header, in file order.</summary>
public sealed record WhisperHyperParameters(
    int NVocab,
    int NAudioCtx,
    int NAudioState,
    int NAudioHead,
    int NAudioLayer,
    int NTextCtx,
    int NTextState,
    int NTextHead,
    int NTextLayer,
    int NMels,
    int FType);
