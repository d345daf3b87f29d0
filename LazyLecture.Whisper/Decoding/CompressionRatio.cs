using System.IO.Compression;
using System.Text;

namespace LazyLecture.Whisper.Decoding;

/// <summary>openai/whisper's repetition measure: UTF-8 length / zlib-compressed length of a window's text.</summary>
/// <remarks>Public because the other Whisper runtime (Whisper.net in the worker) reports the same measure per segment.</remarks>
public static class CompressionRatio
{
    public static double Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length == 0)
        {
            return 0;
        }

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(bytes);
        }

        return bytes.Length / (double)compressed.Length;
    }
}
