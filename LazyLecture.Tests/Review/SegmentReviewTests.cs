using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Security;
using Xunit;

namespace LazyLecture.Tests.Review;

/// <summary>
/// The owner's review by confidence: <c>PUT/DELETE …/segments/{n}/confirmation</c> store that a segment was checked
/// without a change, a correction reviews its segment too, and <c>GET …/review</c> counts them.
/// </summary>
public sealed class SegmentReviewTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Confirmations_and_corrections_count_as_reviewed_and_a_withdrawn_confirmation_no_longer_does()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await SavedTranscriptAsync(api, owner);
        Assert.Equal((3, 0, 0, 0), await ProgressAsync(api, owner, id));

        using var confirm = await ConfirmAsync(api, owner.Access, id, 0);
        var confirmed = await ApiSession.ReadObjectAsync(confirm);
        using var again = await ConfirmAsync(api, owner.Access, id, 0);
        using var correct = await api.SendAsync(HttpMethod.Patch, $"/api/v1/transcriptions/{id}/segments/2", JsonContent.Create(new { text = "ask what you can do" }), owner.Access);
        Assert.Equal(HttpStatusCode.OK, correct.StatusCode);

        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        Assert.Equal(("confirmed", "and so my fellow americans", 0, 0), (confirmed["review"]!.GetValue<string>(), confirmed["text"]!.GetValue<string>(), confirmed["chunk_no"]!.GetValue<int>(), confirmed["segment_no"]!.GetValue<int>()));
        Assert.Equal("confirmed", (await ApiSession.ReadObjectAsync(again))["review"]!.GetValue<string>());
        Assert.Equal("corrected", (await ApiSession.ReadObjectAsync(correct))["review"]!.GetValue<string>());
        Assert.Equal((3, 2, 1, 1), await ProgressAsync(api, owner, id));
        Assert.Equal(["confirmed", "unreviewed", "corrected"], await ReviewsAsync(api, owner, id));

        // Withdrawing: the confirmed segment is unreviewed again; the corrected one keeps its correction and its review.
        using var withdraw = await WithdrawAsync(api, owner.Access, id, 0);
        using var withdrawCorrected = await WithdrawAsync(api, owner.Access, id, 2);
        Assert.Equal("unreviewed", (await ApiSession.ReadObjectAsync(withdraw))["review"]!.GetValue<string>());
        var stillCorrected = await ApiSession.ReadObjectAsync(withdrawCorrected);
        Assert.Equal(("corrected", "ask what you can do"), (stillCorrected["review"]!.GetValue<string>(), stillCorrected["text"]!.GetValue<string>()));
        Assert.Equal((3, 1, 0, 1), await ProgressAsync(api, owner, id));

        // Confirming a corrected segment leaves it corrected (its correction is the review).
        using var confirmCorrected = await ConfirmAsync(api, owner.Access, id, 2);
        Assert.Equal("corrected", (await ApiSession.ReadObjectAsync(confirmCorrected))["review"]!.GetValue<string>());
        Assert.Equal(["unreviewed", "unreviewed", "corrected"], await ReviewsAsync(api, owner, id));
    }

    [Fact]
    public async Task Only_the_owner_reviews_and_a_segment_that_is_not_there_is_a_problem_that_changes_nothing()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await SavedTranscriptAsync(api, owner);
        var (_, _, stranger) = await api.NewUserAsync();

        using var foreign = await ConfirmAsync(api, stranger.Access, id, 0);
        using var foreignWithdraw = await WithdrawAsync(api, stranger.Access, id, 0);
        using var foreignProgress = await api.GetAsync($"/api/v1/transcriptions/{id}/review", stranger.Access);
        using var anonymous = await api.SendAsync(HttpMethod.Put, $"/api/v1/transcriptions/{id}/segments/0/confirmation");
        using var beyond = await ConfirmAsync(api, owner.Access, id, 3);
        using var negative = await ConfirmAsync(api, owner.Access, id, -1);
        using var noTranscription = await ConfirmAsync(api, owner.Access, int.MaxValue, 0);

        await ProblemAssert.IsProblemAsync(foreign, HttpStatusCode.NotFound, "a stranger's confirmation");
        await ProblemAssert.IsProblemAsync(foreignWithdraw, HttpStatusCode.NotFound, "a stranger's withdrawal");
        await ProblemAssert.IsProblemAsync(foreignProgress, HttpStatusCode.NotFound, "a stranger's progress");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        await ProblemAssert.IsProblemAsync(beyond, HttpStatusCode.NotFound, "a segment beyond the last");
        await ProblemAssert.IsProblemAsync(negative, HttpStatusCode.NotFound, "a negative segment number"); // plain digits only: "-1" names no segment route
        await ProblemAssert.IsProblemAsync(noTranscription, HttpStatusCode.NotFound, "a transcription that does not exist");
        Assert.Equal(["unreviewed", "unreviewed", "unreviewed"], await ReviewsAsync(api, owner, id));
    }

    /// <summary>A completed job whose worker saved three segments (the worker's endpoints: no engine needed).</summary>
    private static async Task<int> SavedTranscriptAsync(ApiSession api, Tokens owner)
    {
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        await api.SaveChunkAsync(id, 0, "and so my fellow americans ask not what your country can do for you",
            (0.0, 3.0, "and so my fellow americans"), (3.0, 4.5, "ask not"), (4.5, 8.0, "what your country can do for you"));
        await api.ReportStateAsync(id, "completed");
        return id;
    }

    private static Task<HttpResponseMessage> ConfirmAsync(ApiSession api, string access, int id, int n) =>
        api.SendAsync(HttpMethod.Put, $"/api/v1/transcriptions/{id}/segments/{n}/confirmation", null, access);

    private static Task<HttpResponseMessage> WithdrawAsync(ApiSession api, string access, int id, int n) =>
        api.SendAsync(HttpMethod.Delete, $"/api/v1/transcriptions/{id}/segments/{n}/confirmation", null, access);

    private static async Task<(int Segments, int Reviewed, int Confirmed, int Corrected)> ProgressAsync(ApiSession api, Tokens owner, int id)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/review", owner.Access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var progress = await ApiSession.ReadObjectAsync(response);
        return (progress["segments"]!.GetValue<int>(), progress["reviewed"]!.GetValue<int>(), progress["confirmed"]!.GetValue<int>(), progress["corrected"]!.GetValue<int>());
    }

    /// <summary>Each segment's review as the segment list reports it, in transcript order.</summary>
    private static async Task<string[]> ReviewsAsync(ApiSession api, Tokens owner, int id)
    {
        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/segments", owner.Access);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await ApiSession.ReadObjectAsync(response))["segments"]!.AsArray().Select(s => s!["review"]!.GetValue<string>())];
    }
}
