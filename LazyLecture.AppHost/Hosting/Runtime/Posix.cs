using System.Runtime.InteropServices;

// The AppHost runs Debian packages as local processes and signals process groups: Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace LazyLecture.Hosting.Runtime;

/// <summary>The few POSIX calls the runtime needs that .NET does not expose: signalling process groups and knowing whether we are root.</summary>
internal static partial class Posix
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEffectiveUserId();

    public static bool IsRoot => GetEffectiveUserId() == 0;

    /// <summary>Sends a signal to one process; false when it no longer exists.</summary>
    public static bool Signal(int pid, int signal) => pid > 0 && KillNative(pid, signal) == 0;

    /// <summary>Sends a signal to every process of a group (children started with setsid lead their own group).</summary>
    public static bool SignalGroup(int processGroupId, int signal) => processGroupId > 0 && KillNative(-processGroupId, signal) == 0;

    public static bool GroupExists(int processGroupId) => processGroupId > 0 && KillNative(-processGroupId, 0) == 0;

    public static bool ProcessExists(int pid) => pid > 0 && KillNative(pid, 0) == 0;
}
