using System.Diagnostics;
using System.Globalization;
using LazyLecture.Tests.Infrastructure;
using Xunit;

namespace LazyLecture.Tests.Chapters;

/// <summary>A spoken text on one subject and words a title about it may hold.</summary>
public sealed record Topic(string Text, IReadOnlyList<string> Words);

/// <summary>
/// Real speech of several unrelated subjects: each text read by Debian's espeak-ng, the parts joined by ffmpeg into one
/// 16 kHz mono WAV. <see cref="Changes"/> are the true topic changes (seconds), measured from the parts' lengths.
/// </summary>
public sealed record TopicRecording(byte[] Wav, IReadOnlyList<double> Changes)
{
    public static readonly IReadOnlyList<Topic> Lecture =
    [
        new("""
            Today we bake bread. Bread needs flour, water, salt and yeast. Mix the flour and the water into a dough.
            The dough must rest for one hour so the yeast can make the bread rise. Then shape the dough into a loaf of bread.
            Put the bread into a hot oven. The oven must be very hot. Bake the bread for forty minutes in the oven.
            Good bread has a brown crust. Let the bread cool before you cut it. Fresh bread from your own oven tastes better than shop bread.
            Bakers get up early to bake bread in the oven every morning. Flour, water, yeast, oven: that is all good bread needs.
            """, ["bread", "oven", "flour", "dough", "yeast", "bake", "baker", "bakers", "loaf", "crust"]),
        new("""
            Now let us talk about the ocean. The ocean covers most of the earth. Ships sail across the ocean from port to port.
            Sailors on a ship watch the waves and the wind. A storm at sea can make the waves very high and the ship must turn.
            Fish and whales live deep in the ocean water. The sea water is salty and cold. Old sailors used the stars to find their way across the sea.
            Today every ship has a radio and a map of the ocean. The captain of the ship decides when the sailors leave the port.
            The ocean, the waves, the ship and the sailors: life at sea is hard.
            """, ["ocean", "ship", "ships", "sea", "sailors", "waves", "wave", "port", "captain", "whales", "sailor"]),
        new("""
            Finally, football. A football team has eleven players on the field. The players kick the ball and try to score a goal.
            The goal keeper stops the ball with his hands. A football game lasts ninety minutes. The team with the most goals wins the game.
            Players train every week to run fast and kick the ball hard. The coach of the team chooses the players for each game.
            Thousands of fans watch the football game and sing for their team. When a player scores a goal the fans cheer.
            Football, players, the ball and the goal: that is the game people love.
            """, ["football", "team", "players", "player", "ball", "goal", "goals", "game", "coach", "fans", "kick"]),
    ];

    private const int SampleRate = 16000;

    public static async Task<TopicRecording> SpeakAsync(IReadOnlyList<Topic> topics)
    {
        if (!File.Exists("/usr/bin/espeak-ng"))
        {
            // Like the PocketSphinx model: eng/prerequisites.sh installs it for test.sh; a developer without it skips, CI fails.
            const string reason = "espeak-ng (Debian package espeak-ng) is not installed.";
            if (SharedAssets.IsCi)
            {
                Assert.Fail(reason);
            }

            Assert.Skip(reason);
        }

        var scratch = Directory.CreateTempSubdirectory("lazylecture-topics-").FullName;
        try
        {
            var changes = new List<double>();
            var elapsed = 0.0;
            for (var i = 0; i < topics.Count; i++)
            {
                var spoken = Path.Combine(scratch, $"topic-{i}.wav");
                await SpeakAsync(topics[i].Text, spoken);
                var part = Path.Combine(scratch, $"topic-{i}.raw");
                await TestAudio.RunFfmpegAsync(["-y", "-i", spoken, "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "-f", "s16le", part]);
                if (i > 0)
                {
                    changes.Add(elapsed);
                }

                elapsed += new FileInfo(part).Length / (2.0 * SampleRate);
            }

            // The parts' lengths (16 kHz, 2 bytes a sample) give the true topic changes; ffmpeg's concat filter joins them.
            var joined = Path.Combine(scratch, "lecture.wav");
            var inputs = Enumerable.Range(0, topics.Count).SelectMany(i => new[] { "-i", Path.Combine(scratch, $"topic-{i}.wav") });
            var concat = string.Concat(Enumerable.Range(0, topics.Count).Select(i => $"[{i}:a]")) + $"concat=n={topics.Count}:v=0:a=1";
            await TestAudio.RunFfmpegAsync(["-y", .. inputs, "-filter_complex", concat, "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), joined]);
            return new TopicRecording(await File.ReadAllBytesAsync(joined), changes);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static async Task SpeakAsync(string text, string wav)
    {
        var start = new ProcessStartInfo("/usr/bin/espeak-ng") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-v", "en-us", "-s", "150", "-w", wav, string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"espeak-ng failed: {await errors}");
    }
}
