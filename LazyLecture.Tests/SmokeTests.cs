using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests;

public class SharedAssetsTests
{
    [Fact]
    public void Shared_audio_reference_transcript_is_found_through_the_setting()
    {
        var path = SharedAssets.Require("audio/jfk.txt");
        Assert.Contains("ask not what your country can do for you", File.ReadAllText(path), StringComparison.OrdinalIgnoreCase);
    }
}
