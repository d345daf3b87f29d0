namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// Complex spectrum of a real sequence whose length is 2^k·m (m odd): radix-2 decimation in time down to odd
/// lengths, which take a direct DFT (400 = 2^4·25, the structure whisper.cpp uses).
/// </summary>
internal sealed class Fft
{
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly int[] _oddTwiddles; // (k·j mod n)·(Length / n) for k, j < n, n the one odd length the recursion reaches

    public Fft(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Length = length;
        _cos = new float[length];
        _sin = new float[length];
        for (var i = 0; i < length; i++)
        {
            // As whisper.cpp's table: the angle rounded to float, then sinf / cosf (a double cos rounded to float
            // differs in the last bit for some angles, and the spectrum feeds every later stage).
            var theta = (float)(2 * Math.PI * i / length);
            _cos[i] = MathF.Cos(theta);
            _sin[i] = MathF.Sin(theta);
        }

        // Halving ends at the length's odd part; its twiddle indices are tabulated so the DFT does no division.
        var odd = length >> System.Numerics.BitOperations.TrailingZeroCount(length);
        _oddTwiddles = new int[odd * odd];
        for (var k = 0; k < odd; k++)
        {
            for (var j = 0; j < odd; j++)
            {
                _oddTwiddles[k * odd + j] = k * j % odd * (length / odd);
            }
        }
    }

    public int Length { get; }

    /// <summary>Writes Length complex values (re, im interleaved) of the spectrum of <paramref name="input"/> to <paramref name="output"/>.</summary>
    public void Transform(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != Length || output.Length < 2 * Length)
        {
            throw new ArgumentException($"FFT of length {Length} needs {Length} inputs and {2 * Length} outputs.");
        }

        Transform(input, 0, 1, Length, output[..(2 * Length)]);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Transform(ReadOnlySpan<float> input, int start, int stride, int n, Span<float> output)
    {
        if (n % 2 == 1)
        {
            var twiddles = _oddTwiddles;
            for (var k = 0; k < n; k++)
            {
                float re = 0, im = 0;
                for (var j = 0; j < n; j++)
                {
                    var index = twiddles[k * n + j];
                    var x = input[start + j * stride];
                    re += x * _cos[index];
                    im -= x * _sin[index];
                }

                output[2 * k] = re;
                output[2 * k + 1] = im;
            }

            return;
        }

        var tableStep = Length / n;
        var half = n / 2;
        Transform(input, start, stride * 2, half, output[..n]);
        Transform(input, start + stride, stride * 2, half, output[n..]);

        // Butterflies in place: the even half's bin k sits at 2k, the odd half's at n + 2k = 2(k + half). Each sum is
        // evaluated left to right as whisper.cpp writes it (e + w·o − w'·o'), not as e + (w·o − w'·o'): same bits.
        for (var k = 0; k < half; k++)
        {
            var wr = _cos[k * tableStep];
            var wi = -_sin[k * tableStep];
            var er = output[2 * k];
            var ei = output[2 * k + 1];
            var or = output[n + 2 * k];
            var oi = output[n + 2 * k + 1];
            output[2 * k] = er + wr * or - wi * oi;
            output[2 * k + 1] = ei + wr * oi + wi * or;
            output[n + 2 * k] = er - wr * or + wi * oi;
            output[n + 2 * k + 1] = ei - wr * oi - wi * or;
        }
    }
}
