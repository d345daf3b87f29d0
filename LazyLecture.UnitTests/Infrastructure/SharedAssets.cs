using Xunit;

namespace LazyLecture.Tests.Infrastructure;

/// <summary>
/// Finds the models and audio of the shared folder that sits beside the repository (never copied into it).
/// One setting, <c>LAZYLECTURE_SHARED</c>, points elsewhere; the default is <c>../shared</c> from the repository root.
/// Tests that need a missing asset are skipped with the reason, except under CI (<c>CI=true</c>), where they fail.
/// </summary>
public static class SharedAssets
{
    public const string SettingName = "LAZYLECTURE_SHARED";

    /// <summary>Silero VAD v5.1.2, the file ./run.sh downloads for users.</summary>
    public const string VoiceActivityModel = "models/vad/silero_vad-v5.1.2.onnx";

    public static string Root { get; } = ResolveRoot();

    /// <summary>Full path of a file under the shared folder; skips (or fails under CI) the calling test when it is absent.</summary>
    public static string Require(string relativePath)
    {
        var path = PathOf(relativePath);
        if (File.Exists(path))
        {
            return path;
        }

        var reason = $"Shared asset '{relativePath}' not found under '{Root}' (set {SettingName} to the shared folder).";
        if (IsCi)
        {
            Assert.Fail(reason + " CI must run every test that needs shared assets.");
        }

        Assert.Skip(reason);
        return path; // unreachable: Assert.Skip throws
    }

    /// <summary>The full path of a shared file, for use outside a test body (a fixture); <see cref="Require"/> is checked by the test itself.</summary>
    public static string PathOf(string relativePath) => System.IO.Path.Combine(Root, relativePath);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string ResolveRoot()
    {
        var configured = Environment.GetEnvironmentVariable(SettingName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        return Path.GetFullPath(Path.Combine(RepositoryRoot.Path, "..", "shared"));
    }
}

/// <summary>The repository root, found by walking up from the test assembly to the folder holding LazyLecture.sln.</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "LazyLecture.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("LazyLecture.sln not found above " + AppContext.BaseDirectory);
    }
}
