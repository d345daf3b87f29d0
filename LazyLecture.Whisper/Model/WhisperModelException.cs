namespace LazyLecture.Whisper.Model;

/// <summary>A model file is corrupt, truncated or of an unsupported kind; the message names the field or tensor.</summary>
public sealed class WhisperModelException : Exception
{
    public WhisperModelException(string message) : base(message)
    {
    }

    public WhisperModelException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
