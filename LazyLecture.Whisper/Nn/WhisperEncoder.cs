using System.Numerics.Tensors;
using LazyLecture.Whisper.Audio;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;
using LazyLecture.Whisper.Nn;

namespace LazyLecture.Whisper.Nn;

/// <summary>Runs the audio encoder on one 30 s window; owns its scratch buffers, shares the model's read-only weights.</summary>
internal sealed unsafe class WhisperEncoder
{
    private const int RowBlock = 48;

    private readonly WhisperModel _model;
    private readonly int _threads;
    private readonly int _ctx;
    private readonly int _state;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly int _mels;
    private readonly Lock _gate = new();

    private readonly PinnedBuffer _conv1Input;
    private readonly PinnedBuffer _conv1Output;
    private readonly PinnedBuffer _conv2Input;
    private readonly PinnedBuffer _residual;
    private readonly PinnedBuffer _normed;
    private readonly PinnedBuffer _query;
    private readonly PinnedBuffer _key;
    private readonly PinnedBuffer _value;
    private readonly PinnedBuffer _attention;
    private readonly PinnedBuffer _hidden;
    private readonly PinnedBuffer _scores;
    private readonly bool _exactAttention;
    private readonly PinnedBuffer? _transposedValues; // per head [dimension][position], for the exact attention
    private readonly PackedMatrix _packedWeight = new();
    private readonly PackedMatrix[] _packedKeys;
    private readonly PackedMatrix[] _packedValues;

    public WhisperEncoder(WhisperModel model, int threads)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _threads = Math.Max(1, threads);
        var h = model.HyperParameters;
        _ctx = h.NAudioCtx;
        _state = h.NAudioState;
        _heads = h.NAudioHead;
        _headSize = _state / _heads;
        _mels = h.NMels;
        var frames = 2 * _ctx;
        _conv1Input = new PinnedBuffer((long)frames * _mels * 3);
        _conv1Output = new PinnedBuffer((long)frames * _state);
        _conv2Input = new PinnedBuffer((long)_ctx * _state * 3);
        _residual = new PinnedBuffer((long)_ctx * _state);
        _normed = new PinnedBuffer((long)_ctx * _state);
        _query = new PinnedBuffer((long)_ctx * _state);
        _key = new PinnedBuffer((long)_ctx * _state);
        _value = new PinnedBuffer((long)_ctx * _state);
        _attention = new PinnedBuffer((long)_ctx * _state);
        _hidden = new PinnedBuffer((long)_ctx * _state * 4);
        _scores = new PinnedBuffer((long)_threads * RowBlock * _ctx);
        _exactAttention = model.Encoder.Blocks.Any(block => QuantizedDot.IsQuantized(block.OutWeight.Type));
        _transposedValues = _exactAttention ? new PinnedBuffer((long)_ctx * _state) : null;
        _packedKeys = new PackedMatrix[_heads];
        _packedValues = new PackedMatrix[_heads];
        for (var i = 0; i < _heads; i++)
        {
            _packedKeys[i] = new PackedMatrix();
            _packedValues[i] = new PackedMatrix();
        }
    }

    /// <summary>Encodes the 2·n_audio_ctx mel frames from <paramref name="frameOffset"/> (zeros past the end, as whisper.cpp).</summary>
    public EncoderOutput Encode(MelSpectrogram mel, int frameOffset, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mel);
        ArgumentOutOfRangeException.ThrowIfNegative(frameOffset);
        if (mel.Bins != _mels)
        {
            throw new ArgumentException($"Mel has {mel.Bins} bins, the model expects {_mels}.", nameof(mel));
        }

        lock (_gate)
        {
            var weights = _model.Encoder;
            Convolutions(mel, frameOffset, weights);
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var block in weights.Blocks)
            {
                Block(block);
                cancellationToken.ThrowIfCancellationRequested();
            }

            var output = new float[_ctx * _state];
            var lnWeight = weights.LnPostWeight.AsSingles();
            var lnBias = weights.LnPostBias.AsSingles();
            for (var t = 0; t < _ctx; t++)
            {
                LayerNorm.Apply(_residual.Slice((long)t * _state, _state), lnWeight, lnBias, output.AsSpan(t * _state, _state));
            }

            return new EncoderOutput(_ctx, _state, output);
        }
    }

    private void Convolutions(MelSpectrogram mel, int frameOffset, EncoderWeights weights)
    {
        var frames = 2 * _ctx;

        // im2col for conv1 (kernel 3, pad 1): row t holds mel[c][t + k - 1] at c·3 + k, as ggml_im2col lays it out.
        var columns = _mels * 3;
        var im2col = _conv1Input.Pointer;
        fixed (float* melData = mel.Data)
        {
            for (var t = 0; t < frames; t++)
            {
                var row = im2col + (long)t * columns;
                for (var c = 0; c < _mels; c++)
                {
                    for (var k = 0; k < 3; k++)
                    {
                        var frame = t + k - 1;
                        var source = frameOffset + frame;
                        row[c * 3 + k] = frame >= 0 && frame < frames && source < mel.Frames ? melData[(long)c * mel.Frames + source] : 0f;
                    }
                }
            }
        }

        Convolve(im2col, frames, weights.Conv1Weight, _conv1Output.Pointer);
        Linear.AddBias(_conv1Output.Pointer, frames, weights.Conv1Bias.AsSingles());
        ApplyGelu(_conv1Output, frames * _state);

        // im2col for conv2 (kernel 3, stride 2, pad 1) over the conv1 output laid out [frame][channel].
        var columns2 = _state * 3;
        var input = _conv1Output.Pointer;
        var im2col2 = _conv2Input.Pointer;
        for (var t = 0; t < _ctx; t++)
        {
            var row = im2col2 + (long)t * columns2;
            for (var k = 0; k < 3; k++)
            {
                var frame = 2 * t + k - 1;
                if (frame < 0 || frame >= frames)
                {
                    for (var c = 0; c < _state; c++)
                    {
                        row[c * 3 + k] = 0f;
                    }

                    continue;
                }

                var source = input + (long)frame * _state;
                for (var c = 0; c < _state; c++)
                {
                    row[c * 3 + k] = source[c];
                }
            }
        }

        Convolve(im2col2, _ctx, weights.Conv2Weight, _residual.Pointer);
        Linear.AddBias(_residual.Pointer, _ctx, weights.Conv2Bias.AsSingles());
        ApplyGelu(_residual, _ctx * _state);
        var x = _residual.Slice(0, _ctx * _state);
        TensorPrimitives.Add(x, weights.PositionalEmbedding.AsSingles()[..(_ctx * _state)], x);
    }

    // The convolutions' products summed in ggml's order for f16 kernels (their outputs reach the first layer norm, where a
    // last-bit difference matters to q8-quantized projections); any other kernel type takes the ordinary product.
    private void Convolve(float* im2col, int rows, GgmlTensor kernel, float* output)
    {
        if (kernel.Type == GgmlType.F16)
        {
            HalfConversion.RoundToHalfPrecision(new Span<float>(im2col, rows * kernel.MatrixColumns));
            F16ExactMatMul.Multiply(im2col, rows, kernel, output, _threads);
        }
        else
        {
            Linear.Forward(im2col, rows, kernel, null, output, _packedWeight, _threads);
        }
    }

    private void Block(TransformerBlockWeights block)
    {
        var n = _ctx * _state;
        Normalize(block.AttnLnWeight, block.AttnLnBias);
        Linear.Forward(_normed.Pointer, _ctx, block.QueryWeight, block.QueryBias, _query.Pointer, _packedWeight, _threads);
        Linear.Forward(_normed.Pointer, _ctx, block.KeyWeight, null, _key.Pointer, _packedWeight, _threads);
        Linear.Forward(_normed.Pointer, _ctx, block.ValueWeight, block.ValueBias, _value.Pointer, _packedWeight, _threads);
        SelfAttention();
        Linear.Forward(_attention.Pointer, _ctx, block.OutWeight, block.OutBias, _query.Pointer, _packedWeight, _threads);
        TensorPrimitives.Add(_residual.Slice(0, n), _query.Slice(0, n), _residual.Slice(0, n));

        Normalize(block.MlpLnWeight, block.MlpLnBias);
        Linear.Forward(_normed.Pointer, _ctx, block.Mlp0Weight, block.Mlp0Bias, _hidden.Pointer, _packedWeight, _threads);
        ApplyGelu(_hidden, 4 * n);
        Linear.Forward(_hidden.Pointer, _ctx, block.Mlp2Weight, block.Mlp2Bias, _query.Pointer, _packedWeight, _threads);
        TensorPrimitives.Add(_residual.Slice(0, n), _query.Slice(0, n), _residual.Slice(0, n));
    }

    private void Normalize(GgmlTensor weight, GgmlTensor bias)
    {
        Parallel.For(0, Chunks(_ctx), new ParallelOptions { MaxDegreeOfParallelism = _threads }, chunk =>
        {
            var (start, end) = ChunkRange(chunk, _ctx);
            var w = weight.AsSingles();
            var b = bias.AsSingles();
            for (var t = start; t < end; t++)
            {
                LayerNorm.Apply(_residual.Slice((long)t * _state, _state), w, b, _normed.Slice((long)t * _state, _state));
            }
        });
    }

    // Element-wise GELU split over the workers.
    private void ApplyGelu(PinnedBuffer buffer, int length)
    {
        Parallel.For(0, Chunks(length), new ParallelOptions { MaxDegreeOfParallelism = _threads }, chunk =>
        {
            var (start, end) = ChunkRange(chunk, length);
            Gelu.Apply(buffer.Slice(start, end - start));
        });
    }

    private int Chunks(int length) => Math.Min(length, _threads * 4);

    private (int Start, int End) ChunkRange(int chunk, int length)
    {
        var chunks = Chunks(length);
        var per = (length + chunks - 1) / chunks;
        var start = Math.Min(length, chunk * per);
        return (start, Math.Min(length, start + per));
    }

    // Per head: softmax(Q·Kᵀ / √d)·V with Q, K, V and the probabilities rounded to f16 (ggml casts K and V to f16 and
    // converts the f32 operand of each f16 product).
    private void SelfAttention()
    {
        var n = _ctx * _state;
        HalfConversion.RoundToHalfPrecision(_query.Slice(0, n));
        HalfConversion.RoundToHalfPrecision(_key.Slice(0, n));
        HalfConversion.RoundToHalfPrecision(_value.Slice(0, n));
        if (_exactAttention)
        {
            ExactSelfAttention();
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = _threads };
        Parallel.For(0, _heads, options, head =>
        {
            _packedKeys[head].PackTransposed(_key.Pointer + head * _headSize, _ctx, _headSize, _state);
            _packedValues[head].Pack(_value.Pointer + head * _headSize, _ctx, _headSize, _state);
        });

        var blocks = (_ctx + RowBlock - 1) / RowBlock;
        var scale = 1.0f / MathF.Sqrt(_headSize);
        var scratchInUse = new bool[_threads];
        Parallel.For(0, _heads * blocks, options, () => TakeScratch(scratchInUse), (task, _, slot) =>
        {
            var head = task / blocks;
            var r0 = task % blocks * RowBlock;
            var rows = Math.Min(RowBlock, _ctx - r0);
            var scores = _scores.Pointer + (long)slot * RowBlock * _ctx;
            MatMul.Multiply(_query.Pointer + (long)r0 * _state + head * _headSize, _state, rows, _packedKeys[head], scores, _ctx);
            for (var r = 0; r < rows; r++)
            {
                Softmax.Apply(new Span<float>(scores + (long)r * _ctx, _ctx), scale);
            }

            HalfConversion.RoundToHalfPrecision(new Span<float>(scores, rows * _ctx));
            MatMul.Multiply(scores, _ctx, rows, _packedValues[head], _attention.Pointer + (long)r0 * _state + head * _headSize, _state);
            return slot;
        }, slot => { lock (scratchInUse) { scratchInUse[slot] = false; } });
    }

    // The same attention with every dot product summed in ggml_vec_dot_f16's order (F16ExactMatMul.Dot). A quantized
    // model's out projection quantizes the attention rows to q8, where a last-bit difference can flip a rounding; an
    // f16 one rounds them to f16, which hides it, so f16 models keep the faster packed products above.
    private void ExactSelfAttention()
    {
        var transposedValues = _transposedValues!;
        var options = new ParallelOptions { MaxDegreeOfParallelism = _threads };
        Parallel.For(0, _heads, options, head =>
        {
            var v = transposedValues.Pointer + (long)head * _headSize * _ctx;
            for (var j = 0; j < _ctx; j++)
            {
                var source = _value.Pointer + (long)j * _state + head * _headSize;
                for (var d = 0; d < _headSize; d++)
                {
                    v[(long)d * _ctx + j] = source[d];
                }
            }
        });

        var scale = 1.0f / MathF.Sqrt(_headSize);
        var scratchInUse = new bool[_threads];
        Parallel.For(0, _heads * _ctx, options, () => TakeScratch(scratchInUse), (task, _, slot) =>
        {
            var head = task / _ctx;
            var row = task % _ctx;
            var scores = _scores.Pointer + (long)slot * RowBlock * _ctx;
            var query = _query.Pointer + (long)row * _state + head * _headSize;
            F16ExactMatMul.DotRows(query, _key.Pointer + head * _headSize, _state, _ctx, _headSize, scores);

            var probabilities = new Span<float>(scores, _ctx);
            Softmax.ApplyExact(probabilities, scale);
            HalfConversion.RoundToHalfPrecision(probabilities);
            var output = _attention.Pointer + (long)row * _state + head * _headSize;
            var values = transposedValues.Pointer + (long)head * _headSize * _ctx;
            for (var d = 0; d < _headSize; d++)
            {
                output[d] = F16ExactMatMul.Dot(scores, values + (long)d * _ctx, _ctx);
            }

            return slot;
        }, slot => { lock (scratchInUse) { scratchInUse[slot] = false; } });
    }

    private static int TakeScratch(bool[] inUse)
    {
        lock (inUse)
        {
            for (var i = 0; i < inUse.Length; i++)
            {
                if (!inUse[i])
                {
                    inUse[i] = true;
                    return i;
                }
            }
        }

        throw new InvalidOperationException("More attention workers than scratch slots.");
    }
}
