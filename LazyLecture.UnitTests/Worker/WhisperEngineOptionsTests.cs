using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Engines.Whisper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace LazyLecture.Tests.Worker;

/// <summary>Engines:Whisper:BeamSize as the worker binds and checks it.</summary>
public class WhisperEngineOptionsTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("8", 8)]
    public void Beam_size_is_read_from_the_configuration(string configured, int expected)
    {
        Assert.Equal(expected, Bind(configured).Value.BeamSize);
    }

    [Fact]
    public void Without_a_setting_the_worker_decodes_with_five_beams_and_passes_them_to_the_managed_engine()
    {
        var options = Bind(null).Value;

        Assert.Equal(5, options.BeamSize);
        Assert.Equal(5, options.ToManagedOptions().BeamSize);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("9")] // whisper.cpp keeps at most 8 decoders
    public void A_beam_size_outside_one_to_eight_is_refused_with_the_setting_named(string configured)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(configured).Value);
        Assert.Contains(nameof(WhisperEngineOptions.BeamSize), error.Message, StringComparison.Ordinal);
    }

    private static IOptions<WhisperEngineOptions> Bind(string? beamSize)
    {
        var settings = new Dictionary<string, string?>();
        if (beamSize is not null)
        {
            settings[$"{WhisperEngineOptions.Section}:{nameof(WhisperEngineOptions.BeamSize)}"] = beamSize;
        }

        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddLogging()
            .AddWhisperModelProvider();
        return services.BuildServiceProvider().GetRequiredService<IOptions<WhisperEngineOptions>>();
    }
}
