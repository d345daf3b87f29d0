using System.Runtime.InteropServices;
using System.Text.Json;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>whisper.cpp reference outputs under shared/models/golden and the inputs they were computed from.</summary>
internal static class Golden
{
    public const int SineMelFrames = 3000;

    public static float[] Read(string fileName)
    {
        var bytes = File.ReadAllBytes(SharedAssets.Require("models/golden/" + fileName));
        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    public static string LoadModelPath(string size) => SharedAssets.Require($"models/synthetic-{size}.en.bin");

    public static WhisperModel LoadModel(string size) => WhisperModel.Load(LoadModelPath(size));

    public static float[] JfkSamples() => WaveFile.ReadMono(SharedAssets.Require("audio/jfk.wav")).Samples;

    /// <summary>The README's synthetic mel: value(m, t) = 0.5·sin(0.01·t·(m+1)) + 0.1·cos(0.37·t), 80 × 3000.</summary>
    public static MelSpectrogram SineMel()
    {
        var data = new float[80 * SineMelFrames];
        for (var m = 0; m < 80; m++)
        {
            for (var t = 0; t < SineMelFrames; t++)
            {
                data[m * SineMelFrames + t] = (float)(0.5 * Math.Sin(0.01 * t * (m + 1)) + 0.1 * Math.Cos(0.37 * t));
            }
        }

        return new MelSpectrogram(80, SineMelFrames, SineMelFrames, data);
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            var d = Math.Abs(expected[i] - actual[i]);
            if (!(d <= max))
            {
                max = float.IsNaN(d) ? float.PositiveInfinity : d;
            }
        }

        return max;
    }
}

/// <summary>A segment of whisper-cli's JSON output: offsets in ms, text, and its text tokens with their probabilities.</summary>
internal sealed record GoldenSegment(long FromMs, long ToMs, string Text, int[] Tokens, float[] Probabilities)
{
    /// <summary>The English-only greedy decodes: model, audio, golden file.</summary>
    public static TheoryData<string, string, string> GreedyDecodes => new()
    {
        { "synthetic-micro.en.bin", "jfk.wav", "micro-jfk-greedy.json" },
        { "synthetic-micro.en.bin", "LDC93S1.wav", "micro-LDC93S1-greedy.json" },
        { "synthetic-tiny.en.bin", "jfk.wav", "tiny-jfk-greedy.json" },
        { "synthetic-tiny.en.bin", "LDC93S1.wav", "tiny-LDC93S1-greedy.json" },
    };

    public static IReadOnlyList<GoldenSegment> Load(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(SharedAssets.Require("models/golden/" + name)));
        var segments = new List<GoldenSegment>();
        foreach (var segment in json.RootElement.GetProperty("transcription").EnumerateArray())
        {
            var offsets = segment.GetProperty("offsets");
            var tokens = segment.GetProperty("tokens").EnumerateArray().ToArray();
            segments.Add(new GoldenSegment(
                offsets.GetProperty("from").GetInt64(),
                offsets.GetProperty("to").GetInt64(),
                segment.GetProperty("text").GetString() ?? string.Empty,
                [.. tokens.Select(t => t.GetProperty("id").GetInt32())],
                [.. tokens.Select(t => t.GetProperty("p").GetSingle())]));
        }

        return segments;
    }
}
