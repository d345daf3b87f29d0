using Microsoft.ML.OnnxRuntime;

namespace LazyLecture.Worker.VoiceActivity;

/// <summary>
/// Silero VAD (v5 and v6 ONNX files) on ONNX Runtime's CPU provider. The session is shared (ONNX Runtime runs it from several
/// threads at once); each recording gets its own <see cref="SpeechProbabilityStream"/> with the model's recurrent state.
/// </summary>
public sealed class SileroVadModel : IDisposable
{
    /// <summary>The model's rate: 16 kHz, as every engine takes.</summary>
    public const int SampleRate = 16000;

    /// <summary>Samples per probability: 512 at 16 kHz (32 ms).</summary>
    public const int WindowSamples = 512;

    /// <summary>The last samples of the previous window, put in front of each new one (v5's reference wrapper does so).</summary>
    public const int ContextSamples = 64;

    /// <summary>The recurrent state's shape: [2, batch 1, 128].</summary>
    internal const int StateLength = 2 * 1 * 128;

    private readonly InferenceSession _session;

    private SileroVadModel(InferenceSession session, string path)
    {
        _session = session;
        Path = path;
    }

    public string Path { get; }

    public static SileroVadModel Load(string path)
    {
        // One thread each, as silero's reference wrapper sets them: a window is tiny, and the engines want the cores.
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { InterOpNumThreads = 1, IntraOpNumThreads = 1, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        var session = new InferenceSession(path, options);
        foreach (var input in (string[])["input", "state", "sr"])
        {
            if (!session.InputMetadata.ContainsKey(input))
            {
                session.Dispose();
                throw new InvalidDataException($"{path} is not a Silero VAD v5/v6 model: it has no input '{input}'.");
            }
        }

        return new SileroVadModel(session, path);
    }

    /// <summary>A fresh state for one recording, read from its start.</summary>
    public SpeechProbabilityStream Start() => new(this);

    internal void Run(float[] input, float[] state, float[] probability, float[] nextState)
    {
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [1, ContextSamples + WindowSamples]);
        using var stateValue = OrtValue.CreateTensorValueFromMemory(state, [2, 1, 128]);
        using var rateValue = OrtValue.CreateTensorValueFromMemory(new long[] { SampleRate }, []);
        using var outputValue = OrtValue.CreateTensorValueFromMemory(probability, [1, 1]);
        using var nextStateValue = OrtValue.CreateTensorValueFromMemory(nextState, [2, 1, 128]);
        using var run = new RunOptions();
        _session.Run(run, ["input", "state", "sr"], [inputValue, stateValue, rateValue], ["output", "stateN"], [outputValue, nextStateValue]);
    }

    public void Dispose() => _session.Dispose();
}

/// <summary>
/// Speech probabilities of one recording, one per 512-sample window, fed in pieces of any length: the model's state and the
/// 64-sample context carry over, and samples that do not fill a window wait for the next piece (or <see cref="Finish"/>,
/// which pads the last window with zeros as silero does).
/// </summary>
public sealed class SpeechProbabilityStream
{
    private readonly SileroVadModel _model;
    private readonly float[] _input = new float[SileroVadModel.ContextSamples + SileroVadModel.WindowSamples];
    private float[] _state = new float[SileroVadModel.StateLength];
    private float[] _nextState = new float[SileroVadModel.StateLength];
    private readonly float[] _probability = new float[1];
    private int _pending; // samples of the current window so far, stored after the context in _input

    internal SpeechProbabilityStream(SileroVadModel model) => _model = model;

    /// <summary>The probabilities so far, window by window.</summary>
    public List<float> Probabilities { get; } = [];

    /// <summary>Samples fed so far (the recording's length once finished).</summary>
    public long SampleCount { get; private set; }

    public void Feed(ReadOnlySpan<float> samples)
    {
        SampleCount += samples.Length;
        while (samples.Length > 0)
        {
            var take = Math.Min(SileroVadModel.WindowSamples - _pending, samples.Length);
            samples[..take].CopyTo(_input.AsSpan(SileroVadModel.ContextSamples + _pending));
            _pending += take;
            samples = samples[take..];
            if (_pending == SileroVadModel.WindowSamples)
            {
                RunWindow();
            }
        }
    }

    /// <summary>Computes the last, partly filled window (zero-padded), if any.</summary>
    public IReadOnlyList<float> Finish()
    {
        if (_pending > 0)
        {
            _input.AsSpan(SileroVadModel.ContextSamples + _pending).Clear();
            RunWindow();
        }

        return Probabilities;
    }

    private void RunWindow()
    {
        _model.Run(_input, _state, _probability, _nextState);
        Probabilities.Add(_probability[0]);
        (_state, _nextState) = (_nextState, _state);
        // the window's last 64 samples are the next window's context
        _input.AsSpan(SileroVadModel.WindowSamples, SileroVadModel.ContextSamples).CopyTo(_input);
        _pending = 0;
    }
}
