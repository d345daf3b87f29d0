using System.ComponentModel.DataAnnotations;

namespace LazyLecture.Worker.Engines.PocketSphinx;

/// <summary>
/// The PocketSphinx engine's model files and segmenting rules (section <c>Engines:PocketSphinx</c>); the defaults are the
/// files of Debian's <c>pocketsphinx-en-us</c> package, the same ones <c>pocketsphinx_continuous</c> uses.
/// </summary>
public sealed class PocketSphinxOptions
{
    public const string Section = "Engines:PocketSphinx";

    /// <summary>The acoustic model folder (<c>-hmm</c>: mdef, means, variances, feat.params…).</summary>
    [Required]
    public string ModelPath { get; set; } = "/usr/share/pocketsphinx/model/en-us/en-us";

    /// <summary>The pronunciation dictionary (<c>-dict</c>).</summary>
    [Required]
    public string DictionaryPath { get; set; } = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict";

    /// <summary>The n-gram language model (<c>-lm</c>, ARPA or binary).</summary>
    [Required]
    public string LanguageModelPath { get; set; } = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin";

    /// <summary>
    /// Digital silence decoded before the samples (rounded to whole 10 ms frames, so the audio's own framing is unchanged):
    /// the library's voice activity detector and noise estimate settle on it before the first words, as they would
    /// mid-recording. Chunks often start right in speech: jfk.wav (speech from 0.3 s) goes from 63.6 % to 31.8 % WER, while
    /// LDC93S1 and the LibriVox sentences of pocketsphinx-testdata, which start with silence, decode the same.
    /// </summary>
    [Range(0, 5)]
    public double LeadInSecs { get; set; } = 0.5;

    /// <summary>
    /// Seconds of the samples run once through the front end, untimed and discarded, before the real decode: the library
    /// normalises each frame by a running cepstral mean that starts from the model's generic <c>-cmninit</c> and only
    /// settles after seconds of speech, so the first words of every call were decoded against the wrong mean. A lecture
    /// decoded whole settles once; cut into chunks, each chunk started unsettled — jfk.wav's last phrase decoded alone (3 s,
    /// after a pause) came out as noise. With the mean settled on the chunk's own speech first, a chunk decodes like the
    /// same audio mid-stream. The warm-up searches with a keyword instead of the language model (only the front end's state
    /// is kept), so it costs a twentieth of decoding those seconds.
    /// 0 decodes exactly as <c>pocketsphinx_continuous</c> does.
    /// </summary>
    [Range(0, 60)]
    public double CepstralMeanWarmUpSecs { get; set; } = 10;

    /// <summary>A silence at least this long between words starts a new segment.</summary>
    [Range(0.05, 10)]
    public double SegmentPauseSecs { get; set; } = 0.3;

    [Range(1, 60)]
    public double MaxSegmentSecs { get; set; } = 15;

    [Range(1, 200)]
    public int MaxSegmentWords { get; set; } = 30;
}
