using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Nn;

/// <summary>
/// Up to three matrix-vector products over the same input (q, k, v) split into row chunks for a <see cref="WorkerTeam"/>;
/// reused for every projection so a decode step allocates nothing.
/// </summary>
internal sealed unsafe class ProjectionJob
{
    private const int MaxSegments = 3;

    private readonly WorkerTeam _team;
    private readonly GgmlTensor?[] _weights = new GgmlTensor?[MaxSegments];
    private readonly nint[] _inputs = new nint[MaxSegments];
    private readonly nint[] _outputs = new nint[MaxSegments];
    private readonly int[] _firstChunk = new int[MaxSegments + 1];
    private readonly int[] _chunkRows = new int[MaxSegments];
    private readonly Action<int> _runChunk;
    private int _segments;

    public ProjectionJob(WorkerTeam team)
    {
        _team = team;
        _runChunk = RunChunk;
    }

    public void Clear() => _segments = 0;

    /// <summary>Adds y = W · x (x prepared with <see cref="MatVec.PrepareInput"/> for W's type).</summary>
    public void Add(GgmlTensor weight, float* preparedInput, float* output)
    {
        var i = _segments++;
        _weights[i] = weight;
        _inputs[i] = (nint)preparedInput;
        _outputs[i] = (nint)output;
    }

    public void Run()
    {
        var chunks = 0;
        for (var i = 0; i < _segments; i++)
        {
            var rows = (int)_weights[i]!.Rows;
            var perChunk = Math.Max(16, rows / (_team.Size * 8));
            _chunkRows[i] = perChunk;
            _firstChunk[i] = chunks;
            chunks += (rows + perChunk - 1) / perChunk;
        }

        _firstChunk[_segments] = chunks;
        _team.Run(chunks, _runChunk);
    }

    private void RunChunk(int chunk)
    {
        var segment = 0;
        while (chunk >= _firstChunk[segment + 1])
        {
            segment++;
        }

        var weight = _weights[segment]!;
        var start = (chunk - _firstChunk[segment]) * _chunkRows[segment];
        var end = (int)Math.Min(weight.Rows, start + _chunkRows[segment]);
        MatVec.MultiplyRows(weight, (float*)_inputs[segment], (float*)_outputs[segment], start, end);
    }
}
