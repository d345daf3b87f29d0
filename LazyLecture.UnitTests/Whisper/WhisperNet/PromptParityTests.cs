using System.Runtime.InteropServices;
using LazyLecture.Tests.Infrastructure;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Text;
using LazyLecture.Whisper.Transcription;
using LazyLecture.Contracts.Jobs;
using LazyLecture.Worker.Engines.Whisper;
using Whisper.net;
using Xunit;

namespace LazyLecture.Tests.Whisper.WhisperNet;

/// <summary>
/// whisper.cpp as the oracle for prompts: the whisper_tokenize of the libwhisper that Whisper.net bundles for the encoding,
/// and Whisper.net's <c>WithPrompt</c> (whisper.cpp's initial_prompt) for the decode that follows it.
/// </summary>
public class PromptParityTests
{
    public static TheoryData<string> Texts => new()
    {
        "Hello world",
        " Eigenvalues and eigenvectors of a 3x3 matrix, said Prof. O'Neill.",
        "It's we'll they've I'm you'd, can't 'S 'RE 're",
        "  two  spaces\tand\nnew lines   ",
        "Grüße, naïve café — 東京 ✓ Ünïcödé",
        "1234567 numbers 3.14159 $100 #hashtag @user",
        "a\r\n\r\nb   ",
        "'",
    };

    public static TheoryData<string, string> ModelsAndTexts()
    {
        var data = new TheoryData<string, string>();
        foreach (var model in new[] { "synthetic-micro.en.bin", "synthetic-micro.bin" })
        {
            foreach (var text in Texts)
            {
                data.Add(model, text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndTexts))]
    public void Encoding_equals_whisper_cpp_tokenize(string modelFile, string text)
    {
        var path = SharedAssets.Require("models/" + modelFile);
        using var model = WhisperModel.Load(path);
        var tokenizer = new WhisperTokenizer(model.HyperParameters.NVocab, model.TokenBytes);

        var expected = WhisperCppTokenizer.Tokenize(path, text);

        Assert.NotEmpty(expected);
        Assert.Equal(expected, tokenizer.Encode(text));
        if (System.Text.Ascii.IsValid(text))
        {
            // (whisper.cpp itself drops a few bytes of non-ASCII characters that no stored token covers)
            Assert.Equal(text, tokenizer.Decode([.. expected]));
        }
    }

    [Theory]
    [InlineData("jfk.wav", "President Kennedy's inaugural address, January 1961.")]
    [InlineData("LDC93S1.wav", "She had your dark suit in greasy wash water all year.")]
    public async Task Greedy_decode_with_a_prompt_equals_whisper_net_token_for_token(string audio, string prompt)
    {
        var path = SharedAssets.Require("models/synthetic-micro.en.bin");
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/" + audio), ct: TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;

        var expected = await WhisperNetTokens(path, samples, prompt, ct);

        using var model = WhisperModel.Load(path);
        using var transcriber = new WhisperTranscriber(model, new WhisperOptions { Threads = 2, NoFallback = true, BestOf = 1 });
        var prompted = await transcriber.TranscribeAllAsync(samples, ct: ct, initialPrompt: prompt);
        var plain = await transcriber.TranscribeAllAsync(samples, ct: ct);

        var actual = prompted.Segments.SelectMany(s => s.DecodedTokens).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"whisper.cpp: {string.Join(' ', expected)}\nmanaged:     {string.Join(' ', actual)}");
        Assert.NotEmpty(actual);
        Assert.Equal(expected, actual);
        // the prompt reached the decoder: <|startofprev|>, its tokens and <|startoftranscript|> were fed before the window
        Assert.Equal(transcriber.Tokenizer.Encode(prompt).Count + 2, prompted.Statistics.PromptTokens);
        Assert.Equal(0, plain.Statistics.PromptTokens);
    }

    [Fact]
    public async Task The_worker_engine_decodes_with_the_jobs_prompt()
    {
        const string prompt = "She had your dark suit in greasy wash water all year.";
        var path = SharedAssets.Require("models/synthetic-micro.en.bin");
        var samples = AudioFileReader.Read(SharedAssets.Require("audio/LDC93S1.wav"), ct: TestContext.Current.CancellationToken);
        var ct = TestContext.Current.CancellationToken;
        var expected = await WhisperNetTokens(path, samples, prompt, ct);
        var options = WhisperNetGoldenTests.GoldenOptions();
        options.Runtime = WhisperRuntime.Managed;
        using var engine = new WhisperEngine(WhisperModel.Load(path), options, Path.GetFileName(path));

        var prompted = new List<int>();
        await foreach (var segment in engine.TranscribeAsync(samples, DecodingOptions.Default with { Prompt = prompt }, null, ct))
        {
            prompted.AddRange(segment.Decoding!.Tokens);
        }

        var plain = new List<int>();
        await foreach (var segment in engine.TranscribeAsync(samples, DecodingOptions.Default, null, ct))
        {
            plain.AddRange(segment.Decoding!.Tokens);
        }

        Assert.Equal(expected, prompted);
        Assert.NotEqual(plain, prompted); // the prompt changed what was decoded
    }

    internal static async Task<List<int>> WhisperNetTokens(string modelPath, float[] samples, string prompt, CancellationToken ct)
    {
        var tokens = new List<int>();
        using var factory = WhisperFactory.FromPath(modelPath);
        await using var processor = factory.CreateBuilder()
            .WithThreads(2)
            .WithLanguage("en")
            .WithTemperatureInc(0)
            .WithGreedySamplingStrategy(greedy => greedy.WithBestOf(1))
            .WithPrompt(prompt)
            .Build();
        await foreach (var segment in processor.ProcessAsync(samples, ct))
        {
            tokens.AddRange(segment.Tokens.Select(t => t.Id));
        }

        return tokens;
    }

    /// <summary>whisper.cpp's own whisper_tokenize, called in the libwhisper.so that Whisper.net loaded.</summary>
    private static class WhisperCppTokenizer
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate nint InitFromFile([MarshalAs(UnmanagedType.LPUTF8Str)] string path);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int TokenizeText(nint context, [MarshalAs(UnmanagedType.LPUTF8Str)] string text, [Out] int[] tokens, int maxTokens);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void Free(nint context);

        public static int[] Tokenize(string modelPath, string text)
        {
            // Whisper.net loads the native libraries (and their ggml dependencies) on its first factory
            using var factory = WhisperFactory.FromPath(modelPath);
            var library = NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "libwhisper.so"));
            var init = Marshal.GetDelegateForFunctionPointer<InitFromFile>(NativeLibrary.GetExport(library, "whisper_init_from_file_no_state"));
            var tokenize = Marshal.GetDelegateForFunctionPointer<TokenizeText>(NativeLibrary.GetExport(library, "whisper_tokenize"));
            var free = Marshal.GetDelegateForFunctionPointer<Free>(NativeLibrary.GetExport(library, "whisper_free"));
            var context = init(modelPath);
            Assert.NotEqual(0, context);
            try
            {
                var tokens = new int[4096];
                var count = tokenize(context, text, tokens, tokens.Length);
                Assert.True(count >= 0, "whisper_tokenize needed more room");
                return tokens[..count];
            }
            finally
            {
                free(context);
            }
        }
    }
}
