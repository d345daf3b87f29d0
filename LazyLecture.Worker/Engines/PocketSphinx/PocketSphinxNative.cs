using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LazyLecture.Worker.Engines.PocketSphinx;

/// <summary>
/// The calls into Debian's PocketSphinx 5prealpha (<c>libpocketsphinx.so.3</c>) and SphinxBase (<c>libsphinxbase.so.3</c>).
/// Signatures follow <c>pocketsphinx.h</c>, <c>cmd_ln.h</c> and <c>err.h</c> of that version; <c>int32</c> is <c>int</c>.
/// </summary>
internal static partial class PocketSphinxNative
{
    private const string PocketSphinxLibrary = "libpocketsphinx.so.3";
    private const string SphinxBaseLibrary = "libsphinxbase.so.3";

    /// <summary><c>arg_t const *ps_args(void)</c>: the decoder's static argument definitions.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_args")]
    internal static partial nint Arguments();

    /// <summary><c>ps_decoder_t *ps_init(cmd_ln_t *config)</c>: retains the configuration; NULL on failure.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_init")]
    internal static partial DecoderHandle CreateDecoder(ConfigurationHandle configuration);

    /// <summary><c>int ps_free(ps_decoder_t *ps)</c>: drops one reference.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_free")]
    internal static partial int FreeDecoder(nint decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_start_utt")]
    internal static partial int StartUtterance(DecoderHandle decoder);

    /// <summary><c>int ps_process_raw(ps_decoder_t *ps, int16 const *data, size_t n_samples, int no_search, int full_utt)</c>: frames searched, or &lt; 0.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_process_raw")]
    internal static unsafe partial int ProcessRaw(DecoderHandle decoder, short* data, nuint sampleCount, int noSearch, int fullUtterance);

    /// <summary>
    /// <c>int ps_set_keyphrase(ps_decoder_t *ps, const char *name, const char *keyphrase)</c>: adds a keyword-spotting search
    /// under that name (not yet the active one); &lt; 0 on failure.
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_keyphrase", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int AddKeyphraseSearch(DecoderHandle decoder, string name, string keyphrase);

    /// <summary><c>int ps_set_search(ps_decoder_t *ps, const char *name)</c>: makes a named search the active one, between utterances only.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_set_search", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int SetSearch(DecoderHandle decoder, string name);

    /// <summary><c>uint8 ps_get_in_speech(ps_decoder_t *ps)</c>: whether the voice activity detector is inside speech.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_in_speech")]
    internal static partial byte GetInSpeech(DecoderHandle decoder);

    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_end_utt")]
    internal static partial int EndUtterance(DecoderHandle decoder);

    /// <summary><c>ps_seg_t *ps_seg_iter(ps_decoder_t *ps)</c>: word segments of the best hypothesis; NULL when there are none.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_iter")]
    internal static partial nint SegmentIterator(DecoderHandle decoder);

    /// <summary><c>ps_seg_t *ps_seg_next(ps_seg_t *seg)</c>: frees the iterator itself and returns NULL at the end.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_next")]
    internal static partial nint NextSegment(nint segment);

    /// <summary><c>char const *ps_seg_word(ps_seg_t *seg)</c>: owned by the decoder.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_word")]
    internal static partial nint SegmentWord(nint segment);

    /// <summary><c>void ps_seg_frames(ps_seg_t *seg, int *out_sf, int *out_ef)</c>: first and last (inclusive) frame.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_frames")]
    internal static partial void SegmentFrames(nint segment, out int startFrame, out int endFrame);

    /// <summary>
    /// <c>int32 ps_seg_prob(ps_seg_t *seg, int32 *out_ascr, int32 *out_lscr, int32 *out_lback)</c>: the word's log posterior
    /// probability in the decoder's log base (0, i.e. probability 1, when no lattice posteriors were computed).
    /// </summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_prob")]
    internal static partial int SegmentProbability(nint segment, out int acousticScore, out int languageScore, out int languageBackoff);

    /// <summary><c>logmath_t *ps_get_logmath(ps_decoder_t *ps)</c>: the decoder's log table, owned by the decoder.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_get_logmath")]
    internal static partial nint GetLogMath(DecoderHandle decoder);

    /// <summary><c>float64 logmath_exp(logmath_t *lmath, int logb_p)</c>: a probability from its log in that base.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "logmath_exp")]
    internal static partial double LogMathExp(nint logMath, int logProbability);

    /// <summary><c>void ps_seg_free(ps_seg_t *seg)</c>: for an iterator abandoned before its end.</summary>
    [LibraryImport(PocketSphinxLibrary, EntryPoint = "ps_seg_free")]
    internal static partial void FreeSegmentIterator(nint segment);

    /// <summary>
    /// <c>cmd_ln_t *cmd_ln_parse_r(cmd_ln_t *inout_cmdln, arg_t const *defn, int32 argc, char *argv[], int32 strict)</c>:
    /// the non-variadic way to build a configuration (<c>cmd_ln_init</c> is variadic, which P/Invoke cannot call).
    /// </summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_parse_r")]
    internal static unsafe partial ConfigurationHandle ParseConfiguration(nint existing, nint definitions, int argumentCount, nint* arguments, int strict);

    /// <summary><c>int cmd_ln_free_r(cmd_ln_t *cmdln)</c>: drops one reference.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "cmd_ln_free_r")]
    internal static partial int FreeConfiguration(nint configuration);

    /// <summary><c>void err_set_logfp(FILE *stream)</c>: NULL silences the library's process-wide log.</summary>
    [LibraryImport(SphinxBaseLibrary, EntryPoint = "err_set_logfp")]
    internal static partial void SetLogStream(nint stream);
}

/// <summary>A <c>ps_decoder_t*</c>, freed with <c>ps_free</c>.</summary>
internal sealed class DecoderHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        PocketSphinxNative.FreeDecoder(handle);
        return true;
    }
}

/// <summary>A <c>cmd_ln_t*</c>, freed with <c>cmd_ln_free_r</c> (the decoder keeps its own reference).</summary>
internal sealed class ConfigurationHandle() : SafeHandleZeroOrMinusOneIsInvalid(ownsHandle: true)
{
    protected override bool ReleaseHandle()
    {
        PocketSphinxNative.FreeConfiguration(handle);
        return true;
    }
}
