using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace LazyLecture.Whisper.Model;

/// <summary>
/// Writes a whisper.cpp ggml model file in the layout <see cref="WhisperModel.Load"/> reads: magic, hyper-parameters,
/// mel filter bank, vocabulary, then each tensor's header and data. The file appears under its name only once
/// <see cref="Commit"/> is called, so an interrupted write never leaves a truncated model behind.
/// </summary>
internal sealed class GgmlModelWriter : IDisposable
{
    private const uint GgmlMagic = 0x67676d6c;

    private readonly string _path;
    private readonly string _partialPath;
    private readonly FileStream _stream;
    private bool _committed;

    public GgmlModelWriter(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _partialPath = $"{_path}.{Guid.NewGuid():N}.partial";
        _stream = new FileStream(_partialPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
    }

    /// <summary>Everything before the tensors; <paramref name="fileType"/> is written as given (version included).</summary>
    public void WriteHeader(WhisperHyperParameters h, int fileType, MelFilterBank filters, IReadOnlyList<byte[]> tokens)
    {
        WriteInt32(unchecked((int)GgmlMagic));
        foreach (var value in (int[])[h.NVocab, h.NAudioCtx, h.NAudioState, h.NAudioHead, h.NAudioLayer, h.NTextCtx, h.NTextState, h.NTextHead, h.NTextLayer, h.NMels])
        {
            WriteInt32(value);
        }

        WriteInt32(fileType);
        WriteInt32(filters.Bins);
        WriteInt32(filters.FftBins);
        Write(MemoryMarshal.AsBytes(filters.Data.AsSpan()));
        WriteInt32(tokens.Count);
        foreach (var token in tokens)
        {
            WriteInt32(token.Length);
            Write(token);
        }
    }

    /// <summary>A tensor's header (dimension count, name length, type, shape, name); its data follows with <see cref="Write"/>.</summary>
    public void WriteTensorHeader(string name, GgmlType type, int[] shape)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        WriteInt32(shape.Length);
        WriteInt32(nameBytes.Length);
        WriteInt32((int)type);
        foreach (var n in shape)
        {
            WriteInt32(n);
        }

        Write(nameBytes);
    }

    public void Write(ReadOnlySpan<byte> bytes) => _stream.Write(bytes);

    /// <summary>Flushes the file to disk and gives it its name (replacing a file of that name).</summary>
    public void Commit()
    {
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_partialPath, _path, overwrite: true);
        _committed = true;
    }

    public void Dispose()
    {
        _stream.Dispose();
        if (!_committed)
        {
            File.Delete(_partialPath);
        }
    }

    private void WriteInt32(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        _stream.Write(bytes);
    }
}
