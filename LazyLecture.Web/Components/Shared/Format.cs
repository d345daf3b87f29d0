using System.Globalization;

namespace LazyLecture.Web.Components.Shared;

/// <summary>How times and sizes read on the screens.</summary>
public static class Format
{
    /// <summary>A position or duration: <c>m:ss</c>, or <c>h:mm:ss</c> from an hour on.</summary>
    public static string Clock(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return time.TotalHours >= 1
            ? time.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : time.ToString(@"m\:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>The same in words, for screen readers (a button "0:42" says little).</summary>
    public static string Spoken(double seconds)
    {
        var time = TimeSpan.FromSeconds(Math.Max(0, Math.Floor(seconds)));
        return time.TotalHours >= 1
            ? $"{(int)time.TotalHours} h {time.Minutes} min {time.Seconds} s"
            : $"{time.Minutes} min {time.Seconds} s";
    }

    public static string Date(DateTimeOffset date) => date.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes) => bytes switch
    {
        >= 1 << 30 => $"{bytes / (double)(1 << 30):0.0} GB",
        >= 1 << 20 => $"{bytes / (double)(1 << 20):0.0} MB",
        _ => $"{bytes / 1024.0:0} KB",
    };

    public static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture);
}
