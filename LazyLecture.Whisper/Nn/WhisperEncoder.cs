namespace LazyLecture.Whisper;

/// <summary>Runs the audio encoder on one 30 s window; owns its scratch buffers, shares the model's weights.</summary>
public sealed class WhisperEncoder(WhisperModel model, int threads)
{
    public EncoderOutput Encode(MelSpectrogram mel, int frameOffset, CancellationToken cancellationToken = default)
    {
        _ = model;
        _ = threads;
        throw new NotImplementedException();
    }
}
