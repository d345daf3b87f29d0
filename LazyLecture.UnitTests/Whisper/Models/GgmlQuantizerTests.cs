using System.Security.Cryptography;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Model;
using Xunit;

namespace LazyLecture.Tests.Whisper.Models;

/// <summary>The quantizer reproduces whisper.cpp v1.7.5's <c>quantize</c> byte for byte (sha256 listed in the shared models' README).</summary>
public sealed class GgmlQuantizerTests : IDisposable
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("lazylecture-quantizer-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Theory]
    [InlineData("Q8_0", "e763ef330d23fda2e3780908f5c0f29ddbe752105c18866926f14d85ae8958c0")]
    [InlineData("Q5_1", "1b2596fa9140e63b7307bbc6c2d968f16e1829b74b729eea79d9b859588e32df")]
    [InlineData("Q5_0", "3da73f7aeb2476aafcfb5ad62a8555ef6ba2e198430fe9e0b61c902e27704dcb")]
    [InlineData("Q4_0", "61bc79ae36a4853b489d21d2c0553d26b2b1e26d287b89f6e7ffd6b04db41981")]
    public void Quantizing_synthetic_tiny_gives_the_file_whisper_cpp_quantize_gives(string type, string sha256)
    {
        var source = SharedAssets.Require("models/synthetic-tiny.en.bin");
        var destination = Path.Combine(_tempDir, $"tiny-{type}.bin");

        GgmlQuantizer.QuantizeModel(source, destination, Enum.Parse<GgmlType>(type));

        Assert.Equal(sha256, Sha256Of(destination));
    }

    [Theory]
    [InlineData("synthetic-micro.en.bin", "Q8_0", "synthetic-micro.en-q8_0.bin")]
    [InlineData("synthetic-micro.en.bin", "Q5_1", "synthetic-micro.en-q5_1.bin")]
    [InlineData("synthetic-micro.en.bin", "Q5_0", "synthetic-micro.en-q5_0.bin")]
    [InlineData("synthetic-micro-v3.bin", "Q5_0", "synthetic-micro-v3-q5_0.bin")]
    public void Quantizing_a_shared_micro_model_reproduces_the_shipped_quantized_file(string source, string type, string shipped)
    {
        var expected = SharedAssets.Require($"models/{shipped}");
        var destination = Path.Combine(_tempDir, shipped);

        GgmlQuantizer.QuantizeModel(SharedAssets.Require($"models/{source}"), destination, Enum.Parse<GgmlType>(type));

        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(destination));
    }

    [Fact]
    public void Matrices_are_quantized_while_vectors_conv_kernels_conv_biases_and_positions_keep_their_type()
    {
        var destination = Path.Combine(_tempDir, "micro-q4_1.bin");

        GgmlQuantizer.QuantizeModel(SharedAssets.Require("models/synthetic-micro.en.bin"), destination, GgmlType.Q4_1);

        using var model = WhisperModel.Load(destination);
        Assert.Equal(WhisperWeightType.Q4_1, model.WeightType);
        Assert.Equal(2003, BitConverter.ToInt32(File.ReadAllBytes(destination), 4 + 10 * 4)); // 2000 + GGML_FTYPE_MOSTLY_Q4_1
        Assert.Equal(GgmlType.Q4_1, model.Tensors["decoder.token_embedding.weight"].Type);
        Assert.Equal(GgmlType.Q4_1, model.Tensors["encoder.blocks.0.attn.query.weight"].Type);
        Assert.Equal(GgmlType.F16, model.Tensors["encoder.conv1.weight"].Type);
        Assert.Equal(GgmlType.F32, model.Tensors["encoder.conv1.bias"].Type);
        Assert.Equal(GgmlType.F32, model.Tensors["encoder.positional_embedding"].Type);
        Assert.Equal(GgmlType.F32, model.Tensors["decoder.positional_embedding"].Type);
        Assert.Equal(GgmlType.F32, model.Tensors["decoder.blocks.0.mlp.0.bias"].Type);
    }

    [Fact]
    public void An_already_quantized_model_is_refused_and_no_file_is_left()
    {
        var destination = Path.Combine(_tempDir, "twice.bin");

        var error = Assert.Throws<WhisperModelException>(() =>
            GgmlQuantizer.QuantizeModel(SharedAssets.Require("models/synthetic-micro.en-q8_0.bin"), destination, GgmlType.Q5_0));

        Assert.Contains("already Q8_0", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_tempDir));
    }

    [Theory]
    [InlineData("synthetic-tiny.en.bin", WhisperWeightType.F16)]
    [InlineData("synthetic-micro.en-q8_0.bin", WhisperWeightType.Q8_0)]
    [InlineData("synthetic-micro.en-q5_1.bin", WhisperWeightType.Q5_1)]
    [InlineData("synthetic-micro-v3-q5_0.bin", WhisperWeightType.Q5_0)]
    public void The_weight_type_is_read_from_the_header_alone(string file, WhisperWeightType expected) =>
        Assert.Equal(expected, WhisperModel.ReadWeightType(SharedAssets.Require($"models/{file}")));

    [Fact]
    public void A_file_too_short_for_a_header_has_no_weight_type()
    {
        var path = Path.Combine(_tempDir, "short.bin");
        File.WriteAllBytes(path, [0x6c, 0x6d, 0x67, 0x67, 1, 0, 0, 0]);

        var error = Assert.Throws<WhisperModelException>(() => WhisperModel.ReadWeightType(path));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    internal static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
