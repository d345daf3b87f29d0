using System.Globalization;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Model;
using LazyLecture.Worker.Engines.Whisper;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary><c>Runtime=auto</c>'s rule: one entry per vector width and weight type, following the README's side-by-side figures.</summary>
public sealed class WhisperRuntimeChoiceTests
{
    private const string TableMarker = "<!-- runtime-auto-figures";

    [Fact]
    public void Every_vector_width_and_weight_type_has_a_runtime_and_without_256_bit_vectors_whisper_net_runs()
    {
        foreach (var weights in Enum.GetValues<WhisperWeightType>())
        {
            Assert.True(WhisperRuntimeChoice.Faster.ContainsKey((VectorWidth.Avx512, weights)), $"no rule for AVX-512 and {weights}");
            Assert.True(WhisperRuntimeChoice.Faster.ContainsKey((VectorWidth.Avx2, weights)), $"no rule for AVX2 and {weights}");
            Assert.Equal(WhisperRuntime.WhisperNet, WhisperRuntimeChoice.Choose(VectorWidth.Scalar, weights));
        }

        Assert.DoesNotContain(WhisperRuntime.Auto, WhisperRuntimeChoice.Faster.Values);
    }

    [Theory]
    [InlineData(WhisperRuntime.Managed)]
    [InlineData(WhisperRuntime.WhisperNet)]
    public void A_configured_runtime_is_kept_without_reading_the_model(WhisperRuntime configured) =>
        Assert.Equal(configured, WhisperRuntimeChoice.Resolve(configured, "/nonexistent/model.bin"));

    [Theory]
    [InlineData("synthetic-micro.en.bin", WhisperWeightType.F16)]
    [InlineData("synthetic-micro.en-q8_0.bin", WhisperWeightType.Q8_0)]
    [InlineData("synthetic-micro-v3-q5_0.bin", WhisperWeightType.Q5_0)]
    public void Auto_decides_by_this_cpu_and_the_weight_type_in_the_models_header(string file, WhisperWeightType weights)
    {
        var path = SharedAssets.Require($"models/{file}");

        Assert.Equal(WhisperRuntimeChoice.Choose(WhisperRuntimeChoice.CurrentVectorWidth, weights), WhisperRuntimeChoice.Resolve(WhisperRuntime.Auto, path));
    }

    [Fact]
    public void Auto_picks_the_runtime_the_readme_figures_show_faster_on_the_whole_file()
    {
        var rows = ReadmeRows();
        Assert.NotEmpty(rows);

        foreach (var row in rows)
        {
            Assert.True(row.Auto == WhisperRuntimeChoice.Choose(row.Width, row.Weights),
                $"README row '{row.Line}' says auto runs {row.Auto}, the rule runs {WhisperRuntimeChoice.Choose(row.Width, row.Weights)}");
        }

        // the rule is keyed by width and weight type only: where sizes disagree, the geometric mean of the ratios decides
        foreach (var group in rows.Where(r => r.Ratio is not null).GroupBy(r => (r.Width, r.Weights)))
        {
            var meanRatio = Math.Exp(group.Average(r => Math.Log(r.Ratio!.Value)));
            var faster = meanRatio < 1 ? WhisperRuntime.Managed : WhisperRuntime.WhisperNet;
            Assert.True(faster == WhisperRuntimeChoice.Choose(group.Key.Width, group.Key.Weights),
                $"{group.Key}: the README's figures give managed/whispernet {meanRatio:F2} on the whole file, so {faster} is faster, but the rule runs {WhisperRuntimeChoice.Choose(group.Key.Width, group.Key.Weights)}");
        }

        // every entry of the rule is shown, with figures or marked as awaiting them
        foreach (var (width, weights) in WhisperRuntimeChoice.Faster.Keys.Where(k => k.Weights != WhisperWeightType.F32))
        {
            Assert.Contains(rows, r => r.Width == width && r.Weights == weights);
        }
    }

    private sealed record ReadmeRow(string Line, VectorWidth Width, WhisperWeightType Weights, double? Ratio, WhisperRuntime Auto);

    /// <summary>The rows of the README table that follows the marker: vectors | weights | size | whole file managed | whispernet | … | auto.</summary>
    private static List<ReadmeRow> ReadmeRows()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "README.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith(TableMarker, StringComparison.Ordinal));
        Assert.True(start >= 0, $"README.md has no '{TableMarker}' table");
        var rows = new List<ReadmeRow>();
        foreach (var line in lines.Skip(start + 3).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            var width = cells[0] switch
            {
                "AVX-512" => VectorWidth.Avx512,
                "AVX2" => VectorWidth.Avx2,
                _ => throw new InvalidOperationException($"README row '{line}': vectors must be AVX-512 or AVX2"),
            };
            var weights = Enum.Parse<WhisperWeightType>(cells[1], ignoreCase: true);
            double? ratio = Milliseconds(cells[3]) is { } managed && Milliseconds(cells[4]) is { } whisperNet ? managed / whisperNet : null;
            var auto = cells[^1] switch
            {
                "managed" => WhisperRuntime.Managed,
                "whispernet" => WhisperRuntime.WhisperNet,
                _ => throw new InvalidOperationException($"README row '{line}': auto must be managed or whispernet"),
            };
            rows.Add(new ReadmeRow(line, width, weights, ratio, auto));
        }

        return rows;
    }

    /// <summary>A figure ("2700") or the middle of a range over rounds ("1200–1600"); null where the row awaits figures.</summary>
    private static double? Milliseconds(string cell)
    {
        var parts = cell.Split('–');
        double sum = 0;
        foreach (var part in parts)
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            sum += value;
        }

        return sum / parts.Length;
    }
}
