using LazyLecture.Whisper.Kernels;
using LazyLecture.Whisper.Model;

namespace LazyLecture.Whisper.Nn;

/// <summary>
/// One matrix-vector product y = W · x (or one per candidate, sharing each weight row) split into row chunks for a
/// <see cref="WorkerTeam"/>; reused for every projection so a decode step allocates nothing.
/// </summary>
internal sealed unsafe class ProjectionJob
{
    private readonly WorkerTeam _team;
    private readonly Action<int> _runChunk;
    private GgmlTensor? _weight;
    private float* _input;
    private float* _output;
    private int _inputs;
    private int _inputStride;
    private int _outputStride;
    private int _chunkRows;

    public ProjectionJob(WorkerTeam team)
    {
        _team = team;
        _runChunk = RunChunk;
    }

    /// <summary>
    /// y_i = W · x_i for <paramref name="inputs"/> inputs, each prepared by <see cref="MatVec.PrepareInput"/> for W's
    /// type and laid out with the given strides.
    /// </summary>
    public void Run(GgmlTensor weight, float* preparedInputs, int inputs, int inputStride, float* outputs, int outputStride)
    {
        var rows = (int)weight.Rows;
        _inputs = inputs;
        _inputStride = inputStride;
        _outputStride = outputStride;

        // Several chunks per thread even out a thread that starts late or is interrupted.
        _chunkRows = Math.Max(16, rows / (_team.Size * 8));
        _weight = weight;
        _input = preparedInputs;
        _output = outputs;
        _team.Run((rows + _chunkRows - 1) / _chunkRows, _runChunk);
    }

    private void RunChunk(int chunk)
    {
        var start = chunk * _chunkRows;
        var end = (int)Math.Min(_weight!.Rows, start + _chunkRows);
        MatVec.MultiplyRowsBatch(_weight, _input, _inputs, _inputStride, _output, _outputStride, start, end);
    }
}
