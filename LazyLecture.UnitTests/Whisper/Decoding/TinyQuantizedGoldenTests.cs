using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Whisper.Core;
using LazyLecture.Whisper.Model;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

/// <summary>
/// The quantized tiny goldens: synthetic-tiny.en.bin quantized here with ggml's reference rounding (the files are not
/// shipped; the quantizer reproduces whisper.cpp's sha256 byte for byte), then decoded greedily as whisper.cpp did.
/// </summary>
public sealed class TinyQuantizedGoldenTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lazylecture-tiny-quantized-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("Q8_0", "tiny-q8_0-jfk-greedy.json")]
    [InlineData("Q5_1", "tiny-q5_1-jfk-greedy.json")]
    [InlineData("Q5_0", "tiny-q5_0-jfk-greedy.json")]
    public async Task Greedy_decode_of_the_quantized_tiny_model_equals_whisper_cpp(string type, string golden)
    {
        var path = Path.Combine(_directory, $"synthetic-tiny.en-{type.ToLowerInvariant()}.bin");
        GgmlQuantizer.QuantizeModel(SharedAssets.Require("models/synthetic-tiny.en.bin"), path, Enum.Parse<GgmlType>(type));

        var result = await GoldenTranscriptionTests.Transcribe(path, "jfk.wav", GoldenTranscriptionTests.GoldenOptions);

        GoldenTranscriptionTests.AssertSameSegments(GoldenSegment.Load(golden), result.Segments);
    }
}
