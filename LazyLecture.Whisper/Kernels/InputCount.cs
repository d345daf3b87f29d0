namespace LazyLecture.Whisper.Kernels;

/// <summary>
/// How many inputs one pass of a multi-input kernel serves: a type argument, so each count compiles to its own code
/// with the unused accumulators and branches gone (Count is a constant to the JIT).
/// </summary>
internal interface IInputCount
{
    static abstract int Count { get; }
}

internal struct InputCount1 : IInputCount { public static int Count => 1; }

internal struct InputCount2 : IInputCount { public static int Count => 2; }

internal struct InputCount3 : IInputCount { public static int Count => 3; }

internal struct InputCount4 : IInputCount { public static int Count => 4; }

internal struct InputCount5 : IInputCount { public static int Count => 5; }

internal struct InputCount6 : IInputCount { public static int Count => 6; }
