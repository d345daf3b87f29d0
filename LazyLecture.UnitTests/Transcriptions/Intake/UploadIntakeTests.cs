using System.Text;
using LazyLecture.Api.Transcriptions;
using LazyLecture.Api.Transcriptions.Audio;
using LazyLecture.Api.Transcriptions.Intake;
using LazyLecture.Tests.Infrastructure;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Transcriptions.Intake;

/// <summary>
/// The one intake behind the three upload routes, on a real audio store folder and real ffprobe: the size cap, the empty
/// file, content that is no audio, and the duration rules, each told to the route's own refusals.
/// </summary>
public sealed class UploadIntakeTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lazylecture-intake-tests-").FullName;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_recording_within_the_limits_is_staged_and_described()
    {
        var intake = Intake(new TranscriptionOptions { MinDurationSecs = 10, MaxDurationSecs = 60 });
        using var staged = await StageAsync(intake, await ToneAsync(12));

        var audio = await intake.ProbeAsync(staged, new RecordedRefusals(), Cancellation);

        Assert.Equal(12, audio.DurationSeconds, 0.1);
        Assert.True(File.Exists(staged.Path));
    }

    [Fact]
    public async Task An_empty_file_is_refused_before_probing()
    {
        var intake = Intake(new TranscriptionOptions());
        using var staged = await intake.StageAsync(new MemoryStream(), Cancellation);

        var refusal = await Assert.ThrowsAsync<Refusal>(() => intake.ProbeAsync(staged, new RecordedRefusals(), Cancellation));

        Assert.Equal("empty", refusal.Kind);
    }

    [Fact]
    public async Task Content_that_is_no_audio_is_the_probes_415_whatever_the_route()
    {
        var intake = Intake(new TranscriptionOptions());
        using var staged = await intake.StageAsync(new MemoryStream(Encoding.UTF8.GetBytes("<html>not a recording</html>")), Cancellation);

        await Assert.ThrowsAsync<UnsupportedAudioException>(() => intake.ProbeAsync(staged, new RecordedRefusals(), Cancellation));
    }

    [Fact]
    public async Task Too_short_is_judged_by_the_routes_minimum_or_else_the_upload_minimum()
    {
        var intake = Intake(new TranscriptionOptions { MinDurationSecs = 10, MaxDurationSecs = 60 });
        using var staged = await StageAsync(intake, await ToneAsync(3));

        var refusal = await Assert.ThrowsAsync<Refusal>(() => intake.ProbeAsync(staged, new RecordedRefusals(), Cancellation));
        var openAiFloor = await intake.ProbeAsync(staged, new RecordedRefusals(), Cancellation, minDurationSecs: 0.1);

        Assert.Equal("too short", refusal.Kind);
        Assert.Equal(3, refusal.DurationSecs, 0.1);
        Assert.Equal(new DurationLimits(10, 60), refusal.Limits);
        Assert.Equal(3, openAiFloor.DurationSeconds, 0.1);
    }

    [Fact]
    public async Task Too_long_is_judged_by_the_configured_maximum()
    {
        var intake = Intake(new TranscriptionOptions { MinDurationSecs = 1, MaxDurationSecs = 5 });
        using var staged = await StageAsync(intake, await ToneAsync(8));

        var refusal = await Assert.ThrowsAsync<Refusal>(() => intake.ProbeAsync(staged, new RecordedRefusals(), Cancellation, minDurationSecs: 0.1));

        Assert.Equal("too long", refusal.Kind);
        Assert.Equal(new DurationLimits(0.1, 5), refusal.Limits);
    }

    [Fact]
    public async Task A_file_over_the_cap_is_413_and_leaves_nothing_staged()
    {
        var intake = Intake(new TranscriptionOptions { MaxUploadBytes = 4096 });

        await Assert.ThrowsAsync<UploadTooLargeException>(() => intake.StageAsync(new MemoryStream(new byte[4097]), Cancellation));

        Assert.Empty(Directory.EnumerateFiles(_directory, "*", SearchOption.AllDirectories));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private UploadIntake Intake(TranscriptionOptions options)
    {
        var store = new FileSystemAudioStore(Options.Create(new AudioStoreOptions { Directory = _directory }), new HostingEnvironment { ContentRootPath = _directory });
        return new UploadIntake(store, new FfprobeAudioProbe(NullLogger<FfprobeAudioProbe>.Instance), Options.Create(options));
    }

    private async Task<string> ToneAsync(double seconds) =>
        await TestAudio.GenerateAsync(Path.Combine(_directory, "sources"), $"tone-{seconds}.wav", seconds, ["-c:a", "pcm_s16le"]);

    private static async Task<StagedAudio> StageAsync(UploadIntake intake, string path)
    {
        await using var file = File.OpenRead(path);
        return await intake.StageAsync(file, Cancellation);
    }

    private sealed class Refusal(string kind, double durationSecs = 0, DurationLimits limits = default) : Exception(kind)
    {
        public string Kind { get; } = kind;

        public double DurationSecs { get; } = durationSecs;

        public DurationLimits Limits { get; } = limits;
    }

    /// <summary>Says which refusal the intake chose, with what it measured, as a route's own refusals would.</summary>
    private sealed class RecordedRefusals : IIntakeRefusals
    {
        public Exception Empty() => new Refusal("empty");

        public Exception TooShort(double durationSecs, DurationLimits limits) => new Refusal("too short", durationSecs, limits);

        public Exception TooLong(double durationSecs, DurationLimits limits) => new Refusal("too long", durationSecs, limits);
    }
}
