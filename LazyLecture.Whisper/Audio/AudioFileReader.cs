using System.Buffers.Binary;
using LazyLecture.Media.Ffmpeg;

namespace LazyLecture.Whisper.Audio;

/// <summary>The file is not audio the engine can read; the message says why in words a user understands.</summary>
public sealed class AudioFormatException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>A valid file in an encoding this reader does not decode itself (ffmpeg can convert it).</summary>
    internal bool OtherEncoding { get; init; }
}

/// <summary>
/// Reads audio as 16 kHz mono float samples: WAV PCM (16-bit integer or 32-bit float, mono or stereo) directly,
/// anything else through <c>ffmpeg</c> when it is on PATH.
/// </summary>
public static class AudioFileReader
{
    public const int SampleRate = 16000;

    public static float[] Read(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Audio file '{path}' does not exist.", path);
        }

        var bytes = File.ReadAllBytes(path);
        if (IsRiffWave(bytes))
        {
            try
            {
                return ReadWav(bytes);
            }
            catch (AudioFormatException e) when (e.OtherEncoding && MediaTool.IsInstalled())
            {
                // a WAV we do not decode ourselves (another rate, 24-bit, …): ffmpeg converts it
                return ReadWithFfmpeg(path, ct);
            }
        }

        if (MediaTool.IsInstalled())
        {
            return ReadWithFfmpeg(path, ct);
        }

        throw new AudioFormatException($"'{Path.GetFileName(path)}' is not a WAV file, and ffmpeg (needed for other formats) is not on PATH.");
    }

    public static bool IsRiffWave(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 12 && bytes[..4].SequenceEqual("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WAVE"u8);

    /// <summary>Decodes a PCM WAV held in memory to 16 kHz mono samples.</summary>
    public static float[] ReadWav(ReadOnlySpan<byte> bytes)
    {
        if (!IsRiffWave(bytes))
        {
            throw new AudioFormatException("Not a WAV file: the RIFF/WAVE header is missing.");
        }

        int? format = null, channels = null, rate = null, bits = null;
        var offset = 12;
        while (offset + 8 <= bytes.Length)
        {
            var id = bytes.Slice(offset, 4);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(offset + 4, 4));
            var body = offset + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + 16 > bytes.Length)
                {
                    throw new AudioFormatException("WAV file is truncated: its format chunk is incomplete.");
                }

                format = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(body + 2, 2));
                rate = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(body + 4, 4));
                bits = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(body + 14, 2));
                if (format == 0xFFFE && size >= 40 && body + 26 <= bytes.Length)
                {
                    // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID
                    format = BinaryPrimitives.ReadUInt16LittleEndian(bytes.Slice(body + 24, 2));
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is null || channels is null || rate is null || bits is null)
                {
                    throw new AudioFormatException("WAV file has its data before the format chunk.");
                }

                // streamed WAVs leave the size as 0 or 0xFFFFFFFF: then the data runs to the end of the file
                var open = size is 0 or uint.MaxValue;
                long available = bytes.Length - body;
                if (!open && size > available)
                {
                    throw new AudioFormatException($"WAV file is truncated: its header announces {size} bytes of audio, but only {Math.Max(0, available)} are present.");
                }

                if (!open)
                {
                    available = size;
                }

                if (available <= 0)
                {
                    throw new AudioFormatException("WAV file is truncated: it holds no audio data.");
                }

                return Decode(bytes.Slice(body, (int)available), format.Value, channels.Value, rate.Value, bits.Value);
            }

            offset = body + (int)Math.Min(size + (size & 1), int.MaxValue - body);
        }

        throw new AudioFormatException(format is null
            ? "WAV file is truncated: no format chunk was found."
            : "WAV file is truncated: no data chunk was found.");
    }

    private static float[] Decode(ReadOnlySpan<byte> data, int format, int channels, int rate, int bits)
    {
        if (channels is < 1 or > 2)
        {
            throw new AudioFormatException($"WAV file has {channels} channels; only mono and stereo are supported.") { OtherEncoding = true };
        }

        if (rate != SampleRate)
        {
            throw new AudioFormatException($"WAV file is sampled at {rate} Hz; 16000 Hz is required (install ffmpeg to convert other rates).") { OtherEncoding = true };
        }

        var isInt16 = format == 1 && bits == 16;
        var isFloat32 = format == 3 && bits == 32;
        if (!isInt16 && !isFloat32)
        {
            throw new AudioFormatException($"WAV encoding (format {format}, {bits} bits) is not supported; use 16-bit PCM or 32-bit float.") { OtherEncoding = true };
        }

        var frameBytes = channels * bits / 8;
        var frames = data.Length / frameBytes;
        if (frames == 0)
        {
            throw new AudioFormatException("WAV file is truncated: it holds no complete sample.");
        }

        var samples = new float[frames];
        for (var i = 0; i < frames; i++)
        {
            var frame = data.Slice(i * frameBytes, frameBytes);
            float sum = 0;
            for (var c = 0; c < channels; c++)
            {
                sum += isInt16
                    ? BinaryPrimitives.ReadInt16LittleEndian(frame.Slice(c * 2, 2)) / 32768f
                    : BinaryPrimitives.ReadSingleLittleEndian(frame.Slice(c * 4, 4));
            }

            samples[i] = sum / channels;
        }

        return samples;
    }

    /// <summary>Any format ffmpeg reads, converted to 16 kHz mono float32 by the shared ffmpeg runner.</summary>
    public static float[] ReadWithFfmpeg(string path, CancellationToken ct = default)
    {
        try
        {
            // The reader's API is synchronous; ffmpeg works in its own process, so this thread only waits for its output.
            return FfmpegPcm.DecodeFileAsync(path, ct).GetAwaiter().GetResult() is { Length: > 0 } samples
                ? samples.ToArray()
                : throw new AudioFormatException($"'{Path.GetFileName(path)}' could not be read as audio: it produced no audio");
        }
        catch (AudioDecodeException e)
        {
            throw new AudioFormatException($"'{Path.GetFileName(path)}' could not be read as audio: {e.Message}", e);
        }
    }
}
