using LazyLecture.Api.Transcriptions.Audio;
using Xunit;

namespace LazyLecture.Tests.Transcriptions.Audio;

/// <summary>A stored recording's media type comes from its first bytes, never from the name it was uploaded under.</summary>
public sealed class AudioMediaTypeTests
{
    [Theory]
    [InlineData("RIFF\0\0\0\0WAVEfmt ", "audio/wav", ".wav")]
    [InlineData("ID3\u0004\0\0\0\0\0\0\0\0", "audio/mpeg", ".mp3")]
    [InlineData("\u00FF\u00FB\u0090\u0044\0\0", "audio/mpeg", ".mp3")]
    [InlineData("\u00FF\u00F1\u0050\u0080\0\0", "audio/aac", ".aac")]
    [InlineData("OggS\0\u0002\0\0", "audio/ogg", ".ogg")]
    [InlineData("fLaC\0\0\0\u0022", "audio/flac", ".flac")]
    [InlineData("\0\0\0\u0020ftypM4A ", "audio/mp4", ".m4a")]
    [InlineData("\u001A\u0045\u00DF\u00A3\u0001\0", "audio/webm", ".webm")]
    [InlineData("<html><script>", "application/octet-stream", ".bin")]
    [InlineData("<svg xmlns=", "application/octet-stream", ".bin")]
    [InlineData("MZ\u0090\0\u0003\0", "application/octet-stream", ".bin")]
    [InlineData("", "application/octet-stream", ".bin")]
    public void The_type_is_the_containers_whatever_the_file_is_called(string header, string mediaType, string extension)
    {
        var kind = AudioMediaType.Of([.. header.Select(c => (byte)c)]);

        Assert.Equal(mediaType, kind.MediaType);
        Assert.Equal(extension, kind.Extension);
    }
}
