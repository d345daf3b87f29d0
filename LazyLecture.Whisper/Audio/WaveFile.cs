using System.Buffers.Binary;

namespace LazyLecture.Whisper.Audio;

/// <summary>Reads RIFF/WAVE 16-bit PCM files as float samples in [-1, 1); multi-channel audio is averaged to mono.</summary>
internal static class WaveFile
{
    public sealed record Audio(int SampleRate, int Channels, float[] Samples);

    public static Audio ReadMono(string path) => ReadMono(File.ReadAllBytes(path));

    public static Audio ReadMono(ReadOnlySpan<byte> file)
    {
        if (file.Length < 12 || !file[..4].SequenceEqual("RIFF"u8) || !file.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            throw new InvalidDataException("Not a RIFF/WAVE file.");
        }

        int channels = 0, sampleRate = 0, bitsPerSample = 0, format = 0;
        var at = 12;
        while (at + 8 <= file.Length)
        {
            var id = file.Slice(at, 4);
            var size = BinaryPrimitives.ReadInt32LittleEndian(file.Slice(at + 4, 4));
            var body = at + 8;
            if (size < 0 || body + size > file.Length)
            {
                size = file.Length - body; // tolerate a data chunk whose size overruns a truncated file
            }

            if (id.SequenceEqual("fmt "u8))
            {
                format = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body, 2));
                channels = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 2, 2));
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(file.Slice(body + 4, 4));
                bitsPerSample = BinaryPrimitives.ReadUInt16LittleEndian(file.Slice(body + 14, 2));
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (format is not (1 or 0xFFFE) || bitsPerSample != 16 || channels < 1)
                {
                    throw new InvalidDataException($"Only 16-bit PCM WAV is supported (format {format}, {bitsPerSample} bits, {channels} channels).");
                }

                var frames = size / (2 * channels);
                var samples = new float[frames];
                for (var i = 0; i < frames; i++)
                {
                    var sum = 0f;
                    for (var c = 0; c < channels; c++)
                    {
                        sum += BinaryPrimitives.ReadInt16LittleEndian(file.Slice(body + 2 * (i * channels + c), 2)) / 32768f;
                    }

                    samples[i] = sum / channels;
                }

                return new Audio(sampleRate, channels, samples);
            }

            at = body + size + (size & 1);
        }

        throw new InvalidDataException("WAV file has no data chunk.");
    }
}
