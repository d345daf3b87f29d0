namespace LazyLecture.Whisper.Text;

/// <summary>
/// Splits UTF-8 text into the words whisper.cpp's whisper_tokenize encodes one by one: GPT-2's pattern
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?[[:alpha:]]+| ?[[:digit:]]+| ?[^\s[:alpha:][:digit:]]+|\s+(?!\S)|\s+</c> as its
/// <c>std::regex</c> applies it to bytes in the C locale: letters, digits and white space are ASCII only, so every byte of a
/// non-ASCII character counts as "other". The alternatives are tried in order at each position, as ECMAScript does.
/// </summary>
internal static class PromptWordSplitter
{
    private enum ByteClass
    {
        Space,
        Letter,
        Digit,
        Other,
    }

    /// <summary>The words in order; together they cover the whole text.</summary>
    public static List<Range> Split(ReadOnlySpan<byte> text)
    {
        var words = new List<Range>();
        var start = 0;
        while (start < text.Length)
        {
            var length = WordLength(text, start);
            words.Add(new Range(start, start + length));
            start += length;
        }

        return words;
    }

    private static int WordLength(ReadOnlySpan<byte> text, int start)
    {
        var contraction = ContractionLength(text, start);
        if (contraction > 0)
        {
            return contraction;
        }

        // " ?" then a run of one class: a space joins the run that follows it unless white space follows
        var runStart = text[start] == (byte)' ' && start + 1 < text.Length ? start + 1 : start;
        var kind = Classify(text[runStart]);
        if (kind != ByteClass.Space)
        {
            var end = runStart + 1;
            while (end < text.Length && Classify(text[end]) == kind)
            {
                end++;
            }

            return end - start;
        }

        // \s+(?!\S): the white space up to, not including, the last one before a non-space; else \s+
        var spaceEnd = start;
        while (spaceEnd < text.Length && Classify(text[spaceEnd]) == ByteClass.Space)
        {
            spaceEnd++;
        }

        var run = spaceEnd - start;
        return spaceEnd < text.Length && run > 1 ? run - 1 : run;
    }

    private static int ContractionLength(ReadOnlySpan<byte> text, int start)
    {
        if (text[start] != (byte)'\'' || start + 1 >= text.Length)
        {
            return 0;
        }

        var first = text[start + 1];
        if (first is (byte)'s' or (byte)'t' or (byte)'m' or (byte)'d')
        {
            return 2;
        }

        var second = start + 2 < text.Length ? text[start + 2] : (byte)0;
        return (first, second) is ((byte)'r', (byte)'e') or ((byte)'v', (byte)'e') or ((byte)'l', (byte)'l') ? 3 : 0;
    }

    // the C locale's isspace, isalpha and isdigit
    private static ByteClass Classify(byte value) => value switch
    {
        (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r' => ByteClass.Space,
        >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' => ByteClass.Letter,
        >= (byte)'0' and <= (byte)'9' => ByteClass.Digit,
        _ => ByteClass.Other,
    };
}
