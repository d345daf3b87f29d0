using System.Globalization;

namespace LoadBench;

/// <summary>Resident memory of a process of the system under test, from /proc (current VmRSS, peak VmHWM), in MiB.</summary>
public static class ProcessMemory
{
    public static double? ResidentMiB(int? pid) => Read(pid, "VmRSS:");

    public static double? PeakMiB(int? pid) => Read(pid, "VmHWM:");

    private static double? Read(int? pid, string field)
    {
        if (pid is null)
        {
            return null;
        }

        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? null : double.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return null; // the process has gone
        }
    }

    public static string Format(double? mib) => mib is { } value ? value.ToString("0", CultureInfo.InvariantCulture) : "?";
}
