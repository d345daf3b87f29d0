using System.Runtime.InteropServices;
using System.Text;

namespace LazyLecture.Whisper.Model;

/// <summary>The dimensions of a real Whisper model size (state, heads, layers); context lengths, mel bins and vocabulary come from a template file.</summary>
internal sealed record SyntheticModelSize(string Name, int State, int Heads, int AudioLayers, int TextLayers, bool LargeV3Layout)
{
    public static readonly SyntheticModelSize Tiny = new("tiny", 384, 6, 4, 4, LargeV3Layout: false);
    public static readonly SyntheticModelSize Base = new("base", 512, 8, 6, 6, LargeV3Layout: false);
    public static readonly SyntheticModelSize Small = new("small", 768, 12, 12, 12, LargeV3Layout: false);
    public static readonly SyntheticModelSize Medium = new("medium", 1024, 16, 24, 24, LargeV3Layout: false);
    public static readonly SyntheticModelSize LargeV3 = new("large-v3", 1280, 20, 32, 32, LargeV3Layout: true);
    public static readonly SyntheticModelSize LargeV3Turbo = new("large-v3-turbo", 1280, 20, 32, 4, LargeV3Layout: true);

    public static IReadOnlyList<SyntheticModelSize> All { get; } = [Tiny, Base, Small, Medium, LargeV3, LargeV3Turbo];

    /// <summary>
    /// The shared model whose header supplies the mel filter bank and vocabulary: the English-only 80-bin one for tiny to
    /// medium (as the <c>.en</c> models users run), the large-v3 layout (128 bins, 51866 tokens) for large-v3 and turbo.
    /// </summary>
    public string TemplateFile => LargeV3Layout ? "synthetic-micro-v3.bin" : "synthetic-tiny.en.bin";

    /// <summary>The file name, as ggml names real models: <c>synthetic-base.en.bin</c>, <c>synthetic-large-v3-turbo-q5_0.bin</c>.</summary>
    public string FileName(GgmlType type) =>
        $"synthetic-{Name}{(LargeV3Layout ? string.Empty : ".en")}{(type == GgmlType.F16 ? string.Empty : "-" + type.ToString().ToLowerInvariant())}.bin";

    public static SyntheticModelSize Parse(string name) =>
        All.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"Unknown model size '{name}': expected one of {string.Join(", ", All.Select(s => s.Name))}.");
}

/// <summary>
/// Makes f16 whisper.cpp model files of real dimensions with seeded random weights, the way the shared synthetic models
/// were made: the template's header, mel filter bank and vocabulary; real tensor names, shapes, order and per-tensor
/// types (f32 for 1-D tensors, conv biases and both positional embeddings, f16 otherwise); and the shared models' weight
/// statistics, which keep the network's activations in range at any depth: matrices and conv kernels N(0, 1/fan-in),
/// token embedding N(0, 0.25), biases N(0, 0.02²), layer-norm gains 1 + N(0, 0.05²), decoder positions N(0, 0.02²), encoder
/// positions Whisper's sinusoids. The same seed gives the same bytes, whatever the number of threads.
/// </summary>
internal static class SyntheticModel
{
    public const ulong DefaultSeed = 20261206;

    // values per independently seeded chunk: the unit of parallel work
    private const int ChunkValues = 1 << 16;

    public static void Make(string templatePath, SyntheticModelSize size, string destinationPath, ulong seed = DefaultSeed)
    {
        using var template = WhisperModel.Load(templatePath);
        var t = template.HyperParameters;
        var hyper = t with
        {
            NAudioState = size.State,
            NAudioHead = size.Heads,
            NAudioLayer = size.AudioLayers,
            NTextState = size.State,
            NTextHead = size.Heads,
            NTextLayer = size.TextLayers,
            FType = (int)GgmlType.F16,
        };
        using var writer = new GgmlModelWriter(destinationPath);
        writer.WriteHeader(hyper, hyper.FType, template.MelFilters, template.TokenBytes);
        foreach (var tensor in TensorCatalog.InFileOrder(hyper))
        {
            var values = Values(tensor, seed);
            if (tensor.Role is TensorRole.Vector or TensorRole.Positional)
            {
                writer.WriteTensorHeader(tensor.Name, GgmlType.F32, tensor.Shape);
                writer.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                writer.WriteTensorHeader(tensor.Name, GgmlType.F16, tensor.Shape);
                var halves = new Half[values.Length];
                Parallel.For(0, (halves.Length + ChunkValues - 1) / ChunkValues, chunk =>
                {
                    var start = chunk * ChunkValues;
                    var end = Math.Min(halves.Length, start + ChunkValues);
                    for (var i = start; i < end; i++)
                    {
                        halves[i] = (Half)values[i];
                    }
                });
                writer.Write(MemoryMarshal.AsBytes(halves.AsSpan()));
            }
        }

        writer.Commit();
    }

    private static float[] Values(ExpectedTensor tensor, ulong seed)
    {
        var count = 1;
        foreach (var n in tensor.Shape)
        {
            count = checked(count * n);
        }

        var values = new float[count];
        if (tensor.Name == "encoder.positional_embedding")
        {
            Sinusoids(values, channels: tensor.Shape[0]);
            return values;
        }

        var (mean, deviation) = Distribution(tensor);
        var tensorSeed = seed ^ NameHash(tensor.Name);
        Parallel.For(0, (count + ChunkValues - 1) / ChunkValues, chunk =>
        {
            // each chunk starts at a hashed, not consecutive, state: consecutive states would repeat one stream shifted
            var random = new SplitMix64(SplitMix64.Mix(tensorSeed ^ SplitMix64.Mix((ulong)chunk + 1)));
            var start = chunk * ChunkValues;
            var end = Math.Min(count, start + ChunkValues);
            for (var i = start; i < end; i += 2)
            {
                var (z0, z1) = random.NextGaussianPair();
                values[i] = (float)(mean + deviation * z0);
                if (i + 1 < end)
                {
                    values[i + 1] = (float)(mean + deviation * z1);
                }
            }
        });
        return values;
    }

    private static (double Mean, double Deviation) Distribution(ExpectedTensor tensor)
    {
        var name = tensor.Name;
        if (name == "decoder.token_embedding.weight")
        {
            return (0, 0.5);
        }

        return tensor.Role switch
        {
            TensorRole.Matrix => (0, 1 / Math.Sqrt(tensor.Shape[0])),
            TensorRole.Convolution => (0, 1 / Math.Sqrt(tensor.Shape[0] * tensor.Shape[1])),
            TensorRole.Vector when name.EndsWith("ln.weight", StringComparison.Ordinal) || name.EndsWith("ln_post.weight", StringComparison.Ordinal) => (1, 0.05),
            _ => (0, 0.02),
        };
    }

    /// <summary>Whisper's encoder positions: for position p, sin(p·e^(−i·ln(10000)/(C/2 − 1))) in channel i, the cosines after.</summary>
    private static void Sinusoids(Span<float> values, int channels)
    {
        var half = channels / 2;
        var increment = Math.Log(10000) / (half - 1);
        for (var p = 0; p < values.Length / channels; p++)
        {
            for (var i = 0; i < half; i++)
            {
                var angle = p * Math.Exp(-increment * i);
                values[p * channels + i] = (float)Math.Sin(angle);
                values[p * channels + half + i] = (float)Math.Cos(angle);
            }
        }
    }

    // FNV-1a: a stable hash (string.GetHashCode differs per process)
    private static ulong NameHash(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }

    /// <summary>SplitMix64 (Steele, Lea and Flood): small, fast, and good enough for weights nobody learns from.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public (double, double) NextGaussianPair()
        {
            // Box–Muller; u1 in (0, 1] so the logarithm is finite
            var u1 = ((Next() >> 11) + 1) * (1.0 / (1UL << 53));
            var u2 = (Next() >> 11) * (1.0 / (1UL << 53));
            var r = Math.Sqrt(-2 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(2 * Math.PI * u2);
            return (r * cos, r * sin);
        }

        public static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }

        private ulong Next() => Mix(_state += 0x9E3779B97F4A7C15);
    }
}
