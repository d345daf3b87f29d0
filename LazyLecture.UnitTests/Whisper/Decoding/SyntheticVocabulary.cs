using System.Text;
using LazyLecture.Whisper.Decoding;
using LazyLecture.Whisper.Text;

namespace LazyLecture.Tests.Whisper.Decoding;

/// <summary>A vocabulary with the real layout (50256 text tokens + specials) and made-up token texts, for rule tests.</summary>
internal static class SyntheticVocabulary
{
    public const int EnglishSize = 51864;
    public const int Space = 220;

    public static WhisperTokenizer English() => Create(EnglishSize);

    public static WhisperTokenizer Create(int vocabularySize)
    {
        var tokens = new List<byte[]>(50257);
        for (var i = 0; i < 50257; i++)
        {
            tokens.Add(i == Space ? " "u8.ToArray() : Encoding.UTF8.GetBytes($" w{i}"));
        }

        return new WhisperTokenizer(vocabularySize, tokens);
    }

    /// <summary>Logits that make <paramref name="token"/> clearly the likeliest, every other token low.</summary>
    public static void Favour(Span<float> logits, int token, float value = 10f)
    {
        logits.Fill(-10f);
        logits[token] = value;
    }

    public static float[] NewLogits() => new float[EnglishSize];

    public static TokenDistribution NewDistribution() => new(EnglishSize);
}
