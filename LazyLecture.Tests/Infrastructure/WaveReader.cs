using System.Buffers.Binary;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>Samples of a WAV file as floats in [-1, 1], interleaved when there are several channels.</summary>
public sealed record WaveAudio(int SampleRate, int Channels, float[] Samples)
{
    public double DurationSecs => Samples.Length / (double)Channels / SampleRate;
}

/// <summary>Reads 16-bit PCM WAV files (RIFF chunks in any order, extra chunks such as LIST skipped).</summary>
public static class WaveReader
{
    public static WaveAudio Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 12 || !bytes.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !bytes.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException($"'{path}' is not a RIFF/WAVE file.");
        }

        int? sampleRate = null, channels = null;
        for (var offset = 12; offset + 8 <= bytes.Length;)
        {
            var id = bytes.AsSpan(offset, 4);
            var size = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4, 4)), (uint)(bytes.Length - offset - 8));
            var body = bytes.AsSpan(offset + 8, size);
            if (id.SequenceEqual("fmt "u8))
            {
                var format = BinaryPrimitives.ReadUInt16LittleEndian(body);
                var bits = BinaryPrimitives.ReadUInt16LittleEndian(body[14..]);
                if (format != 1 || bits != 16)
                {
                    throw new InvalidDataException($"'{path}' is not 16-bit PCM (format {format}, {bits} bits).");
                }

                channels = BinaryPrimitives.ReadUInt16LittleEndian(body[2..]);
                sampleRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(body[4..]);
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (sampleRate is null || channels is null)
                {
                    throw new InvalidDataException($"'{path}' has its data chunk before its fmt chunk.");
                }

                var samples = new float[size / 2];
                for (var i = 0; i < samples.Length; i++)
                {
                    samples[i] = BinaryPrimitives.ReadInt16LittleEndian(body[(2 * i)..]) / 32768f;
                }

                return new WaveAudio(sampleRate.Value, channels.Value, samples);
            }

            // Chunks are padded to an even size.
            offset += 8 + size + (size & 1);
        }

        throw new InvalidDataException($"'{path}' has no data chunk.");
    }
}
