using System.Buffers;
using System.Globalization;
using System.Text;

namespace LazyLecture.Whisper.Text;

/// <summary>
/// Turns token ids back into text. ggml model files store each text token as its raw bytes
/// (the GPT-2 byte-to-unicode mapping is already undone), so decoding is byte concatenation + UTF-8.
/// </summary>
internal sealed class WhisperTokenizer
{
    private readonly IReadOnlyList<byte[]> _tokenBytes;

    public WhisperTokenizer(int vocabularySize, IReadOnlyList<byte[]> tokenBytes)
    {
        ArgumentNullException.ThrowIfNull(tokenBytes);
        Special = WhisperSpecialTokens.ForVocabularySize(vocabularySize);
        _tokenBytes = tokenBytes;
        SpaceToken = Find(" "u8);
    }

    public WhisperSpecialTokens Special { get; }

    public int VocabularySize => Special.VocabularySize;

    /// <summary>Id of the single-space token (suppressed as the first token), or -1 if the vocabulary lacks it.</summary>
    public int SpaceToken { get; }

    /// <summary>The stored bytes of a text token; empty for special, timestamp and unknown ids.</summary>
    public ReadOnlySpan<byte> TokenBytes(int token) =>
        token >= 0 && token < Special.EndOfText && token < _tokenBytes.Count ? _tokenBytes[token] : [];

    /// <summary>Text of the text tokens among <paramref name="tokens"/>; special and timestamp tokens are skipped.</summary>
    public string Decode(ReadOnlySpan<int> tokens)
    {
        // bytes first, then one UTF-8 decode: a character may be split across tokens
        var buffer = new ArrayBufferWriter<byte>(256);
        foreach (var token in tokens)
        {
            buffer.Write(TokenBytes(token));
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Id of the token whose stored bytes equal <paramref name="bytes"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> bytes)
    {
        var count = Math.Min(_tokenBytes.Count, Special.EndOfText);
        for (var i = 0; i < count; i++)
        {
            if (bytes.SequenceEqual(_tokenBytes[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A readable name: the text of a text token, or <c>&lt;|…|&gt;</c> for special, language and timestamp tokens.</summary>
    public string TokenToString(int token)
    {
        var s = Special;
        if (token >= s.TimestampBegin && token < s.VocabularySize)
        {
            return string.Create(CultureInfo.InvariantCulture, $"<|{(token - s.TimestampBegin) * 0.02:0.00}|>");
        }

        if (token == s.EndOfText)
        {
            return "<|endoftext|>";
        }

        if (token == s.StartOfTranscript)
        {
            return "<|startoftranscript|>";
        }

        if (token == s.Translate)
        {
            return "<|translate|>";
        }

        if (token == s.Transcribe)
        {
            return "<|transcribe|>";
        }

        if (token == s.StartOfLm)
        {
            return "<|startoflm|>";
        }

        if (token == s.Previous)
        {
            return "<|startofprev|>";
        }

        if (token == s.NoSpeech)
        {
            return "<|nospeech|>";
        }

        if (token == s.NoTimestamps)
        {
            return "<|notimestamps|>";
        }

        var language = token - s.StartOfTranscript - 1;
        if (language >= 0 && language < Math.Min(s.LanguageCount, WhisperLanguages.All.Count) && token < s.Translate)
        {
            return "<|" + WhisperLanguages.All[language].Code + "|>";
        }

        if (token >= 0 && token < s.EndOfText)
        {
            return Encoding.UTF8.GetString(TokenBytes(token));
        }

        return string.Create(CultureInfo.InvariantCulture, $"<|extra_{token}|>");
    }
}
