using System.Runtime.CompilerServices;

namespace LazyLecture.Whisper.Nn;

/// <summary>A pinned float array, so kernels can take stable pointers into it without fixed blocks.</summary>
internal sealed unsafe class PinnedBuffer(long length)
{
    private readonly float[] _data = GC.AllocateArray<float>(checked((int)Math.Max(1, length)), pinned: true);

    public int Length => _data.Length;

    public float* Pointer => (float*)Unsafe.AsPointer(ref _data[0]);

    public Span<float> Span => _data;

    public float[] Array => _data;

    public Span<float> Slice(long start, int length) => _data.AsSpan(checked((int)start), length);
}
