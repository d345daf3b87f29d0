using LazyLecture.Api.Transcriptions.Audio;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace LazyLecture.Tests.Transcriptions.Audio;

public sealed class FfprobeAudioProbeTests : IDisposable
{
    private const double ToneSeconds = 12;

    private static readonly string[] SmallVideo = ["-f", "lavfi", "-i", "testsrc=duration=12:size=160x120:rate=10"];

    private readonly string _directory = Directory.CreateTempSubdirectory("lazylecture-probe-tests-").FullName;

    private readonly FfprobeAudioProbe _probe = new(NullLogger<FfprobeAudioProbe>.Instance);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public static TheoryData<string, string[], string> AudioFormats => new()
    {
        { "tone.mp3", ["-c:a", "libmp3lame"], "mp3" },
        { "tone.wav", ["-c:a", "pcm_s16le"], "pcm_s16le" },
        { "tone.ogg", ["-c:a", "libopus"], "opus" },
        { "tone.flac", ["-c:a", "flac"], "flac" },
        { "tone.m4a", ["-c:a", "aac"], "aac" },
        { "video.webm", [.. SmallVideo, "-c:v", "libvpx", "-c:a", "libopus"], "opus" },
        { "video.mp4", [.. SmallVideo, "-c:v", "mpeg4", "-c:a", "aac"], "aac" },
    };

    [Theory]
    [MemberData(nameof(AudioFormats))]
    public async Task Audio_and_video_files_probe_to_their_length_and_codec(string fileName, string[] outputArgs, string codec)
    {
        var path = await TestAudio.GenerateAsync(_directory, fileName, ToneSeconds, outputArgs);

        var info = await _probe.ProbeAsync(path, Cancellation);

        Assert.Equal(ToneSeconds, info.DurationSeconds, 0.1);
        Assert.Equal(codec, info.Codec);
        Assert.Equal(1, info.Channels);
        Assert.True(info.SampleRate >= 8000, $"sample rate {info.SampleRate}");
        Assert.False(string.IsNullOrEmpty(info.FormatName));
    }

    [Fact]
    public async Task Content_decides_the_format_not_the_extension()
    {
        var wav = await TestAudio.GenerateAsync(_directory, "tone.wav", ToneSeconds, ["-c:a", "pcm_s16le"]);
        var misnamed = Path.Combine(_directory, "lecture.mp3");
        File.Move(wav, misnamed);
        var mp3 = await TestAudio.GenerateAsync(_directory, "tone.mp3", ToneSeconds, ["-c:a", "libmp3lame"]);
        var unnamed = Path.Combine(_directory, "upload");
        File.Move(mp3, unnamed);

        var misnamedInfo = await _probe.ProbeAsync(misnamed, Cancellation);
        var unnamedInfo = await _probe.ProbeAsync(unnamed, Cancellation);

        Assert.Equal(("wav", "pcm_s16le"), (misnamedInfo.FormatName, misnamedInfo.Codec));
        Assert.Equal(("mp3", "mp3"), (unnamedInfo.FormatName, unnamedInfo.Codec));
        Assert.True(File.Exists(misnamed), "probing leaves the file in place");
    }

    [Fact]
    public async Task Vbr_mp3_without_a_frame_count_gets_its_decoded_length_not_the_bitrate_guess()
    {
        // A tone, then noise: the bitrate of the quiet start makes ffprobe's guess far longer than the 24 s the file holds.
        var path = await TestAudio.GenerateAsync(_directory, "vbr.mp3", ToneSeconds,
            ["-f", "lavfi", "-i", "anoisesrc=d=12:a=0.5", "-filter_complex", "[0][1]concat=n=2:v=0:a=1", "-c:a", "libmp3lame", "-q:a", "2", "-write_xing", "0"]);

        var info = await _probe.ProbeAsync(path, Cancellation);

        Assert.Equal(2 * ToneSeconds, info.DurationSeconds, 0.1);
    }

    [Fact]
    public async Task Shared_jfk_recording_probes_to_eleven_seconds()
    {
        var info = await _probe.ProbeAsync(SharedAssets.Require("audio/jfk.wav"), Cancellation);

        Assert.Equal(11.0, info.DurationSeconds, 0.1);
        Assert.Equal("wav", info.FormatName);
    }

    [Fact]
    public async Task Text_file_named_mp3_is_unsupported()
    {
        var path = Path.Combine(_directory, "notes.mp3");
        await File.WriteAllLinesAsync(path, Enumerable.Range(1, 500).Select(i => $"Line {i}: this is not audio."), Cancellation);

        await Assert.ThrowsAsync<UnsupportedAudioException>(() => _probe.ProbeAsync(path, Cancellation));
    }

    [Fact]
    public async Task Random_bytes_named_mp3_are_unsupported()
    {
        var path = Path.Combine(_directory, "noise.mp3");
        await File.WriteAllBytesAsync(path, RandomBytes(200_000, seed: 1), Cancellation);

        await Assert.ThrowsAsync<UnsupportedAudioException>(() => _probe.ProbeAsync(path, Cancellation));
    }

    [Fact]
    public async Task Empty_file_is_unsupported()
    {
        var path = Path.Combine(_directory, "empty.wav");
        await File.WriteAllBytesAsync(path, [], Cancellation);

        await Assert.ThrowsAsync<UnsupportedAudioException>(() => _probe.ProbeAsync(path, Cancellation));
    }

    [Fact]
    public async Task Video_without_an_audio_track_is_unsupported()
    {
        var path = await TestAudio.GenerateAsync(_directory, "silent.mp4", ToneSeconds, [.. SmallVideo, "-map", "1:v", "-c:v", "mpeg4"]);

        var error = await Assert.ThrowsAsync<UnsupportedAudioException>(() => _probe.ProbeAsync(path, Cancellation));
        Assert.Contains("no audio", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("tone.mp3", "libmp3lame")]
    [InlineData("tone.wav", "pcm_s16le")]
    [InlineData("tone.flac", "flac")]
    [InlineData("tone.m4a", "aac")]
    [InlineData("tone.ogg", "libopus")]
    public async Task Truncated_file_is_never_accepted_with_its_declared_length(string fileName, string codec)
    {
        var path = await TestAudio.GenerateAsync(_directory, fileName, ToneSeconds, ["-c:a", codec]);
        var bytes = await File.ReadAllBytesAsync(path, Cancellation);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 30 / 100)], Cancellation);

        var outcome = await ProbeOutcomeAsync(path);

        // Ogg states no length up front, so a cut-off Ogg file is simply shorter; every other format must be refused.
        if (outcome is AudioInfo info)
        {
            Assert.Equal(".ogg", Path.GetExtension(fileName));
            Assert.True(info.DurationSeconds < ToneSeconds * 0.5, $"accepted at {info.DurationSeconds} s");
        }
        else
        {
            Assert.True(outcome is UndecodableAudioException or UnsupportedAudioException, $"unexpected {outcome}");
        }
    }

    // Not WAV: after its header any bytes are valid PCM samples (noise), so there is nothing to be corrupt.
    [Theory]
    [InlineData("tone.mp3", "libmp3lame")]
    [InlineData("tone.flac", "flac")]
    [InlineData("tone.m4a", "aac")]
    public async Task Header_followed_by_garbage_is_refused(string fileName, string codec)
    {
        var path = await TestAudio.GenerateAsync(_directory, fileName, ToneSeconds, ["-c:a", codec]);
        var bytes = await File.ReadAllBytesAsync(path, Cancellation);
        RandomBytes(bytes.Length - 4096, seed: 2).CopyTo(bytes, 4096);
        await File.WriteAllBytesAsync(path, bytes, Cancellation);

        var outcome = await ProbeOutcomeAsync(path);

        Assert.True(outcome is UndecodableAudioException or UnsupportedAudioException, $"unexpected {outcome}");
    }

    [Fact]
    public async Task Truncated_mp3_with_an_audio_stream_is_undecodable_with_a_clear_message()
    {
        var path = await TestAudio.GenerateAsync(_directory, "tone.mp3", ToneSeconds, ["-c:a", "libmp3lame"]);
        var bytes = await File.ReadAllBytesAsync(path, Cancellation);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 30 / 100)], Cancellation);

        var error = await Assert.ThrowsAsync<UndecodableAudioException>(() => _probe.ProbeAsync(path, Cancellation));

        Assert.Contains("truncated", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(_directory, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelled_probe_stops_with_cancellation()
    {
        var path = await TestAudio.GenerateAsync(_directory, "tone.flac", ToneSeconds, ["-c:a", "flac"]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _probe.ProbeAsync(path, new CancellationToken(canceled: true)));
    }

    [Fact]
    public void Audio_exceptions_become_415_and_422_problems()
    {
        var unsupported = new UnsupportedAudioException("x");
        var undecodable = new UndecodableAudioException("y");

        Assert.Equal((415, "Unsupported audio"), (unsupported.StatusCode, unsupported.Title));
        Assert.Equal((422, "Undecodable audio"), (undecodable.StatusCode, undecodable.Title));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private async Task<object> ProbeOutcomeAsync(string path)
    {
        try
        {
            return await _probe.ProbeAsync(path, Cancellation);
        }
        catch (Exception ex) when (ex is UndecodableAudioException or UnsupportedAudioException)
        {
            return ex;
        }
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
