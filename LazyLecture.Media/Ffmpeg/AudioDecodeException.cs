namespace LazyLecture.Media.Ffmpeg;

/// <summary>ffmpeg could not decode the audio, or took longer than allowed; the message carries ffmpeg's own last word.</summary>
public sealed class AudioDecodeException(string message) : InvalidOperationException(message);
