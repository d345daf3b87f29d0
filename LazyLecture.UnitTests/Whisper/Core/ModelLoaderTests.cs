using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Model;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

public sealed class ModelLoaderTests : IDisposable
{
    private readonly string _tempDir = Directory.CreateTempSubdirectory("lazylecture-model-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Fact]
    public void Tiny_en_model_loads_with_the_hyper_parameters_of_tiny_en()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-tiny.en.bin"));
        Assert.Equal(new WhisperHyperParameters(51864, 1500, 384, 6, 4, 448, 384, 6, 4, 80, 1), model.HyperParameters);
        Assert.False(model.IsMultilingual);
        Assert.Equal(80, model.MelFilters.Bins);
        Assert.Equal(201, model.MelFilters.FftBins);
        Assert.Equal(new FileInfo(SharedAssets.Require("models/synthetic-tiny.en.bin")).Length, model.FileSizeBytes);
        Assert.Equal(GgmlType.F16, model.Tensors["decoder.token_embedding.weight"].Type);
        Assert.Equal(GgmlType.F32, model.Tensors["encoder.positional_embedding"].Type);
    }

    [Fact]
    public void Vocabulary_holds_the_byte_level_tokens_of_the_english_model()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.en.bin"));
        Assert.Equal(50257, model.TokenBytes.Count);
        Assert.Equal("!"u8.ToArray(), model.TokenBytes[0]);
        Assert.Equal(" the"u8.ToArray(), model.TokenBytes[262]);
    }

    [Fact]
    public void Multilingual_model_is_recognised_by_its_vocabulary_size()
    {
        using var model = WhisperModel.Load(SharedAssets.Require("models/synthetic-micro.bin"));
        Assert.True(model.IsMultilingual);
        Assert.Equal(51865, model.HyperParameters.NVocab);
    }

    [Fact]
    public void Bad_magic_is_rejected_with_the_magic_in_the_message()
    {
        var bytes = File.ReadAllBytes(SharedAssets.Require("models/synthetic-micro.en.bin"));
        bytes[0] = (byte)'x';
        var ex = Assert.Throws<WhisperModelException>(() => WhisperModel.Load(Write("bad-magic.bin", bytes)));
        Assert.Contains("magic", ex.Message);
    }

    [Fact]
    public void Truncated_file_is_rejected_naming_the_tensor_being_read()
    {
        var bytes = File.ReadAllBytes(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var ex = Assert.Throws<WhisperModelException>(() => WhisperModel.Load(Write("truncated.bin", bytes[..(bytes.Length - 1000)])));
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("tensor", ex.Message);
    }

    [Fact]
    public void File_cut_inside_the_vocabulary_is_rejected_as_truncated()
    {
        var bytes = File.ReadAllBytes(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var ex = Assert.Throws<WhisperModelException>(() => WhisperModel.Load(Write("cut.bin", bytes[..100_000])));
        Assert.Contains("truncated", ex.Message);
        Assert.Contains("token", ex.Message);
    }

    [Fact]
    public void Empty_file_is_rejected()
    {
        var ex = Assert.Throws<WhisperModelException>(() => WhisperModel.Load(Write("empty.bin", [])));
        Assert.Contains("too short", ex.Message);
    }

    [Fact]
    public void Wrong_tensor_shape_is_rejected_with_expected_and_found_shapes()
    {
        var bytes = File.ReadAllBytes(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var offset = TensorHeaderOffset(bytes, "encoder.ln_post.weight");
        BitConverter.TryWriteBytes(bytes.AsSpan(offset + 12), 63); // ne[0] 64 -> 63
        var ex = Assert.Throws<WhisperModelException>(() => WhisperModel.Load(Write("bad-shape.bin", bytes)));
        Assert.Contains("encoder.ln_post.weight", ex.Message);
        Assert.Contains("got [63]", ex.Message);
        Assert.Contains("expected [64]", ex.Message);
    }

    [Fact]
    public void Unknown_tensor_name_is_rejected()
    {
        var bytes = File.ReadAllBytes(SharedAssets.Require("models/synthetic-micro.en.bin"));
        var offset = TensorHeaderOffset(bytes, "encoder.ln_post.weight");
        bytes[offset + 16] = (byte)'E'; // name follows the three header ints and the single dimension
        var ex = Assert.Throws<WhisperModelException>(() => WhisperModel.Load(Write("bad-name.bin", bytes)));
        Assert.Contains("Unknown tensor 'Encoder.ln_post.weight'", ex.Message);
    }

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_tempDir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // The header of a 1-D tensor is n_dims, name length, type, ne[0], then the name.
    private static int TensorHeaderOffset(byte[] bytes, string name)
    {
        var nameBytes = System.Text.Encoding.ASCII.GetBytes(name);
        var at = bytes.AsSpan().IndexOf(nameBytes);
        Assert.True(at > 16, $"tensor {name} not found");
        return at - 16;
    }
}
