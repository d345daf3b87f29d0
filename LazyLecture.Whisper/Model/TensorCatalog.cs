namespace LazyLecture.Whisper.Model;

/// <summary>What kind of values a tensor must hold: 1-D and positional tensors are f32, conv kernels f16/f32, matrices any supported type.</summary>
internal enum TensorRole
{
    Vector,
    Positional,
    Convolution,
    Matrix,
}

internal sealed record ExpectedTensor(string Name, int[] Shape, TensorRole Role);

/// <summary>The tensors a whisper.cpp model must contain, with ggml shapes (ne[0] first) derived from the hyper-parameters.</summary>
internal static class TensorCatalog
{
    public static Dictionary<string, ExpectedTensor> For(WhisperHyperParameters h)
    {
        var expected = new Dictionary<string, ExpectedTensor>(StringComparer.Ordinal);
        foreach (var tensor in InFileOrder(h))
        {
            expected.Add(tensor.Name, tensor);
        }

        return expected;
    }

    /// <summary>The tensors in the order whisper.cpp's conversion script writes them (the order of real model files).</summary>
    public static List<ExpectedTensor> InFileOrder(WhisperHyperParameters h)
    {
        var expected = new List<ExpectedTensor>();
        void Add(string name, TensorRole role, params int[] shape) => expected.Add(new ExpectedTensor(name, shape, role));

        var a = h.NAudioState;
        Add("encoder.positional_embedding", TensorRole.Positional, a, h.NAudioCtx);
        Add("encoder.conv1.weight", TensorRole.Convolution, 3, h.NMels, a);
        Add("encoder.conv1.bias", TensorRole.Vector, 1, a);
        Add("encoder.conv2.weight", TensorRole.Convolution, 3, a, a);
        Add("encoder.conv2.bias", TensorRole.Vector, 1, a);
        for (var i = 0; i < h.NAudioLayer; i++)
        {
            AddBlock($"encoder.blocks.{i}.", a, cross: false);
        }

        Add("encoder.ln_post.weight", TensorRole.Vector, a);
        Add("encoder.ln_post.bias", TensorRole.Vector, a);

        var t = h.NTextState;
        Add("decoder.positional_embedding", TensorRole.Positional, t, h.NTextCtx);
        Add("decoder.token_embedding.weight", TensorRole.Matrix, t, h.NVocab);
        for (var i = 0; i < h.NTextLayer; i++)
        {
            AddBlock($"decoder.blocks.{i}.", t, cross: true);
        }

        Add("decoder.ln.weight", TensorRole.Vector, t);
        Add("decoder.ln.bias", TensorRole.Vector, t);
        return expected;

        void AddBlock(string prefix, int n, bool cross)
        {
            AddAttention(prefix + "attn_ln", prefix + "attn.", n);
            if (cross)
            {
                AddAttention(prefix + "cross_attn_ln", prefix + "cross_attn.", n);
            }

            Add(prefix + "mlp_ln.weight", TensorRole.Vector, n);
            Add(prefix + "mlp_ln.bias", TensorRole.Vector, n);
            Add(prefix + "mlp.0.weight", TensorRole.Matrix, n, 4 * n);
            Add(prefix + "mlp.0.bias", TensorRole.Vector, 4 * n);
            Add(prefix + "mlp.2.weight", TensorRole.Matrix, 4 * n, n);
            Add(prefix + "mlp.2.bias", TensorRole.Vector, n);
        }

        void AddAttention(string ln, string attn, int n)
        {
            Add(ln + ".weight", TensorRole.Vector, n);
            Add(ln + ".bias", TensorRole.Vector, n);
            Add(attn + "query.weight", TensorRole.Matrix, n, n);
            Add(attn + "query.bias", TensorRole.Vector, n);
            Add(attn + "key.weight", TensorRole.Matrix, n, n);
            Add(attn + "value.weight", TensorRole.Matrix, n, n);
            Add(attn + "value.bias", TensorRole.Vector, n);
            Add(attn + "out.weight", TensorRole.Matrix, n, n);
            Add(attn + "out.bias", TensorRole.Vector, n);
        }
    }
}
