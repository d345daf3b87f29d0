using System.Runtime.Intrinsics;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>The widest vectors the managed kernels use on this CPU.</summary>
public enum VectorWidth
{
    /// <summary>No 256-bit vectors (not x64 with AVX2): the managed kernels would run scalar code.</summary>
    Scalar,

    /// <summary>256-bit: x64 with AVX2 and FMA but no AVX-512 (or AVX-512 turned off with <c>DOTNET_EnableAVX512=0</c>).</summary>
    Avx2,

    /// <summary>512-bit: x64 with AVX-512.</summary>
    Avx512,
}

/// <summary>
/// Which Whisper implementation <c>auto</c> runs: the one that <c>bench/whisper.sh --side-by-side</c> measured faster on
/// the whole file for this CPU's vector width and the model's weight type (the README's "Runtime=auto" table shows the
/// figures, and a test checks that this table follows them). Without 256-bit vectors the managed kernels fall back to
/// scalar code while whisper.cpp has hand-written NEON and other paths, so Whisper.net runs there whatever the weights.
/// </summary>
public static class WhisperRuntimeChoice
{
    /// <summary>The rule itself: one entry per vector width and weight type.</summary>
    public static readonly IReadOnlyDictionary<(VectorWidth Width, WhisperWeightType Weights), WhisperRuntime> Faster =
        new Dictionary<(VectorWidth, WhisperWeightType), WhisperRuntime>
        {
            [(VectorWidth.Avx512, WhisperWeightType.F32)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx512, WhisperWeightType.F16)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx512, WhisperWeightType.Q8_0)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx512, WhisperWeightType.Q5_1)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx512, WhisperWeightType.Q5_0)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx512, WhisperWeightType.Q4_1)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx512, WhisperWeightType.Q4_0)] = WhisperRuntime.Managed,

            [(VectorWidth.Avx2, WhisperWeightType.F32)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx2, WhisperWeightType.F16)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx2, WhisperWeightType.Q8_0)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx2, WhisperWeightType.Q5_1)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx2, WhisperWeightType.Q5_0)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx2, WhisperWeightType.Q4_1)] = WhisperRuntime.Managed,
            [(VectorWidth.Avx2, WhisperWeightType.Q4_0)] = WhisperRuntime.Managed,
        };

    /// <summary>This CPU's width as the JIT sees it (so <c>DOTNET_EnableAVX512=0</c> counts as AVX2).</summary>
    public static VectorWidth CurrentVectorWidth =>
        Vector512.IsHardwareAccelerated ? VectorWidth.Avx512
        : Vector256.IsHardwareAccelerated ? VectorWidth.Avx2
        : VectorWidth.Scalar;

    /// <summary>The configured runtime, with <c>auto</c> decided for this CPU and the model file at <paramref name="modelPath"/>.</summary>
    public static WhisperRuntime Resolve(WhisperRuntime configured, string modelPath) =>
        configured == WhisperRuntime.Auto ? Choose(CurrentVectorWidth, WhisperModel.ReadWeightType(modelPath)) : configured;

    public static WhisperRuntime Choose(VectorWidth width, WhisperWeightType weights) =>
        width == VectorWidth.Scalar ? WhisperRuntime.WhisperNet : Faster[(width, weights)];
}
