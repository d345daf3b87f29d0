namespace LazyLecture.Whisper.Text;

/// <summary>A language the multilingual models know: its code (as in whisper.cpp) and English name.</summary>
internal sealed record WhisperLanguage(string Code, string Name);

/// <summary>The languages in whisper.cpp's order; language i has the token sot + 1 + i.</summary>
internal static class WhisperLanguages
{
    private static readonly WhisperLanguage[] Table =
    [
        new("en", "english"),
        new("zh", "chinese"),
        new("de", "german"),
        new("es", "spanish"),
        new("ru", "russian"),
        new("ko", "korean"),
        new("fr", "french"),
        new("ja", "japanese"),
        new("pt", "portuguese"),
        new("tr", "turkish"),
        new("pl", "polish"),
        new("ca", "catalan"),
        new("nl", "dutch"),
        new("ar", "arabic"),
        new("sv", "swedish"),
        new("it", "italian"),
        new("id", "indonesian"),
        new("hi", "hindi"),
        new("fi", "finnish"),
        new("vi", "vietnamese"),
        new("he", "hebrew"),
        new("uk", "ukrainian"),
        new("el", "greek"),
        new("ms", "malay"),
        new("cs", "czech"),
        new("ro", "romanian"),
        new("da", "danish"),
        new("hu", "hungarian"),
        new("ta", "tamil"),
        new("no", "norwegian"),
        new("th", "thai"),
        new("ur", "urdu"),
        new("hr", "croatian"),
        new("bg", "bulgarian"),
        new("lt", "lithuanian"),
        new("la", "latin"),
        new("mi", "maori"),
        new("ml", "malayalam"),
        new("cy", "welsh"),
        new("sk", "slovak"),
        new("te", "telugu"),
        new("fa", "persian"),
        new("lv", "latvian"),
        new("bn", "bengali"),
        new("sr", "serbian"),
        new("az", "azerbaijani"),
        new("sl", "slovenian"),
        new("kn", "kannada"),
        new("et", "estonian"),
        new("mk", "macedonian"),
        new("br", "breton"),
        new("eu", "basque"),
        new("is", "icelandic"),
        new("hy", "armenian"),
        new("ne", "nepali"),
        new("mn", "mongolian"),
        new("bs", "bosnian"),
        new("kk", "kazakh"),
        new("sq", "albanian"),
        new("sw", "swahili"),
        new("gl", "galician"),
        new("mr", "marathi"),
        new("pa", "punjabi"),
        new("si", "sinhala"),
        new("km", "khmer"),
        new("sn", "shona"),
        new("yo", "yoruba"),
        new("so", "somali"),
        new("af", "afrikaans"),
        new("oc", "occitan"),
        new("ka", "georgian"),
        new("be", "belarusian"),
        new("tg", "tajik"),
        new("sd", "sindhi"),
        new("gu", "gujarati"),
        new("am", "amharic"),
        new("yi", "yiddish"),
        new("lo", "lao"),
        new("uz", "uzbek"),
        new("fo", "faroese"),
        new("ht", "haitian creole"),
        new("ps", "pashto"),
        new("tk", "turkmen"),
        new("nn", "nynorsk"),
        new("mt", "maltese"),
        new("sa", "sanskrit"),
        new("lb", "luxembourgish"),
        new("my", "myanmar"),
        new("bo", "tibetan"),
        new("tl", "tagalog"),
        new("mg", "malagasy"),
        new("as", "assamese"),
        new("tt", "tatar"),
        new("haw", "hawaiian"),
        new("ln", "lingala"),
        new("ha", "hausa"),
        new("ba", "bashkir"),
        new("jw", "javanese"),
        new("su", "sundanese"),
        new("yue", "cantonese"),
    ];

    public static IReadOnlyList<WhisperLanguage> All => Table;

    /// <summary>Index of a language code (or English name), or -1 when unknown.</summary>
    public static int IndexOf(string codeOrName)
    {
        for (var i = 0; i < Table.Length; i++)
        {
            if (string.Equals(Table[i].Code, codeOrName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(Table[i].Name, codeOrName, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}
