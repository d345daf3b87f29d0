using System.Globalization;
using System.Runtime.Intrinsics;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Kernels;
using Xunit;

namespace LazyLecture.Tests.Whisper.Core;

/// <summary>
/// Re-runs <see cref="KernelTests"/> in a child process with the runtime held to narrower vector instructions. Each kernel
/// has an AVX-512, an AVX2 and a scalar path (the integer kernels of quantized weights: vpdpbusd, AVX2's
/// vpmaddubsw + vpmaddwd, and plain loops), but a process only ever takes the widest one its CPU has, so on an AVX-512
/// machine the paths that AVX2-only and older CPUs run would otherwise go untested.
/// </summary>
public sealed class KernelInstructionSetTests
{
    /// <summary>
    /// Set only in the child, to the vector width (bits) the runtime setting must leave accelerated; the child's
    /// <see cref="KernelTests"/> checks it, so a runtime that ignored the setting fails instead of re-testing the wide paths.
    /// </summary>
    public const string ExpectedVectorWidthSetting = "LAZYLECTURE_TESTS_EXPECTED_VECTOR_WIDTH";

    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The widest hardware-accelerated vector in this process, in bits (0: none).</summary>
    public static int WidestAcceleratedVector =>
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    [Theory]
    [InlineData("DOTNET_EnableAVX512=0", 256, "AvxVnni")] // .NET 10's switch for all of AVX-512: Vector512 off, the AVX2 paths run; AVX-VNNI stays
    [InlineData("DOTNET_EnableAVX512=0;DOTNET_EnableAVXVNNI=0", 256, "Avx2")] // as an AVX2 CPU without VNNI: vpmaddubsw + vpmaddwd
    [InlineData("DOTNET_EnableHWIntrinsic=0", 0, "Scalar")] // no SIMD at all (Vector128 included): the scalar paths run
    public async Task Kernel_tests_pass_under_a_narrower_instruction_set(string runtimeSettings, int expectedVectorWidth, string expectedIntegerDot)
    {
        // The child runs KernelTests only; should a filter ever let it reach this test, fail rather than spawn again.
        Assert.True(Environment.GetEnvironmentVariable(ExpectedVectorWidthSetting) is null, "Already in a child run: not starting another.");
        if (WidestAcceleratedVector < expectedVectorWidth)
        {
            Assert.Skip($"This CPU has no {expectedVectorWidth}-bit vectors, so there are no such paths to test here.");
        }

        if (expectedIntegerDot == nameof(IntegerDotInstructions.AvxVnni) && QuantizedDot.Instructions != IntegerDotInstructions.AvxVnni)
        {
            Assert.Skip("This CPU has no vpdpbusd (AVX-VNNI), so there is no such path to test here.");
        }

        var environment = new Dictionary<string, string>
        {
            [ExpectedVectorWidthSetting] = expectedVectorWidth.ToString(CultureInfo.InvariantCulture),
            [KernelTests.ExpectedIntegerDotSetting] = expectedIntegerDot,
        };
        foreach (var setting in runtimeSettings.Split(';'))
        {
            var (name, value) = setting.Split('=') switch
            {
                [var n, var v] => (n, v),
                _ => throw new ArgumentException($"Expected NAME=VALUE pairs separated by ';', got '{runtimeSettings}'.", nameof(runtimeSettings)),
            };
            environment[name] = value;
        }

        var run = await ChildTestRun.RunClassAsync(typeof(KernelTests), environment, ChildTimeout, TestContext.Current.CancellationToken);

        var summary = $"{runtimeSettings}: exit code {run.ExitCode}, {run.Total} tests, {run.Passed} passed, {run.Failed} failed, "
            + $"{run.Skipped} skipped, {run.Errors} errors. Child output:{Environment.NewLine}{run.Output}";
        Assert.True(run.ExitCode == 0 && run.Failed == 0 && run.Errors == 0, summary);
        Assert.True(run.Total > 0 && run.Passed == run.Total, summary);
    }
}
