using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Text;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

public class VocabularyTests
{
    [Fact]
    public void English_model_vocabulary_decodes_tokens_to_their_text()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var tokenizer = new WhisperTokenizer(model.HyperParameters.NVocab, model.TokenBytes);

        Assert.False(tokenizer.Special.IsMultilingual);
        Assert.Equal(220, tokenizer.SpaceToken);
        Assert.Equal(" John lap", tokenizer.Decode([50257, 50363, 1757, 14779, 50256]));
        Assert.Equal("<|0.34|>", tokenizer.TokenToString(50363 + 17));
    }

    [Fact]
    public void Multilingual_model_vocabulary_decodes_multibyte_text_and_names_languages()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.bin"));
        var tokenizer = new WhisperTokenizer(model.HyperParameters.NVocab, model.TokenBytes);

        Assert.True(tokenizer.Special.IsMultilingual);
        Assert.Equal(" 배 Jefferson", tokenizer.Decode([14155, 25747, 50257]));
        Assert.Equal("<|lv|>", tokenizer.TokenToString(50258 + 1 + 42));
        Assert.Equal("<|transcribe|>", tokenizer.TokenToString(50359));
    }
}
