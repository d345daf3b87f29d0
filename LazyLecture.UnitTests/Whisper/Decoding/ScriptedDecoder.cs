using LazyLecture.Whisper.Decoding;

namespace LazyLecture.Tests.Whisper.Decoding;

/// <summary>A decoder whose logits come from a rule over the tokens fed so far, with a real KV-cache position.</summary>
internal sealed class ScriptedDecoder(Action<IReadOnlyList<int>, float[]> next) : IDecoderLogitSource
{
    private readonly List<int> _fed = [];

    public int PastTokens => _fed.Count;

    public int DecodeCalls { get; private set; }

    public Action? OnDecode { get; init; }

    public void Rewind(int pastTokens) => _fed.RemoveRange(pastTokens, _fed.Count - pastTokens);

    public void Decode(ReadOnlySpan<int> tokens, Span<float> logits)
    {
        DecodeCalls++;
        OnDecode?.Invoke();
        foreach (var t in tokens)
        {
            _fed.Add(t);
        }

        var buffer = new float[logits.Length];
        next(_fed, buffer);
        buffer.CopyTo(logits);
    }
}
