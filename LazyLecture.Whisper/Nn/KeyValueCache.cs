namespace LazyLecture.Whisper.Nn;

/// <summary>
/// The decoder's self-attention cache for several sequences, kept as rows of one pool: a row holds one token's keys
/// and values for every layer, and each sequence lists the row of each of its positions. Sequences that share a past
/// share its rows (the beams continuing one beam), so handing a beam's cache to another decoder copies row numbers,
/// not rows, as whisper.cpp tags one cache cell with several sequences. A row is reused once no sequence lists it.
/// </summary>
internal sealed unsafe class KeyValueCache
{
    private readonly int _layers;
    private readonly int _state;
    private readonly int _textCtx;
    private PinnedBuffer _keys;
    private PinnedBuffer _values;
    private int[] _references = [];
    private int[] _free = [];
    private int _freeCount;
    private int[][] _rows = [];
    private int[] _lengths = [];
    private int[][] _scratchRows = [];

    public KeyValueCache(int layers, int state, int textCtx)
    {
        _layers = layers;
        _state = state;
        _textCtx = textCtx;
        _keys = new PinnedBuffer(0);
        _values = new PinnedBuffer(0);
        EnsureSequences(1);
        Grow(textCtx);
    }

    public int Sequences => _rows.Length;

    /// <summary>Floats per row: every layer's keys (or values) of one token.</summary>
    public long RowLength => (long)_layers * _state;

    public float* Keys => _keys.Pointer;

    public float* Values => _values.Pointer;

    public int Length(int sequence) => _lengths[sequence];

    /// <summary>The pool rows of the sequence's positions, pinned.</summary>
    public int* Rows(int sequence) => (int*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref _rows[sequence][0]);

    /// <summary>Where layer <paramref name="layer"/>'s keys of the token at <paramref name="position"/> start.</summary>
    public float* KeyRow(int sequence, int position, int layer) => Keys + RowOffset(sequence, position, layer);

    public float* ValueRow(int sequence, int position, int layer) => Values + RowOffset(sequence, position, layer);

    public void EnsureSequences(int count)
    {
        for (var s = _rows.Length; s < count; s++)
        {
            Array.Resize(ref _rows, s + 1);
            Array.Resize(ref _scratchRows, s + 1);
            _rows[s] = GC.AllocateArray<int>(_textCtx, pinned: true);
            _scratchRows[s] = new int[_textCtx];
        }

        if (_lengths.Length < count)
        {
            Array.Resize(ref _lengths, count);
        }
    }

    /// <summary>Gives a new row to the sequence's next position (a token about to be decoded).</summary>
    public void Append(int sequence)
    {
        var length = _lengths[sequence];
        if (length >= _textCtx)
        {
            throw new InvalidOperationException($"Sequence {sequence} already holds the whole text context of {_textCtx} tokens.");
        }

        if (_freeCount == 0)
        {
            Grow(_references.Length);
        }

        var row = _free[--_freeCount];
        _references[row] = 1;
        _rows[sequence][length] = row;
        _lengths[sequence] = length + 1;
    }

    /// <summary>Keeps the sequence's first <paramref name="length"/> positions.</summary>
    public void Truncate(int sequence, int length)
    {
        var rows = _rows[sequence];
        for (var p = length; p < _lengths[sequence]; p++)
        {
            Release(rows[p]);
        }

        _lengths[sequence] = Math.Min(length, _lengths[sequence]);
    }

    /// <summary>Empties every sequence (a new window).</summary>
    public void Clear()
    {
        for (var s = 0; s < _rows.Length; s++)
        {
            Truncate(s, 0);
        }
    }

    /// <summary>Sequence target becomes the first <paramref name="length"/> positions of sequence source.</summary>
    public void SharePrefix(int target, int source, int length)
    {
        if (target == source)
        {
            Truncate(target, length);
            return;
        }

        var from = _rows[source];
        for (var p = 0; p < length; p++)
        {
            _references[from[p]]++;
        }

        Truncate(target, 0);
        from.AsSpan(0, length).CopyTo(_rows[target]);
        _lengths[target] = length;
    }

    /// <summary>Sequence targets[i] becomes what sequence sources[i] is now; every source is read before any target changes.</summary>
    public void Reorder(ReadOnlySpan<int> targets, ReadOnlySpan<int> sources)
    {
        Span<int> lengths = stackalloc int[targets.Length];
        for (var i = 0; i < targets.Length; i++)
        {
            var source = sources[i];
            lengths[i] = _lengths[source];
            _rows[source].AsSpan(0, lengths[i]).CopyTo(_scratchRows[i]);
            foreach (var row in _scratchRows[i].AsSpan(0, lengths[i]))
            {
                _references[row]++;
            }
        }

        for (var i = 0; i < targets.Length; i++)
        {
            Truncate(targets[i], 0);
        }

        for (var i = 0; i < targets.Length; i++)
        {
            _scratchRows[i].AsSpan(0, lengths[i]).CopyTo(_rows[targets[i]]);
            _lengths[targets[i]] = lengths[i];
        }
    }

    private long RowOffset(int sequence, int position, int layer) => _rows[sequence][position] * RowLength + (long)layer * _state;

    private void Release(int row)
    {
        if (--_references[row] == 0)
        {
            _free[_freeCount++] = row;
        }
    }

    // Adds `more` rows; rows in use keep their numbers and contents.
    private void Grow(int more)
    {
        var old = _references.Length;
        var capacity = old + Math.Max(more, 1);
        var keys = new PinnedBuffer(capacity * RowLength);
        var values = new PinnedBuffer(capacity * RowLength);
        _keys.Span[..(int)(old * RowLength)].CopyTo(keys.Span);
        _values.Span[..(int)(old * RowLength)].CopyTo(values.Span);
        _keys = keys;
        _values = values;
        Array.Resize(ref _references, capacity);
        Array.Resize(ref _free, capacity);
        for (var row = capacity - 1; row >= old; row--)
        {
            _free[_freeCount++] = row;
        }
    }
}
