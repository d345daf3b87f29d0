using System.Globalization;
using System.Net;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Security;
using Xunit;

namespace LazyLecture.Tests.Hosting;

/// <summary>
/// The audio store's disk full or unwritable. The store stages each upload under <c>.staging</c> in its folder; the test
/// puts that folder on a real tiny tmpfs (smaller than the recording, or read-only), so the API's own writes fail as they
/// would on a full or read-only disk, without filling the machine's disk and whatever the suite's user (root) may do.
/// </summary>
// Changes the shared API's audio store: in SerialTests, apart from every other test of the shared application.
[Collection(nameof(SerialTests))]
public sealed class AudioStoreFaultTests(AppHostFixture fixture)
{
    [Fact]
    public async Task A_full_audio_disk_answers_507_problem_details_and_keeps_no_partial_file_or_row()
    {
        // Smaller than the recording (352 kB): the write runs out of space part-way, as on a full disk.
        await using var disk = await SmallTmpfs.MountAsync(320 * 1024);
        await AssertRefusedWithNothingStoredAsync(disk, HttpStatusCode.InsufficientStorage, "Audio store full");
    }

    [Fact]
    public async Task A_read_only_audio_disk_answers_503_problem_details_and_keeps_no_file_or_row()
    {
        await using var disk = await SmallTmpfs.MountAsync(4 * 1024 * 1024);
        await disk.MakeReadOnlyAsync();
        await AssertRefusedWithNothingStoredAsync(disk, HttpStatusCode.ServiceUnavailable, "Audio store unavailable");
    }

    private async Task AssertRefusedWithNothingStoredAsync(SmallTmpfs disk, HttpStatusCode status, string title)
    {
        using var api = new ApiSession(fixture);
        var (userId, tokens) = await api.NewUploaderAsync();
        var storedBefore = fixture.StoredRecordings();
        var staging = Path.Combine(fixture.AudioDirectory, ".staging");
        var aside = $"{staging}-aside-{Guid.NewGuid():N}";
        if (Directory.Exists(staging))
        {
            Directory.Move(staging, aside);
        }

        Directory.CreateSymbolicLink(staging, disk.Path);
        try
        {
            using var refused = await api.UploadAsync(tokens.Access, TranscriptionClient.Jfk);
            var problem = await ProblemAssert.IsProblemAsync(refused, status, $"an upload to a store that is {title}");
            Assert.Equal(title, problem["title"]!.GetValue<string>());
            Assert.Contains("nothing was stored", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Empty(disk.Entries());
        }
        finally
        {
            File.Delete(staging);
            if (Directory.Exists(aside))
            {
                Directory.Move(aside, staging);
            }
        }

        Assert.Equal(storedBefore, fixture.StoredRecordings());
        Assert.Equal(0, await ProblemAssert.TranscriptionCountAsync(fixture, userId));

        // With its disk back, the store takes the same upload without a restart.
        var id = await api.UploadOkAsync(tokens.Access, TranscriptionClient.Jfk);
        Assert.Contains(id.ToString(CultureInfo.InvariantCulture), fixture.StoredRecordings());
    }
}
