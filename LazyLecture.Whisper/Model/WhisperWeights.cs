namespace LazyLecture.Whisper.Model;

/// <summary>One encoder or decoder block's tensors (cross-attention ones only in the decoder).</summary>
internal sealed class TransformerBlockWeights
{
    public required GgmlTensor AttnLnWeight { get; init; }
    public required GgmlTensor AttnLnBias { get; init; }
    public required GgmlTensor QueryWeight { get; init; }
    public required GgmlTensor QueryBias { get; init; }
    public required GgmlTensor KeyWeight { get; init; }
    public required GgmlTensor ValueWeight { get; init; }
    public required GgmlTensor ValueBias { get; init; }
    public required GgmlTensor OutWeight { get; init; }
    public required GgmlTensor OutBias { get; init; }
    public GgmlTensor? CrossLnWeight { get; init; }
    public GgmlTensor? CrossLnBias { get; init; }
    public GgmlTensor? CrossQueryWeight { get; init; }
    public GgmlTensor? CrossQueryBias { get; init; }
    public GgmlTensor? CrossKeyWeight { get; init; }
    public GgmlTensor? CrossValueWeight { get; init; }
    public GgmlTensor? CrossValueBias { get; init; }
    public GgmlTensor? CrossOutWeight { get; init; }
    public GgmlTensor? CrossOutBias { get; init; }
    public required GgmlTensor MlpLnWeight { get; init; }
    public required GgmlTensor MlpLnBias { get; init; }
    public required GgmlTensor Mlp0Weight { get; init; }
    public required GgmlTensor Mlp0Bias { get; init; }
    public required GgmlTensor Mlp2Weight { get; init; }
    public required GgmlTensor Mlp2Bias { get; init; }
}

internal sealed class EncoderWeights
{
    public required GgmlTensor PositionalEmbedding { get; init; }
    public required GgmlTensor Conv1Weight { get; init; }
    public required GgmlTensor Conv1Bias { get; init; }
    public required GgmlTensor Conv2Weight { get; init; }
    public required GgmlTensor Conv2Bias { get; init; }
    public required TransformerBlockWeights[] Blocks { get; init; }
    public required GgmlTensor LnPostWeight { get; init; }
    public required GgmlTensor LnPostBias { get; init; }
}

internal sealed class DecoderWeights
{
    public required GgmlTensor PositionalEmbedding { get; init; }
    public required GgmlTensor TokenEmbedding { get; init; }
    public required TransformerBlockWeights[] Blocks { get; init; }
    public required GgmlTensor LnWeight { get; init; }
    public required GgmlTensor LnBias { get; init; }
}
