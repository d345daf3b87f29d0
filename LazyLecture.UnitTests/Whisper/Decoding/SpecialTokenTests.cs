using LazyLecture.Whisper.Text;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

public class SpecialTokenTests
{
    [Fact]
    public void English_only_vocabulary_uses_the_gpt2_layout()
    {
        var s = WhisperSpecialTokens.ForVocabularySize(51864);

        Assert.False(s.IsMultilingual);
        Assert.Equal(50256, s.EndOfText);
        Assert.Equal(50257, s.StartOfTranscript);
        Assert.Equal(50357, s.Translate);
        Assert.Equal(50358, s.Transcribe);
        Assert.Equal(50359, s.StartOfLm);
        Assert.Equal(50360, s.Previous);
        Assert.Equal(50361, s.NoSpeech);
        Assert.Equal(50362, s.NoTimestamps);
        Assert.Equal(50363, s.TimestampBegin);
    }

    [Fact]
    public void Multilingual_vocabulary_shifts_specials_by_one_and_has_99_languages_after_sot()
    {
        var s = WhisperSpecialTokens.ForVocabularySize(51865);

        Assert.True(s.IsMultilingual);
        Assert.Equal(99, s.LanguageCount);
        Assert.Equal(50257, s.EndOfText);
        Assert.Equal(50258, s.StartOfTranscript);
        Assert.Equal(50259, s.Language(WhisperLanguages.IndexOf("en")));
        Assert.Equal(50259 + 42, s.Language(WhisperLanguages.IndexOf("lv")));
        Assert.Equal(50358, s.Translate);
        Assert.Equal(50359, s.Transcribe);
        Assert.Equal(50360, s.StartOfLm);
        Assert.Equal(50361, s.Previous);
        Assert.Equal(50362, s.NoSpeech);
        Assert.Equal(50363, s.NoTimestamps);
        Assert.Equal(50364, s.TimestampBegin);
    }

    [Fact]
    public void Large_v3_vocabulary_makes_room_for_a_hundredth_language()
    {
        var s = WhisperSpecialTokens.ForVocabularySize(51866);

        Assert.Equal(100, s.LanguageCount);
        Assert.Equal(50359, s.Translate);
        Assert.Equal(50365, s.TimestampBegin);
    }

    [Fact]
    public void Language_table_follows_whisper_cpp_order()
    {
        Assert.Equal(100, WhisperLanguages.All.Count);
        Assert.Equal("en", WhisperLanguages.All[0].Code);
        Assert.Equal("lv", WhisperLanguages.All[42].Code);
        Assert.Equal("yue", WhisperLanguages.All[99].Code);
        Assert.Equal(2, WhisperLanguages.IndexOf("german"));
    }

    [Fact]
    public void Special_and_timestamp_tokens_have_readable_names()
    {
        var tokenizer = SyntheticVocabulary.English();

        Assert.Equal("<|endoftext|>", tokenizer.TokenToString(50256));
        Assert.Equal("<|startoftranscript|>", tokenizer.TokenToString(50257));
        Assert.Equal("<|notimestamps|>", tokenizer.TokenToString(50362));
        Assert.Equal("<|0.00|>", tokenizer.TokenToString(50363));
        Assert.Equal("<|1.50|>", tokenizer.TokenToString(50363 + 75));
        Assert.Equal("<|30.00|>", tokenizer.TokenToString(51863));
        Assert.Equal(" w400", tokenizer.TokenToString(400));
    }

    [Fact]
    public void Decoding_joins_bytes_before_utf8_so_split_characters_survive_and_specials_vanish()
    {
        var tokens = new List<byte[]>();
        for (var i = 0; i < 50257; i++)
        {
            tokens.Add([(byte)'x']);
        }

        tokens[1] = [0x20, 0xEB];
        tokens[2] = [0xB0, 0xB0];
        var tokenizer = new WhisperTokenizer(51864, tokens);

        Assert.Equal(" 배", tokenizer.Decode([50257, 50363, 1, 2, 50256]));
    }
}
