using System.Diagnostics;
using System.Runtime.InteropServices;

namespace WhisperBench;

/// <summary>
/// Times whisper.cpp's encoder and decoder as Whisper.net ships them: the libwhisper that Whisper.net.Runtime puts beside
/// the program, called through its C API (whisper.h) the way whisper_full calls it — the mel, one encode per 30 s window,
/// then the prompt and one decode per token with the KV cache. Whisper.net itself reports no timings, and the whole-file
/// time alone cannot tell encoder from decoder.
/// </summary>
internal sealed unsafe class WhisperCppTimer : IDisposable
{
    private readonly nint _library;
    private readonly nint _context;
    private readonly delegate* unmanaged<nint, float*, int, int, int> _pcmToMel;
    private readonly delegate* unmanaged<nint, int, int, int> _encode;
    private readonly delegate* unmanaged<nint, int*, int, int, int, int> _decode;
    private readonly delegate* unmanaged<nint, int> _sot;
    private readonly delegate* unmanaged<nint, int> _beg;
    private readonly delegate* unmanaged<nint, void> _free;

    public WhisperCppTimer(string modelPath)
    {
        // Whisper.net has loaded it (and its ggml libraries) by now: this returns the same library.
        _library = NativeLibrary.Load(Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeFolder(), "libwhisper.so"));
        var init = (delegate* unmanaged<byte*, nint>)NativeLibrary.GetExport(_library, "whisper_init_from_file");
        _pcmToMel = (delegate* unmanaged<nint, float*, int, int, int>)NativeLibrary.GetExport(_library, "whisper_pcm_to_mel");
        _encode = (delegate* unmanaged<nint, int, int, int>)NativeLibrary.GetExport(_library, "whisper_encode");
        _decode = (delegate* unmanaged<nint, int*, int, int, int, int>)NativeLibrary.GetExport(_library, "whisper_decode");
        _sot = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(_library, "whisper_token_sot");
        _beg = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(_library, "whisper_token_beg");
        _free = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(_library, "whisper_free");
        var path = Marshal.StringToCoTaskMemUTF8(modelPath);
        try
        {
            _context = init((byte*)path);
        }
        finally
        {
            Marshal.FreeCoTaskMem(path);
        }

        if (_context == 0)
        {
            throw new InvalidOperationException($"whisper.cpp could not load {modelPath}.");
        }
    }

    /// <summary>Encodes <paramref name="windows"/> windows of the samples and decodes <paramref name="tokens"/> tokens after a prompt, spread over the windows.</summary>
    public (TimeSpan Encode, TimeSpan Decode) Time(float[] samples, int windows, int tokens, int threads)
    {
        fixed (float* pcm = samples)
        {
            Check(_pcmToMel(_context, pcm, samples.Length, threads), "whisper_pcm_to_mel");
        }

        var encode = TimeSpan.Zero;
        var decode = TimeSpan.Zero;
        var prompt = stackalloc int[] { _sot(_context), _beg(_context) };
        var perWindow = (tokens + windows - 1) / Math.Max(1, windows);
        var decoded = 0;
        for (var window = 0; window < windows; window++)
        {
            var started = Stopwatch.GetTimestamp();
            Check(_encode(_context, window * 3000, threads), "whisper_encode");
            encode += Stopwatch.GetElapsedTime(started);
            Check(_decode(_context, prompt, 2, 0, threads), "whisper_decode");
            // the decoded token does not change the cost of a step: feed the first timestamp token at growing positions
            var token = prompt[1];
            for (var i = 0; i < perWindow && decoded < tokens; i++, decoded++)
            {
                started = Stopwatch.GetTimestamp();
                Check(_decode(_context, &token, 1, 2 + i, threads), "whisper_decode");
                decode += Stopwatch.GetElapsedTime(started);
            }
        }

        return (encode, decode);
    }

    public void Dispose() => _free(_context);

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{call} failed ({result}).");
        }
    }

    private static string RuntimeFolder() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => "linux-x64",
        Architecture.Arm64 => "linux-arm64",
        _ => throw new NotSupportedException($"No whisper.cpp runtime for {RuntimeInformation.ProcessArchitecture}."),
    };
}
