using LazyLecture.Api.Courses;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Transcription;
using LazyLecture.Worker.Engines.Whisper;
using LazyLecture.Worker.Engines.WhisperNet;
using Xunit;

namespace LazyLecture.Tests.Whisper.WhisperNet;

/// <summary>
/// A course glossary reaches the decoder as whisper.cpp's initial prompt, after the job's own prompt: both worker runtimes
/// decode with the composed prompt token for token as Whisper.net's <c>WithPrompt</c> (whisper.cpp) does, including when
/// the prompt is longer than whisper.cpp keeps (its last n_text_ctx/2 tokens), and the glossary changes what is decoded.
/// </summary>
public class CourseGlossaryPromptTests
{
    private static readonly string[] Glossary = ["Kennedy", "inaugural", "fellow Americans", "ask not"];

    /// <summary>Far more than n_text_ctx/2 tokens, so that the cut decides what the decoder sees.</summary>
    private static readonly string[] LongGlossary = [.. Enumerable.Range(0, 150).Select(i => $"eigenvalue{i}"), "Kennedy", "fellow Americans"];

    public static TheoryData<string, string?, string[]> Prompts() => new()
    {
        { "jfk.wav", "President Kennedy's inaugural address, January 1961.", Glossary },
        { "jfk.wav", null, Glossary },
        { "LDC93S1.wav", "She had your dark suit in greasy wash water all year.", LongGlossary },
    };

    [Theory]
    [MemberData(nameof(Prompts))]
    public async Task Both_runtimes_decode_the_jobs_prompt_and_glossary_as_whisper_cpp(string audio, string? jobPrompt, string[] glossary)
    {
        var ct = TestContext.Current.CancellationToken;
        var path = SharedAssets.Require("models/synthetic-micro.en.bin");
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/" + audio), ct: ct);
        var prompt = CoursePrompt.Compose(jobPrompt, glossary)!;

        var expected = await PromptParityTests.WhisperNetTokens(path, samples, prompt, ct);

        var managedOptions = WhisperNetGoldenTests.GoldenOptions();
        managedOptions.Runtime = WhisperRuntime.Managed;
        using var managed = new WhisperEngine(WhisperModel.Load(path), managedOptions, Path.GetFileName(path));
        using var whisperNet = new WhisperNetEngine(path, WhisperNetGoldenTests.GoldenOptions());
        var decoding = DecodingOptions.Default with { Prompt = prompt };
        var byManaged = await TokensAsync(managed.TranscribeAsync(samples, decoding, null, ct));
        var byWhisperNet = await TokensAsync(whisperNet.TranscribeAsync(samples, decoding, null, ct));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, byManaged);
        Assert.Equal(expected, byWhisperNet);
        if (jobPrompt is null)
        {
            // (the synthetic model's output shifts with some prompts only; a glossary alone against none shifts it)
            var withoutGlossary = await TokensAsync(managed.TranscribeAsync(samples, DecodingOptions.Default, null, ct));
            Assert.NotEqual(withoutGlossary, byManaged); // the glossary changed what was decoded
        }
    }

    [Fact]
    public async Task A_prompt_longer_than_whisper_cpp_keeps_is_cut_to_its_last_half_context_of_tokens_keeping_the_glossary()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = SharedAssets.Require("models/synthetic-micro.en.bin");
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/jfk.wav"), ct: ct);
        var prompt = CoursePrompt.Compose("A long job prompt.", LongGlossary)!;
        using var model = WhisperModel.Load(path);
        using var transcriber = new WhisperTranscriber(model, new WhisperOptions { Threads = 2, NoFallback = true, BestOf = 1 });
        var encoded = transcriber.Tokenizer.Encode(prompt);
        var kept = model.HyperParameters.NTextCtx / 2;
        Assert.True(encoded.Count > kept, $"the prompt has {encoded.Count} tokens, not more than {kept}");

        var whole = await transcriber.TranscribeAllAsync(samples, ct: ct, initialPrompt: prompt);
        // Only the tail matters: the same decode from the last n_text_ctx/2 tokens alone (given as token ids).
        var tailTokens = encoded.Skip(encoded.Count - kept).ToArray();
        using var fromTailOnly = new WhisperTranscriber(model, new WhisperOptions { Threads = 2, NoFallback = true, BestOf = 1, PromptTokens = tailTokens });
        var fromTail = await fromTailOnly.TranscribeAllAsync(samples, ct: ct);

        Assert.Equal(kept + 2, whole.Statistics.PromptTokens); // <|startofprev|>, the kept tokens, <|startoftranscript|>
        Assert.EndsWith("Kennedy, fellow Americans", transcriber.Tokenizer.Decode(tailTokens), StringComparison.Ordinal);
        Assert.NotEmpty(whole.Segments);
        Assert.Equal(whole.Segments.SelectMany(s => s.DecodedTokens), fromTail.Segments.SelectMany(s => s.DecodedTokens));
    }

    private static async Task<List<int>> TokensAsync(IAsyncEnumerable<LazyLecture.Worker.Engines.EngineSegment> segments)
    {
        var tokens = new List<int>();
        await foreach (var segment in segments)
        {
            tokens.AddRange(segment.Decoding!.Tokens);
        }

        return tokens;
    }
}
