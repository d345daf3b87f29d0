using System.Text;

namespace LazyLecture.Whisper.Model;

/// <summary>A bounds-checked little-endian cursor over the mapped model file; every overrun names what was being read.</summary>
internal sealed unsafe class GgmlReader(byte* start, long length)
{
    public long Position { get; private set; }

    public long Length { get; } = length;

    public bool AtEnd => Position >= Length;

    public byte* Current => start + Position;

    public int ReadInt32(string what)
    {
        Require(4, what);
        var value = *(int*)(start + Position);
        Position += 4;
        return value;
    }

    public uint ReadUInt32(string what) => unchecked((uint)ReadInt32(what));

    public byte[] ReadBytes(long count, string what)
    {
        Require(count, what);
        var bytes = new ReadOnlySpan<byte>(start + Position, checked((int)count)).ToArray();
        Position += count;
        return bytes;
    }

    public string ReadAscii(int count, string what)
    {
        Require(count, what);
        var text = Encoding.UTF8.GetString(start + Position, count);
        Position += count;
        return text;
    }

    public float[] ReadSingles(long count, string what)
    {
        Require(checked(count * 4), what);
        var values = new ReadOnlySpan<float>(start + Position, checked((int)count)).ToArray();
        Position += count * 4;
        return values;
    }

    /// <summary>Returns a pointer to the next <paramref name="count"/> bytes and skips them.</summary>
    public byte* Skip(long count, string what)
    {
        Require(count, what);
        var at = start + Position;
        Position += count;
        return at;
    }

    private void Require(long count, string what)
    {
        if (count < 0 || Position + count > Length)
        {
            throw new WhisperModelException(
                $"Model file is truncated: reading {what} needs {count} bytes at offset {Position}, but the file has {Length - Position} bytes left.");
        }
    }
}
