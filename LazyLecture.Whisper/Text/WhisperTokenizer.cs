using System.Buffers;
using System.Globalization;
using System.Text;

namespace LazyLecture.Whisper.Text;

/// <summary>
/// Turns token ids back into text and text into token ids. ggml model files store each text token as its raw bytes
/// (the GPT-2 byte-to-unicode mapping is already undone), so decoding is byte concatenation + UTF-8.
/// </summary>
internal sealed class WhisperTokenizer
{
    private readonly IReadOnlyList<byte[]> _tokenBytes;
    private readonly Lazy<Dictionary<string, int>> _tokensByBytes;

    public WhisperTokenizer(int vocabularySize, IReadOnlyList<byte[]> tokenBytes)
    {
        ArgumentNullException.ThrowIfNull(tokenBytes);
        Special = WhisperSpecialTokens.ForVocabularySize(vocabularySize);
        _tokenBytes = tokenBytes;
        SpaceToken = Find(" "u8);
        _tokensByBytes = new Lazy<Dictionary<string, int>>(BuildTokenLookup);
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

    /// <summary>
    /// Text to token ids as whisper.cpp's whisper_tokenize (what its initial_prompt goes through): the text's UTF-8 bytes
    /// split into GPT-2's words (<see cref="PromptWordSplitter"/>), then each word covered from the left by the longest
    /// stored token that matches; a byte no token covers is skipped, as whisper.cpp does (GPT-2's vocabulary has every byte).
    /// </summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var tokens = new List<int>();
        var lookup = _tokensByBytes.Value;
        foreach (var word in PromptWordSplitter.Split(bytes))
        {
            var (start, length) = word.GetOffsetAndLength(bytes.Length);
            var end = start + length;
            while (start < end)
            {
                var found = false;
                for (var stop = end; stop > start; stop--)
                {
                    if (lookup.TryGetValue(Encoding.Latin1.GetString(bytes, start, stop - start), out var token))
                    {
                        tokens.Add(token);
                        start = stop;
                        found = true;
                        break;
                    }
                }

                if (!found)
                {
                    start++;
                }
            }
        }

        return tokens;
    }

    // Token bytes as Latin-1 strings (one char per byte, so equal strings are equal bytes) to ids; a repeated entry
    // keeps its last id, as whisper.cpp's token_to_id map does. Built on first use: only prompts need it.
    private Dictionary<string, int> BuildTokenLookup()
    {
        var lookup = new Dictionary<string, int>(_tokenBytes.Count, StringComparer.Ordinal);
        for (var i = 0; i < _tokenBytes.Count; i++)
        {
            lookup[Encoding.Latin1.GetString(_tokenBytes[i])] = i;
        }

        return lookup;
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
