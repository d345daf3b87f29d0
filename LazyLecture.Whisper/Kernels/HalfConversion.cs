using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LazyLecture.Whisper.Kernels;

/// <summary>IEEE binary16 ↔ f32 conversion, vectorised with integer tricks (.NET exposes no F16C intrinsics).</summary>
internal static class HalfConversion
{
    private const uint MagnitudeMask = 0x7FFF;
    private const uint ExponentMask = 0x7C00;
    private const uint SignMask = 0x8000;

    // 2^112 rebases the f16 exponent bias (15) onto f32's (127) and also scales f16 subnormals correctly.
    private const uint RebaseBits = 0x77800000;

    /// <summary>Converts f16 bit patterns to f32 exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("Destination is shorter than source.", nameof(destination));
        }

        var i = 0;
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 32 <= source.Length; i += 32)
            {
                var h = Vector512.LoadUnsafe(ref src, (nuint)i);
                Widen(h, out var lo, out var hi);
                lo.StoreUnsafe(ref dst, (nuint)i);
                hi.StoreUnsafe(ref dst, (nuint)(i + 16));
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 16 <= source.Length; i += 16)
            {
                var h = Vector256.LoadUnsafe(ref src, (nuint)i);
                var (lo, hi) = Vector256.Widen(h);
                ToSingle(lo).StoreUnsafe(ref dst, (nuint)i);
                ToSingle(hi).StoreUnsafe(ref dst, (nuint)(i + 8));
            }
        }

        for (; i < source.Length; i++)
        {
            Unsafe.Add(ref dst, i) = ToSingle(Unsafe.Add(ref src, i));
        }
    }

    /// <summary>True when any f16 value is infinite or NaN (all exponent bits set).</summary>
    public static bool ContainsNonFinite(ReadOnlySpan<ushort> values)
    {
        var i = 0;
        ref var v = ref MemoryMarshal.GetReference(values);
        if (Vector512.IsHardwareAccelerated)
        {
            var exponent = Vector512.Create((ushort)ExponentMask);
            for (; i + 32 <= values.Length; i += 32)
            {
                if (Vector512.EqualsAny(Vector512.LoadUnsafe(ref v, (nuint)i) & exponent, exponent))
                {
                    return true;
                }
            }
        }

        for (; i < values.Length; i++)
        {
            if ((Unsafe.Add(ref v, i) & ExponentMask) == ExponentMask)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Converts f32 values to f16 bits, rounding to nearest even (vector rounding, then an exact re-encoding).</summary>
    public static void ToHalfBits(ReadOnlySpan<float> source, Span<float> scratch, Span<ushort> destination)
    {
        var rounded = scratch[..source.Length];
        RoundToHalfPrecision(source, rounded);
        for (var i = 0; i < rounded.Length; i++)
        {
            var bits = BitConverter.SingleToUInt32Bits(rounded[i]);
            var sign = (ushort)((bits >> 16) & SignMask);
            var abs = bits & 0x7FFFFFFFu;
            ushort magnitude;
            if (abs >= 0x38800000u)
            {
                // f16 normal, infinity or NaN: rebase the exponent (already rounded to 10 mantissa bits).
                magnitude = abs >= 0x7F800000u ? (ushort)(0x7C00 | (abs > 0x7F800000u ? 0x200 : 0)) : (ushort)((abs >> 13) - 0x1C000u);
            }
            else
            {
                // f16 subnormal or zero: the value is an exact multiple of 2^-24.
                magnitude = (ushort)(BitConverter.UInt32BitsToSingle(abs) * 16777216f);
            }

            destination[i] = (ushort)(sign | magnitude);
        }
    }

    public static float ToSingle(ushort bits) => (float)BitConverter.UInt16BitsToHalf(bits);

    /// <summary>Rounds f32 to the nearest f16 (ties to even), as ggml's FP32_TO_FP16.</summary>
    public static ushort ToHalfBits(float value) => BitConverter.HalfToUInt16Bits((Half)value);

    /// <summary>Rounds every value to f16 precision in place (what ggml does to activations before an f16 matrix product).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RoundToHalfPrecision(Span<float> values)
    {
        var i = 0;
        ref var v = ref MemoryMarshal.GetReference(values);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= values.Length; i += 16)
            {
                RoundToHalfPrecision(Vector512.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= values.Length; i += 8)
            {
                RoundToHalfPrecision(Vector256.LoadUnsafe(ref v, (nuint)i)).StoreUnsafe(ref v, (nuint)i);
            }
        }

        for (; i < values.Length; i++)
        {
            Unsafe.Add(ref v, i) = (float)(Half)Unsafe.Add(ref v, i);
        }
    }

    /// <summary>Copies values rounded to f16 precision.</summary>
    public static void RoundToHalfPrecision(ReadOnlySpan<float> source, Span<float> destination)
    {
        source.CopyTo(destination);
        RoundToHalfPrecision(destination[..source.Length]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Widen(Vector512<ushort> halves, out Vector512<float> lower, out Vector512<float> upper)
    {
        lower = ToSingle(Vector512.WidenLower(halves));
        upper = ToSingle(Vector512.WidenUpper(halves));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> ToSingle(Vector512<uint> h)
    {
        var magnitude = (h & Vector512.Create(MagnitudeMask)) << 13;
        var value = magnitude.AsSingle() * Vector512.Create(RebaseBits).AsSingle();
        var isSpecial = Vector512.Equals(h & Vector512.Create(ExponentMask), Vector512.Create(ExponentMask));
        var special = magnitude | Vector512.Create(0x7F800000u);
        var bits = Vector512.ConditionalSelect(isSpecial, special, value.AsUInt32());
        return (bits | ((h & Vector512.Create(SignMask)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> ToSingle(Vector256<uint> h)
    {
        var magnitude = (h & Vector256.Create(MagnitudeMask)) << 13;
        var value = magnitude.AsSingle() * Vector256.Create(RebaseBits).AsSingle();
        var isSpecial = Vector256.Equals(h & Vector256.Create(ExponentMask), Vector256.Create(ExponentMask));
        var special = magnitude | Vector256.Create(0x7F800000u);
        var bits = Vector256.ConditionalSelect(isSpecial, special, value.AsUInt32());
        return (bits | ((h & Vector256.Create(SignMask)) << 16)).AsSingle();
    }

    // Normal range: round the mantissa to 10 bits (ties to even); below 2^-14: f32 addition of 0.5 rounds to f16's subnormal step 2^-24.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> RoundToHalfPrecision(Vector512<float> x)
    {
        var bits = x.AsUInt32();
        var sign = bits & Vector512.Create(0x80000000u);
        var absBits = bits & Vector512.Create(0x7FFFFFFFu);
        var rounded = (absBits + Vector512.Create(0x0FFFu) + ((absBits >> 13) & Vector512.Create(1u))) & Vector512.Create(0xFFFFE000u);
        rounded = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(absBits, Vector512.Create(0x477FF000u)), Vector512.Create(0x7F800000u), rounded);
        var absValue = absBits.AsSingle();
        var tiny = ((absValue + Vector512.Create(0.5f)) - Vector512.Create(0.5f)).AsUInt32();
        rounded = Vector512.ConditionalSelect(Vector512.LessThan(absBits, Vector512.Create(0x38800000u)), tiny, rounded);
        rounded = Vector512.ConditionalSelect(Vector512.GreaterThan(absBits, Vector512.Create(0x7F800000u)), absBits, rounded);
        return (rounded | sign).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> RoundToHalfPrecision(Vector256<float> x)
    {
        var bits = x.AsUInt32();
        var sign = bits & Vector256.Create(0x80000000u);
        var absBits = bits & Vector256.Create(0x7FFFFFFFu);
        var rounded = (absBits + Vector256.Create(0x0FFFu) + ((absBits >> 13) & Vector256.Create(1u))) & Vector256.Create(0xFFFFE000u);
        rounded = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(absBits, Vector256.Create(0x477FF000u)), Vector256.Create(0x7F800000u), rounded);
        var absValue = absBits.AsSingle();
        var tiny = ((absValue + Vector256.Create(0.5f)) - Vector256.Create(0.5f)).AsUInt32();
        rounded = Vector256.ConditionalSelect(Vector256.LessThan(absBits, Vector256.Create(0x38800000u)), tiny, rounded);
        rounded = Vector256.ConditionalSelect(Vector256.GreaterThan(absBits, Vector256.Create(0x7F800000u)), absBits, rounded);
        return (rounded | sign).AsSingle();
    }
}
