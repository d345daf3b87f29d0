namespace LazyLecture.Whisper.Nn;

/// <summary>The encoder's output for one 30 s window, laid out [Positions][State].</summary>
internal sealed class EncoderOutput(int positions, int state, float[] data)
{
    public int Positions { get; } = positions;

    public int State { get; } = state;

    public float[] Data { get; } = data;
}
