using System.IO.MemoryMappedFiles;
using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Model;

/// <summary>A whisper.cpp ggml model file, memory-mapped; weights are read-only and shared by concurrent jobs.</summary>
public sealed unsafe class WhisperModel : IDisposable
{
    private const uint GgmlMagic = 0x67676d6c;
    private const int MaxDimension = 1 << 20;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly Dictionary<string, GgmlTensor> _tensors;
    private bool _disposed;

    private WhisperModel(MemoryMappedFile file, MemoryMappedViewAccessor view, long fileSize, WhisperHyperParameters hyperParameters,
        MelFilterBank melFilters, byte[][] tokenBytes, Dictionary<string, GgmlTensor> tensors)
    {
        _file = file;
        _view = view;
        FileSizeBytes = fileSize;
        HyperParameters = hyperParameters;
        MelFilters = melFilters;
        TokenBytes = tokenBytes;
        _tensors = tensors;
        var inFileOrder = tensors.Values.ToList();
        inFileOrder.Sort((x, y) => ((nint)x.Data).CompareTo((nint)y.Data));
        TensorsInFileOrder = inFileOrder;
        Encoder = BuildEncoderWeights();
        Decoder = BuildDecoderWeights();
    }

    public WhisperHyperParameters HyperParameters { get; }

    /// <summary>True for the 99-language vocabulary (n_vocab ≥ 51865).</summary>
    public bool IsMultilingual => HyperParameters.NVocab >= 51865;

    /// <summary>Raw bytes of each token id stored in the file; ids past the stored count are special tokens.</summary>
    internal IReadOnlyList<byte[]> TokenBytes { get; }

    internal MelFilterBank MelFilters { get; }

    public long FileSizeBytes { get; }

    /// <summary>All tensors by their file name.</summary>
    internal IReadOnlyDictionary<string, GgmlTensor> Tensors => _tensors;

    /// <summary>The tensors in the order the file stores them (a quantizer writes them back in this order).</summary>
    internal IReadOnlyList<GgmlTensor> TensorsInFileOrder { get; }

    /// <summary>The type of the weight matrices, as the header announces it.</summary>
    public WhisperWeightType WeightType => (WhisperWeightType)GgmlFileType.MatrixType(HyperParameters.FType)!.Value;

    internal EncoderWeights Encoder { get; }

    internal DecoderWeights Decoder { get; }

    public static WhisperModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"Whisper model file '{path}' does not exist.", path);
        }

        if (info.Length < 4)
        {
            throw new WhisperModelException($"Model file '{path}' is {info.Length} bytes long: too short to hold the ggml magic.");
        }

        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? view = null;
        try
        {
            view = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            start += view.PointerOffset;
            var reader = new GgmlReader(start, info.Length);
            var hyper = ReadHeader(reader);
            var filters = ReadMelFilters(reader, hyper);
            var vocabulary = ReadVocabulary(reader);
            var tensors = ReadTensors(reader, hyper);
            return new WhisperModel(file, view, info.Length, hyper, filters, vocabulary, tensors);
        }
        catch
        {
            if (view is not null)
            {
                view.SafeMemoryMappedViewHandle.ReleasePointer();
                view.Dispose();
            }

            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The weight type announced by a model file's header, read without mapping the file (so a runtime can be chosen
    /// before either engine loads it); the header is validated as <see cref="Load"/> validates it.
    /// </summary>
    public static WhisperWeightType ReadWeightType(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Span<byte> header = stackalloc byte[4 + 11 * 4];
        int length;
        using (var stream = File.OpenRead(path))
        {
            length = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }

        fixed (byte* start = header)
        {
            var hyper = ReadHeader(new GgmlReader(start, length));
            return (WhisperWeightType)GgmlFileType.MatrixType(hyper.FType)!.Value;
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    internal GgmlTensor Tensor(string name) => _tensors[name];

    private static WhisperHyperParameters ReadHeader(GgmlReader reader)
    {
        var magic = reader.ReadUInt32("magic");
        if (magic != GgmlMagic)
        {
            throw new WhisperModelException($"Not a whisper.cpp ggml model: magic is 0x{magic:x8}, expected 0x{GgmlMagic:x8} ('ggml').");
        }

        int Positive(string field)
        {
            var value = reader.ReadInt32(field);
            if (value <= 0 || value > MaxDimension)
            {
                throw new WhisperModelException($"Invalid hyper-parameter {field} = {value}: expected a value in 1..{MaxDimension}.");
            }

            return value;
        }

        var hyper = new WhisperHyperParameters(
            NVocab: Positive("n_vocab"),
            NAudioCtx: Positive("n_audio_ctx"),
            NAudioState: Positive("n_audio_state"),
            NAudioHead: Positive("n_audio_head"),
            NAudioLayer: Positive("n_audio_layer"),
            NTextCtx: Positive("n_text_ctx"),
            NTextState: Positive("n_text_state"),
            NTextHead: Positive("n_text_head"),
            NTextLayer: Positive("n_text_layer"),
            NMels: Positive("n_mels"),
            FType: reader.ReadInt32("ftype") % 1000);
        if (hyper.NAudioState % hyper.NAudioHead != 0 || hyper.NTextState % hyper.NTextHead != 0)
        {
            throw new WhisperModelException(
                $"Invalid hyper-parameters: state sizes ({hyper.NAudioState}, {hyper.NTextState}) must be multiples of the head counts ({hyper.NAudioHead}, {hyper.NTextHead}).");
        }

        if (GgmlFileType.MatrixType(hyper.FType) is null)
        {
            throw new WhisperModelException($"Unsupported ftype {hyper.FType}: expected 0 (f32), 1 (f16) or a q4_0/q4_1/q5_0/q5_1/q8_0 file type.");
        }

        return hyper;
    }

    private static MelFilterBank ReadMelFilters(GgmlReader reader, WhisperHyperParameters hyper)
    {
        var bins = reader.ReadInt32("mel filter count");
        var fftBins = reader.ReadInt32("mel filter n_fft");
        if (bins != hyper.NMels)
        {
            throw new WhisperModelException($"Mel filter bank has {bins} filters, expected n_mels = {hyper.NMels}.");
        }

        if (fftBins != 201)
        {
            throw new WhisperModelException($"Mel filter bank has n_fft = {fftBins}, expected 201 (400-point FFT).");
        }

        return new MelFilterBank(bins, fftBins, reader.ReadSingles((long)bins * fftBins, "mel filter weights"));
    }

    private static byte[][] ReadVocabulary(GgmlReader reader)
    {
        var count = reader.ReadInt32("vocabulary size");
        if (count is < 0 or > MaxDimension)
        {
            throw new WhisperModelException($"Invalid vocabulary size {count}.");
        }

        var tokens = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var length = reader.ReadUInt32($"length of token {i}");
            if (length > 1024)
            {
                throw new WhisperModelException($"Token {i} claims {length} bytes: the vocabulary is corrupt.");
            }

            tokens[i] = length == 0 ? [] : reader.ReadBytes(length, $"bytes of token {i}");
        }

        return tokens;
    }

    private static Dictionary<string, GgmlTensor> ReadTensors(GgmlReader reader, WhisperHyperParameters hyper)
    {
        var expected = TensorCatalog.For(hyper);
        var tensors = new Dictionary<string, GgmlTensor>(expected.Count, StringComparer.Ordinal);
        while (!reader.AtEnd)
        {
            var index = tensors.Count;
            var dims = reader.ReadInt32($"dimension count of tensor #{index}");
            var nameLength = reader.ReadInt32($"name length of tensor #{index}");
            var type = reader.ReadInt32($"type of tensor #{index}");
            if (dims is < 1 or > 4)
            {
                throw new WhisperModelException($"Tensor #{index} has {dims} dimensions: expected 1 to 4.");
            }

            if (nameLength is < 1 or > 256)
            {
                throw new WhisperModelException($"Tensor #{index} has a name of {nameLength} bytes: expected 1 to 256.");
            }

            var shape = new int[dims];
            for (var d = 0; d < dims; d++)
            {
                shape[d] = reader.ReadInt32($"dimension {d} of tensor #{index}");
            }

            var name = reader.ReadAscii(nameLength, $"name of tensor #{index}");
            if (!expected.TryGetValue(name, out var want))
            {
                throw new WhisperModelException($"Unknown tensor '{name}' in model file (not part of a Whisper model with these hyper-parameters).");
            }

            if (tensors.ContainsKey(name))
            {
                throw new WhisperModelException($"Tensor '{name}' appears twice in the model file.");
            }

            if (!want.Shape.AsSpan().SequenceEqual(shape))
            {
                throw new WhisperModelException($"Tensor '{name}' has wrong shape: got [{string.Join(", ", shape)}], expected [{string.Join(", ", want.Shape)}].");
            }

            var ggmlType = CheckType(name, type, want);
            var elements = 1L;
            foreach (var n in shape)
            {
                elements *= n;
            }

            if (shape[0] % GgmlTypeLayout.BlockElements(ggmlType) != 0)
            {
                throw new WhisperModelException($"Tensor '{name}' rows of {shape[0]} elements do not fill whole {ggmlType} blocks.");
            }

            var bytes = GgmlTypeLayout.RowBytes(ggmlType, shape[0]) * (elements / shape[0]);
            var data = reader.Skip(bytes, $"data of tensor '{name}' ({ggmlType}, {bytes} bytes)");
            // The fused f16 dot product relies on finite weights; a model with inf/NaN weights is corrupt anyway.
            if (ggmlType == GgmlType.F16 && HalfConversion.ContainsNonFinite(new ReadOnlySpan<ushort>(data, checked((int)elements))))
            {
                throw new WhisperModelException($"Tensor '{name}' holds infinite or NaN f16 values: the model file is corrupt.");
            }

            tensors.Add(name, new GgmlTensor(name, ggmlType, shape, data, bytes));
        }

        foreach (var name in expected.Keys)
        {
            if (!tensors.ContainsKey(name))
            {
                throw new WhisperModelException($"Model file is truncated or incomplete: tensor '{name}' is missing ({tensors.Count} of {expected.Count} tensors found).");
            }
        }

        return tensors;
    }

    private static GgmlType CheckType(string name, int type, ExpectedTensor want)
    {
        if (!GgmlTypeLayout.IsSupported(type))
        {
            throw new WhisperModelException($"Tensor '{name}' has unsupported ggml type {type}: expected f32, f16, q4_0, q4_1, q5_0, q5_1 or q8_0.");
        }

        var ggmlType = (GgmlType)type;
        var ok = want.Role switch
        {
            TensorRole.Vector or TensorRole.Positional => ggmlType == GgmlType.F32,
            TensorRole.Convolution => ggmlType is GgmlType.F32 or GgmlType.F16,
            _ => true,
        };
        if (!ok)
        {
            var expectedType = want.Role == TensorRole.Convolution ? "f16 or f32" : "f32";
            throw new WhisperModelException($"Tensor '{name}' has type {ggmlType}, expected {expectedType}.");
        }

        return ggmlType;
    }

    private TransformerBlockWeights Block(string prefix, bool cross) => new()
    {
        AttnLnWeight = Tensor(prefix + "attn_ln.weight"),
        AttnLnBias = Tensor(prefix + "attn_ln.bias"),
        QueryWeight = Tensor(prefix + "attn.query.weight"),
        QueryBias = Tensor(prefix + "attn.query.bias"),
        KeyWeight = Tensor(prefix + "attn.key.weight"),
        ValueWeight = Tensor(prefix + "attn.value.weight"),
        ValueBias = Tensor(prefix + "attn.value.bias"),
        OutWeight = Tensor(prefix + "attn.out.weight"),
        OutBias = Tensor(prefix + "attn.out.bias"),
        CrossLnWeight = cross ? Tensor(prefix + "cross_attn_ln.weight") : null,
        CrossLnBias = cross ? Tensor(prefix + "cross_attn_ln.bias") : null,
        CrossQueryWeight = cross ? Tensor(prefix + "cross_attn.query.weight") : null,
        CrossQueryBias = cross ? Tensor(prefix + "cross_attn.query.bias") : null,
        CrossKeyWeight = cross ? Tensor(prefix + "cross_attn.key.weight") : null,
        CrossValueWeight = cross ? Tensor(prefix + "cross_attn.value.weight") : null,
        CrossValueBias = cross ? Tensor(prefix + "cross_attn.value.bias") : null,
        CrossOutWeight = cross ? Tensor(prefix + "cross_attn.out.weight") : null,
        CrossOutBias = cross ? Tensor(prefix + "cross_attn.out.bias") : null,
        MlpLnWeight = Tensor(prefix + "mlp_ln.weight"),
        MlpLnBias = Tensor(prefix + "mlp_ln.bias"),
        Mlp0Weight = Tensor(prefix + "mlp.0.weight"),
        Mlp0Bias = Tensor(prefix + "mlp.0.bias"),
        Mlp2Weight = Tensor(prefix + "mlp.2.weight"),
        Mlp2Bias = Tensor(prefix + "mlp.2.bias"),
    };

    private EncoderWeights BuildEncoderWeights()
    {
        var blocks = new TransformerBlockWeights[HyperParameters.NAudioLayer];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Block($"encoder.blocks.{i}.", cross: false);
        }

        return new EncoderWeights
        {
            PositionalEmbedding = Tensor("encoder.positional_embedding"),
            Conv1Weight = Tensor("encoder.conv1.weight"),
            Conv1Bias = Tensor("encoder.conv1.bias"),
            Conv2Weight = Tensor("encoder.conv2.weight"),
            Conv2Bias = Tensor("encoder.conv2.bias"),
            Blocks = blocks,
            LnPostWeight = Tensor("encoder.ln_post.weight"),
            LnPostBias = Tensor("encoder.ln_post.bias"),
        };
    }

    private DecoderWeights BuildDecoderWeights()
    {
        var blocks = new TransformerBlockWeights[HyperParameters.NTextLayer];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = Block($"decoder.blocks.{i}.", cross: true);
        }

        return new DecoderWeights
        {
            PositionalEmbedding = Tensor("decoder.positional_embedding"),
            TokenEmbedding = Tensor("decoder.token_embedding.weight"),
            Blocks = blocks,
            LnWeight = Tensor("decoder.ln.weight"),
            LnBias = Tensor("decoder.ln.bias"),
        };
    }
}
