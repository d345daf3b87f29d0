using System.Text.RegularExpressions;
using LazyLecture.Worker.Engines.Whisper;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>The worker reads the same model catalogue as ./run.sh: eng/whisper-models.tsv, embedded at build time.</summary>
public class WhisperModelCatalogTests
{
    [Fact]
    public void The_embedded_catalogue_is_eng_whisper_models_tsv()
    {
        var file = Path.Combine(RepositoryRoot(), "eng", "whisper-models.tsv");
        var listed = File.ReadAllLines(file).Where(l => l.Length > 0 && l[0] is not '#' and not '@').Select(l => l.Split('\t')).ToList();

        Assert.Equal(11, listed.Count);
        Assert.Equal(listed.Select(l => l[0]).Order(), WhisperModelCatalog.Models.Order());
        Assert.All(listed, l => Assert.True(WhisperModelCatalog.TryGetSha1(l[0], out var sha1) && sha1 == l[1] && Regex.IsMatch(sha1, "^[0-9a-f]{40}$")));
        Assert.StartsWith("https://", WhisperModelCatalog.BaseUrl, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(10), WhisperModelCatalog.ConnectTimeout);
        Assert.False(WhisperModelCatalog.TryGetSha1("huge.en", out _));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LazyLecture.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (LazyLecture.sln) is not above the test binaries.");
    }
}
