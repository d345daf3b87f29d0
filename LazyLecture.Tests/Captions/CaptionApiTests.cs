using System.Net;
using System.Text.Json.Nodes;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Tests.Infrastructure.InProcess;
using Xunit;

namespace LazyLecture.Tests.Captions;

/// <summary>Caption rules as export options, and the check of the cues that still break one, through the API.</summary>
public sealed class CaptionApiTests(InProcessApiFixture fixture) : IClassFixture<InProcessApiFixture>
{
    [Theory]
    [InlineData("export?format=srt&max_lines=5", "max_lines")]
    [InlineData("export?format=vtt&max_line_length=9", "max_line_length")]
    [InlineData("export?format=vtt&max_cps=1000", "max_cps")]
    [InlineData("export?format=srt&min_duration=8&max_duration=7", "min_duration")]
    [InlineData("captions/check?max_pause=0", "max_pause")]
    [InlineData("captions/check?max_words=0", "max_words")]
    public async Task Caption_options_out_of_range_are_a_422_naming_the_parameter(string path, string parameter)
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);

        using var response = await api.GetAsync($"/api/v1/transcriptions/{id}/{path}", owner.Access);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal([parameter], (await ApiSession.ReadObjectAsync(response))["errors"]!.AsObject().Select(e => e.Key));
    }

    [Fact]
    public async Task The_check_lists_the_cues_of_the_given_settings_that_break_a_rule_and_only_for_the_owner()
    {
        using var api = new ApiSession(fixture);
        var (_, owner) = await api.NewUploaderAsync();
        var id = await api.UploadOkAsync(owner.Access, TranscriptionClient.Jfk);
        await api.ReportStateAsync(id, "in_progress");
        // A calm sentence, a pause, then a fast speaker: about 30 characters a second for six seconds (inside the 11-s chunk).
        await api.SaveChunkAsync(id, 0, "x",
            (0.0, 2.0, "Good morning everyone."),
            (4.5, 6.5, "Eigenvalues eigenvectors determinants and characteristic roots"),
            (6.5, 8.5, "diagonalisation orthogonality and the spectral decomposition"),
            (8.5, 10.5, "all of them follow from one single theorem about matrices"));

        using var defaults = await api.GetAsync($"/api/v1/transcriptions/{id}/captions/check", owner.Access);
        using var relaxed = await api.GetAsync($"/api/v1/transcriptions/{id}/captions/check?max_cps=40&max_line_length=80", owner.Access);
        var (_, _, stranger) = await api.NewUserAsync();
        using var foreign = await api.GetAsync($"/api/v1/transcriptions/{id}/captions/check", stranger.Access);

        Assert.Equal(HttpStatusCode.OK, defaults.StatusCode);
        var check = await ApiSession.ReadObjectAsync(defaults);
        var broken = check["broken_cues"]!.AsArray();
        Assert.Contains(broken, cue => cue!["broken"]!.AsArray().Any(rule => rule!.GetValue<string>() == "too_fast"));
        Assert.DoesNotContain(broken, cue => cue!["text"]!.GetValue<string>().Contains("morning", StringComparison.Ordinal));
        Assert.Equal(17, check["rules"]!["max_chars_per_second"]!.GetValue<double>());
        Assert.Empty((await ApiSession.ReadObjectAsync(relaxed))["broken_cues"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }
}
