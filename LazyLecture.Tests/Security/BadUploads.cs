using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using LazyLecture.Tests.Infrastructure;

namespace LazyLecture.Tests.Security;

/// <summary>Upload bodies that must be refused: broken multipart framing and files that are not usable audio.</summary>
public static class BadUploads
{
    public static readonly string[] BrokenMultipartKinds =
        ["wrong-boundary", "missing-boundary", "empty-boundary", "over-long-boundary", "no-closing-boundary", "empty-body"];

    public static HttpContent BrokenMultipart(string kind)
    {
        const string boundary = "lazylecture-boundary";
        var part = $"--{boundary}\r\nContent-Disposition: form-data; name=\"audiofile\"; filename=\"a.wav\"\r\nContent-Type: audio/wav\r\n\r\nRIFF....WAVEfmt \r\n";
        var longBoundary = new string('b', 5000);
        var (contentType, body) = kind switch
        {
            "wrong-boundary" => ("multipart/form-data; boundary=something-else", part + $"--{boundary}--\r\n"),
            "missing-boundary" => ("multipart/form-data", part + $"--{boundary}--\r\n"),
            "empty-boundary" => ("multipart/form-data; boundary=\"\"", part + $"--{boundary}--\r\n"),
            "over-long-boundary" => ($"multipart/form-data; boundary={longBoundary}", $"--{longBoundary}\r\nContent-Disposition: form-data; name=\"audiofile\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--{longBoundary}--\r\n"),
            "no-closing-boundary" => ($"multipart/form-data; boundary={boundary}", part),
            "empty-body" => ($"multipart/form-data; boundary={boundary}", ""),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    /// <summary>Files that are not a usable recording, by name: each is sent in an otherwise correct multipart body.</summary>
    public static async Task<IReadOnlyList<(string Name, byte[] Content)>> AudioAsync()
    {
        var scratch = Directory.CreateTempSubdirectory("lazylecture-corpus-").FullName;
        try
        {
            var flac = await File.ReadAllBytesAsync(await TestAudio.GenerateAsync(scratch, "tone.flac", 30, ["-c:a", "flac"]));
            var longPath = Path.Combine(scratch, "long.mp3");
            await TestAudio.RunFfmpegAsync(["-y", "-f", "lavfi", "-i", "anullsrc=r=8000:cl=mono", "-t", "7300", "-c:a", "libmp3lame", "-b:a", "8k", longPath]);
            return
            [
                ("random bytes", RandomNumberGenerator.GetBytes(64 * 1024)),
                ("truncated flac", flac[..(flac.Length / 3)]),
                ("empty file", []),
                ("text file named .mp3", "These are lecture notes, not a recording.\n"u8.ToArray()),
                ("too short", await File.ReadAllBytesAsync(SharedAssets.Require("audio/LDC93S1.wav"))),
                ("too long", await File.ReadAllBytesAsync(longPath)),
                ("absurd declared duration", AbsurdWav()),
            ];
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public static MultipartFormDataContent FileUpload(byte[] content, string fileName = "lecture.mp3")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/mpeg");
        form.Add(file, "audiofile", fileName);
        return form;
    }

    /// <summary>A WAV header declaring 4 GiB of 8 kHz samples (about 75 hours) in front of one second of them.</summary>
    private static byte[] AbsurdWav()
    {
        const int rate = 8000;
        var samples = new byte[rate * 2];
        using var wav = new MemoryStream();
        using var writer = new BinaryWriter(wav);
        writer.Write("RIFF"u8);
        writer.Write(uint.MaxValue);
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(rate);
        writer.Write(rate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(uint.MaxValue - 44);
        writer.Write(samples);
        return wav.ToArray();
    }
}
