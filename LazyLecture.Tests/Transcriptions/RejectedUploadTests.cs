using System.Net;
using System.Security.Cryptography;
using LazyLecture.Contracts;
using LazyLecture.Tests.Infrastructure;
using Npgsql;
using Xunit;

namespace LazyLecture.Tests.Transcriptions;

/// <summary>Bad uploads are refused with the right status and leave nothing behind: no row, no file. Runs alone, so the audio folder can be compared.</summary>
[Collection(nameof(SerialTests))]
public sealed class RejectedUploadTests(AppHostFixture fixture)
{
    public static TheoryData<string> Cases => ["too-short", "too-long", "not-audio", "empty", "truncated", "oversize", "no-file-field"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Rejected_upload_leaves_no_file_and_no_row(string kind)
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();
        var (content, expected) = await BuildAsync(kind);
        var filesBefore = AudioFiles();

        using var response = await api.UploadAsync(tokens.Access, content, "recording.mp3", "audio/mpeg", field: kind == "no-file-field" ? "other" : "audiofile");

        // A truncated file is either not recognised as audio (415) or recognised but undecodable (422); never accepted.
        Assert.True(response.StatusCode == expected || (kind == "truncated" && response.StatusCode == HttpStatusCode.UnsupportedMediaType),
            $"{kind}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ApiSession.Cancellation)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = new NpgsqlConnection(fixture.App.GetConnectionString(ResourceNames.Database));
        await db.OpenAsync(ApiSession.Cancellation);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM transcriptions WHERE creator_id = @user", db);
        count.Parameters.AddWithValue("user", userId);
        Assert.Equal(0L, await count.ExecuteScalarAsync(ApiSession.Cancellation));
        Assert.Equal(filesBefore, AudioFiles());
    }

    private string AudioDirectory => Path.Combine(fixture.AudioDirectory);

    /// <summary>Every file in the audio store, staging area included.</summary>
    private List<string> AudioFiles() =>
        Directory.Exists(AudioDirectory) ? [.. Directory.EnumerateFiles(AudioDirectory, "*", SearchOption.AllDirectories).Order()] : [];

    private static async Task<(byte[] Content, HttpStatusCode Expected)> BuildAsync(string kind)
    {
        var scratch = Directory.CreateTempSubdirectory("lazylecture-upload-").FullName;
        try
        {
            switch (kind)
            {
                case "too-short":
                    return (File.ReadAllBytes(SharedAssets.Require("audio/LDC93S1.wav")), HttpStatusCode.UnprocessableEntity);
                case "too-long":
                    var path = Path.Combine(scratch, "long.mp3");
                    await TestAudio.RunFfmpegAsync(["-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "7300", "-c:a", "libmp3lame", "-b:a", "8k", path]);
                    return (File.ReadAllBytes(path), HttpStatusCode.UnprocessableEntity);
                case "not-audio":
                    return ("This is a lecture transcript, not a recording.\n"u8.ToArray(), HttpStatusCode.UnsupportedMediaType);
                case "empty":
                    return ([], HttpStatusCode.UnsupportedMediaType);
                case "truncated":
                    var whole = File.ReadAllBytes(await TestAudio.GenerateAsync(scratch, "tone.flac", 30, ["-c:a", "flac"]));
                    return (whole[..(whole.Length / 3)], HttpStatusCode.UnprocessableEntity);
                case "oversize":
                    return (RandomNumberGenerator.GetBytes((16 * 1024 * 1024) + 1), HttpStatusCode.RequestEntityTooLarge);
                case "no-file-field":
                    return (File.ReadAllBytes(SharedAssets.Require("audio/jfk.wav")), HttpStatusCode.UnprocessableEntity);
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
