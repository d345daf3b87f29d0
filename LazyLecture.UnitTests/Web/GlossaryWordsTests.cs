using LazyLecture.Web.Components.Courses;
using Xunit;

namespace LazyLecture.Tests.Web;

/// <summary>The words a correction brought in that the engine did not write, offered for the course glossary.</summary>
public sealed class GlossaryWordsTests
{
    [Fact]
    public void Words_the_engine_wrote_or_the_glossary_holds_are_not_offered_whatever_their_case_or_punctuation()
    {
        var offered = GlossaryWords.NewWords(
            "The Eigenvalue of a Hermitian matrix, by Gram-Schmidt and Noether's theorem.",
            ["the", "eigen", "value", "of", "a", "her", "mission", "matrix", "by", "gram", "schmidt", "and", "nothers", "theorem"],
            ["hermitian", "Spectral theorem"]);

        Assert.Equal(["Eigenvalue", "Gram-Schmidt", "Noether's"], offered);
    }

    [Fact]
    public void Each_new_word_is_offered_once_as_first_written()
    {
        Assert.Equal(["Laplace"], GlossaryWords.NewWords("Laplace, laplace and LAPLACE", ["and"], []));
    }

    [Fact]
    public void A_correction_that_only_removes_or_reorders_words_offers_nothing()
    {
        Assert.Empty(GlossaryWords.NewWords("matrix the", ["the", "matrix", "is", "square"], []));
    }
}
