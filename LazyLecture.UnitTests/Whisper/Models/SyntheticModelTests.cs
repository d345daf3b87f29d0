using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Model;
using Xunit;

namespace LazyLecture.Tests.Whisper.Models;

/// <summary>The benchmark's synthetic models have the layout and weight statistics of the shared ones (which whisper.cpp runs).</summary>
public sealed class SyntheticModelTests(MadeTinyModel tiny) : IDisposable, IClassFixture<MadeTinyModel>
{
    private static readonly SyntheticModelSize MicroV3Like = new("micro-v3-like", 64, 2, 3, 2, LargeV3Layout: true);

    private readonly string _tempDir = Directory.CreateTempSubdirectory("lazylecture-synthetic-").FullName;

    public void Dispose() => Directory.Delete(_tempDir, recursive: true);

    [Fact]
    public void Made_tiny_model_has_the_header_vocabulary_and_tensor_layout_of_the_shared_tiny_model()
    {
        var shared = SharedAssets.Require("models/synthetic-tiny.en.bin");
        var made = tiny.Path;

        using var expected = WhisperModel.Load(shared);
        using var actual = WhisperModel.Load(made);
        Assert.Equal(expected.HyperParameters, actual.HyperParameters);
        var firstTensor = (int)(new FileInfo(shared).Length - expected.TensorsInFileOrder.Sum(t => t.ByteCount + 12 + 4 * t.Shape.Length + t.Name.Length));
        Assert.Equal(File.ReadAllBytes(shared).AsSpan(0, firstTensor), File.ReadAllBytes(made).AsSpan(0, firstTensor));
        Assert.Equal(
            expected.TensorsInFileOrder.Select(t => $"{t.Name} {t.Type} [{string.Join(", ", t.Shape)}]"),
            actual.TensorsInFileOrder.Select(t => $"{t.Name} {t.Type} [{string.Join(", ", t.Shape)}]"));
        Assert.Equal(expected.FileSizeBytes, actual.FileSizeBytes);
    }

    [Theory]
    [InlineData("encoder.blocks.0.attn.query.weight")]
    [InlineData("encoder.blocks.2.mlp.2.weight")]
    [InlineData("decoder.blocks.3.cross_attn.value.weight")]
    [InlineData("decoder.token_embedding.weight")]
    [InlineData("encoder.conv1.weight")]
    [InlineData("encoder.conv2.weight")]
    [InlineData("decoder.positional_embedding")]
    [InlineData("decoder.blocks.1.mlp.0.bias")]
    [InlineData("encoder.blocks.1.mlp_ln.weight")]
    [InlineData("decoder.ln.weight")]
    public void Made_weights_have_the_mean_and_spread_of_the_shared_model(string tensor)
    {
        var shared = SharedAssets.Require("models/synthetic-tiny.en.bin");
        var made = tiny.Path;

        using var expected = WhisperModel.Load(shared);
        using var actual = WhisperModel.Load(made);
        var (expectedMean, expectedDeviation) = Statistics(expected.Tensors[tensor]);
        var (actualMean, actualDeviation) = Statistics(actual.Tensors[tensor]);

        // a few hundred values at least per tensor: the spreads agree within sampling noise
        Assert.InRange(actualDeviation / expectedDeviation, 0.85, 1.15);
        Assert.InRange(actualMean - expectedMean, -0.2 * expectedDeviation, 0.2 * expectedDeviation);
    }

    [Fact]
    public void Encoder_positions_are_whispers_sinusoids_as_in_the_shared_model()
    {
        var shared = SharedAssets.Require("models/synthetic-tiny.en.bin");
        var made = tiny.Path;

        using var expected = WhisperModel.Load(shared);
        using var actual = WhisperModel.Load(made);
        var e = expected.Tensors["encoder.positional_embedding"].AsSingles();
        var a = actual.Tensors["encoder.positional_embedding"].AsSingles();
        var worst = 0f;
        for (var i = 0; i < e.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(e[i] - a[i]));
        }

        Assert.True(worst < 1e-6f, $"largest difference {worst}");
    }

    [Fact]
    public void Large_v3_layout_takes_the_128_bin_bank_and_51866_token_vocabulary_and_its_own_layer_counts()
    {
        var template = SharedAssets.Require($"models/{MicroV3Like.TemplateFile}");
        var made = Path.Combine(_tempDir, MicroV3Like.FileName(GgmlType.F16));

        SyntheticModel.Make(template, MicroV3Like, made);

        using var model = WhisperModel.Load(made);
        Assert.Equal(new WhisperHyperParameters(51866, 1500, 64, 2, 3, 448, 64, 2, 2, 128, 1), model.HyperParameters);
        Assert.Equal(WhisperWeightType.F16, model.WeightType);
        Assert.Equal("synthetic-micro-v3-like-q5_0.bin", MicroV3Like.FileName(GgmlType.Q5_0));
        Assert.Equal("synthetic-base.en.bin", SyntheticModelSize.Base.FileName(GgmlType.F16));
    }

    [Fact]
    public void The_same_seed_gives_the_same_bytes_and_another_seed_other_weights()
    {
        var template = SharedAssets.Require($"models/{MicroV3Like.TemplateFile}");
        var first = Path.Combine(_tempDir, "first.bin");
        var again = Path.Combine(_tempDir, "again.bin");
        var other = Path.Combine(_tempDir, "other.bin");

        SyntheticModel.Make(template, MicroV3Like, first);
        SyntheticModel.Make(template, MicroV3Like, again);
        SyntheticModel.Make(template, MicroV3Like, other, seed: 7);

        Assert.Equal(GgmlQuantizerTests.Sha256Of(first), GgmlQuantizerTests.Sha256Of(again));
        Assert.NotEqual(GgmlQuantizerTests.Sha256Of(first), GgmlQuantizerTests.Sha256Of(other));
    }

    [Fact]
    public void Every_real_size_is_known_by_name()
    {
        Assert.Equal(["tiny", "base", "small", "medium", "large-v3", "large-v3-turbo"], SyntheticModelSize.All.Select(s => s.Name));
        Assert.Equal((1280, 32, 4), (SyntheticModelSize.Parse("large-v3-turbo").State, SyntheticModelSize.LargeV3Turbo.AudioLayers, SyntheticModelSize.LargeV3Turbo.TextLayers));
        Assert.Throws<ArgumentException>(() => SyntheticModelSize.Parse("huge"));
    }

    private static (double Mean, double Deviation) Statistics(GgmlTensor tensor)
    {
        var row = new float[tensor.RowLength];
        double sum = 0, squares = 0;
        long count = 0;
        for (long r = 0; r < Math.Min(tensor.Rows, 64); r++)
        {
            tensor.ReadRow(r, row);
            foreach (var v in row)
            {
                sum += v;
                squares += (double)v * v;
                count++;
            }
        }

        var mean = sum / count;
        return (mean, Math.Sqrt(squares / count - mean * mean));
    }
}

/// <summary>One tiny model made for the whole class (77 MB, a few seconds), deleted afterwards.</summary>
public sealed class MadeTinyModel : IDisposable
{
    private readonly Lazy<string> _path;
    private readonly string _directory = Directory.CreateTempSubdirectory("lazylecture-synthetic-tiny-").FullName;

    public MadeTinyModel() =>
        _path = new Lazy<string>(() =>
        {
            var path = System.IO.Path.Combine(_directory, SyntheticModelSize.Tiny.FileName(GgmlType.F16));
            SyntheticModel.Make(SharedAssets.Require("models/synthetic-tiny.en.bin"), SyntheticModelSize.Tiny, path);
            return path;
        });

    /// <summary>Made on first use, from inside a test, so that a missing shared folder skips that test.</summary>
    public string Path => _path.Value;

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
