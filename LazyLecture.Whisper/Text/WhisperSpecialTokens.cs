namespace LazyLecture.Whisper.Text;

/// <summary>
/// Ids of the special tokens, derived from the vocabulary size exactly as whisper.cpp does:
/// English-only models (n_vocab 51864) use the GPT-2 layout; multilingual ones shift everything after
/// the text tokens by one and make room for their language tokens after sot.
/// </summary>
public sealed record WhisperSpecialTokens
{
    /// <summary>whisper.cpp's threshold: a vocabulary this large is multilingual.</summary>
    public const int FirstMultilingualVocabularySize = 51865;

    public required int VocabularySize { get; init; }
    public required bool IsMultilingual { get; init; }
    public required int LanguageCount { get; init; }
    public required int EndOfText { get; init; }
    public required int StartOfTranscript { get; init; }
    public required int Translate { get; init; }
    public required int Transcribe { get; init; }
    public required int StartOfLm { get; init; }
    public required int Previous { get; init; }
    public required int NoSpeech { get; init; }
    public required int NoTimestamps { get; init; }
    public required int TimestampBegin { get; init; }

    public static WhisperSpecialTokens ForVocabularySize(int vocabularySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 51864);
        var multilingual = vocabularySize >= FirstMultilingualVocabularySize;
        // whisper.cpp: num_languages = n_vocab - 51765 - (multilingual ? 1 : 0)
        var languages = vocabularySize - 51765 - (multilingual ? 1 : 0);
        var textShift = multilingual ? 1 : 0;
        var languageShift = multilingual ? languages - 98 : 0;
        return new WhisperSpecialTokens
        {
            VocabularySize = vocabularySize,
            IsMultilingual = multilingual,
            LanguageCount = languages,
            EndOfText = 50256 + textShift,
            StartOfTranscript = 50257 + textShift,
            Translate = 50357 + languageShift,
            Transcribe = 50358 + languageShift,
            StartOfLm = 50359 + languageShift,
            Previous = 50360 + languageShift,
            NoSpeech = 50361 + languageShift,
            NoTimestamps = 50362 + languageShift,
            TimestampBegin = 50363 + languageShift,
        };
    }

    /// <summary>The token of language index i (whisper.cpp's whisper_token_lang: sot + 1 + i).</summary>
    public int Language(int languageIndex) => StartOfTranscript + 1 + languageIndex;

    public bool IsTimestamp(int token) => token >= TimestampBegin;

    public bool IsText(int token) => token < EndOfText;
}
