using LazyLecture.Api.Auth;
using LazyLecture.Api.Transcriptions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LazyLecture.Api.Captions;

/// <summary>A cue of the export that breaks a rule: its number in the srt/vtt file, times in seconds, text and the rules it breaks.</summary>
public sealed record BrokenCue(int Number, double Start, double End, string Text, IReadOnlyList<CaptionRule> Broken);

/// <summary>The rules checked, how many cues the export has and those that still break a rule (a fast speaker, a word too long for a line).</summary>
public sealed record CaptionCheck(CaptionRules Rules, int CueCount, IReadOnlyList<BrokenCue> BrokenCues);

/// <summary><c>GET /api/v1/transcriptions/{id}/captions/check</c>: the srt/vtt cues of the given rules that still break one.</summary>
public static class CaptionCheckEndpoints
{
    public static RouteGroupBuilder MapCaptionCheck(this RouteGroupBuilder transcriptions)
    {
        transcriptions.MapGet("/{id:int}/captions/check", async Task<Ok<CaptionCheck>> (HttpContext http, int id, [AsParameters] CaptionQuery query, UserTranscriptions owned, CancellationToken ct) =>
            {
                var rules = query.ToRules();
                var cues = CueBuilder.Build(await owned.ReadDocumentAsync(http.User.UserId(), id, ct), rules);
                return TypedResults.Ok(Check(cues, rules));
            })
            .WithSummary("The caption cues of the srt/vtt export that break a readability rule")
            .WithDescription(CaptionQuery.Description)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesValidationProblem(StatusCodes.Status422UnprocessableEntity);
        return transcriptions;
    }

    public static CaptionCheck Check(IReadOnlyList<CaptionCue> cues, CaptionRules rules) =>
        new(rules, cues.Count,
        [
            .. cues.Select((cue, index) => (Cue: cue, Number: index + 1, Broken: rules.Broken(cue)))
                .Where(c => c.Broken.Count > 0)
                .Select(c => new BrokenCue(c.Number, c.Cue.StartMs / 1000.0, c.Cue.EndMs / 1000.0, c.Cue.Text, c.Broken)),
        ]);
}
