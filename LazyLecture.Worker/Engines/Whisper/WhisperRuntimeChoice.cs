using System.Runtime.Intrinsics;

namespace LazyLecture.Worker.Engines.Whisper;

/// <summary>
/// Which Whisper implementation <c>auto</c> runs on this machine. The side-by-side benchmark (bench/whisper.sh --side-by-side,
/// figures in the README) has the managed engine ahead wherever it has 256- or 512-bit vectors (x64 AVX2/AVX-512); without
/// them its kernels fall back to scalar code, while whisper.cpp has hand-written NEON and other paths, so Whisper.net runs.
/// </summary>
public static class WhisperRuntimeChoice
{
    public static WhisperRuntime Resolve(WhisperRuntime configured) => configured switch
    {
        WhisperRuntime.Auto => Vector256.IsHardwareAccelerated ? WhisperRuntime.Managed : WhisperRuntime.WhisperNet,
        _ => configured,
    };
}
