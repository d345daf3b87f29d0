using System.Buffers.Binary;
using LazyLecture.Media.Ffmpeg;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Audio;
using Xunit;

namespace LazyLecture.Tests.Whisper.Decoding;

public sealed class AudioFileReaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("lazylecture-audio-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Jfk_wav_reads_as_eleven_seconds_of_16khz_mono()
    {
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), TestContext.Current.CancellationToken);

        Assert.InRange(samples.Length / 16000.0, 10.9, 11.1);
        Assert.InRange(samples.Max(Math.Abs), 0.05f, 1f);
    }

    [Fact]
    public void Stereo_wav_is_mixed_down_to_mono()
    {
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/stereo_diarization.wav"), TestContext.Current.CancellationToken);

        Assert.InRange(samples.Length / 16000.0, 4.5, 5.5);
    }

    [Fact]
    public void Stereo_int16_channels_are_averaged()
    {
        var wav = Wav(format: 1, channels: 2, rate: 16000, bits: 16, data: [.. Int16(16384), .. Int16(0), .. Int16(-32768), .. Int16(0)]);

        Assert.Equal([0.25f, -0.5f], AudioFileReader.ReadWav(wav));
    }

    [Fact]
    public void Float32_wav_is_read_as_is()
    {
        var data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, 0.75f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -0.25f);

        Assert.Equal([0.75f, -0.25f], AudioFileReader.ReadWav(Wav(format: 3, channels: 1, rate: 16000, bits: 32, data: data)));
    }

    [Fact]
    public void Wav_at_another_rate_gives_a_clear_error()
    {
        var error = Assert.Throws<AudioFormatException>(() => AudioFileReader.ReadWav(Wav(1, 1, 44100, 16, new byte[100])));

        Assert.Contains("44100 Hz", error.Message);
    }

    [Fact]
    public void Wav_at_another_rate_is_resampled_through_ffmpeg_when_available()
    {
        if (!MediaTool.IsInstalled())
        {
            Assert.Skip("ffmpeg is not on PATH");
        }

        var data = new byte[44100 * 2]; // one second of silence at 44.1 kHz
        var path = Path.Combine(_folder, "cd.wav");
        File.WriteAllBytes(path, Wav(1, 1, 44100, 16, data));

        var samples = AudioFileReader.Read(path, TestContext.Current.CancellationToken);

        Assert.InRange(samples.Length, 15900, 16100);
    }

    [Fact]
    public void Text_file_gives_a_clear_error_not_a_crash()
    {
        var path = Path.Combine(_folder, "notes.wav");
        File.WriteAllText(path, "These are lecture notes, not audio.");

        var error = Assert.Throws<AudioFormatException>(() => AudioFileReader.Read(path, TestContext.Current.CancellationToken));

        Assert.Contains("notes.wav", error.Message);
    }

    [Fact]
    public void Wav_cut_off_in_its_audio_data_gives_a_clear_error()
    {
        var full = File.ReadAllBytes(SharedAssets.Require("audio/jfk.wav"));
        var path = Path.Combine(_folder, "cut.wav");
        File.WriteAllBytes(path, full[..(full.Length / 2)]);

        var error = Assert.Throws<AudioFormatException>(() => AudioFileReader.Read(path, TestContext.Current.CancellationToken));

        Assert.Contains("truncated", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Truncated_wav_gives_a_clear_error()
    {
        var full = File.ReadAllBytes(SharedAssets.Require("audio/jfk.wav"));
        var path = Path.Combine(_folder, "truncated.wav");
        File.WriteAllBytes(path, full[..30]);

        var error = Assert.Throws<AudioFormatException>(() => AudioFileReader.ReadWav(File.ReadAllBytes(path)));

        Assert.Contains("truncated", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<AudioFormatException>(() => AudioFileReader.Read(path, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Missing_file_names_the_path()
    {
        var error = Assert.Throws<FileNotFoundException>(() => AudioFileReader.Read(Path.Combine(_folder, "absent.mp3"), TestContext.Current.CancellationToken));

        Assert.Contains("absent.mp3", error.Message);
    }

    private static byte[] Int16(short value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteInt16LittleEndian(bytes, value);
        return bytes;
    }

    private static byte[] Wav(int format, int channels, int rate, int bits, byte[] data)
    {
        var wav = new byte[44 + data.Length];
        "RIFF"u8.CopyTo(wav);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(4), 36 + data.Length);
        "WAVEfmt "u8.CopyTo(wav.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(20), (short)format);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(22), (short)channels);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(28), rate * channels * bits / 8);
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(32), (short)(channels * bits / 8));
        BinaryPrimitives.WriteInt16LittleEndian(wav.AsSpan(34), (short)bits);
        "data"u8.CopyTo(wav.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(wav.AsSpan(40), data.Length);
        data.CopyTo(wav, 44);
        return wav;
    }
}
