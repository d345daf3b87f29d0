using LazyLecture.Contracts.Jobs;
using LazyLecture.Worker.Engines;
using LazyLecture.Worker.Jobs.Chunking;
using LazyLecture.Worker.VoiceActivity;
using Xunit;

namespace LazyLecture.Tests.Worker.VoiceActivity;

/// <summary>Chunk ends in pauses, speech joined as whisper.cpp joins it, and segments put back onto the recording.</summary>
public sealed class ChunkingTests
{
    [Fact]
    public void Without_speech_detection_chunks_end_at_the_fixed_offsets()
    {
        var chunks = ChunkPlan.Plan(25, 10, speech: null, searchSecs: 60);

        Assert.Equal([(0, 0.0, 10.0), (1, 10.0, 20.0), (2, 20.0, 25.0)], chunks.Select(c => (c.ChunkNo, c.Start, c.End)));
    }

    [Fact]
    public void A_chunk_ends_in_the_middle_of_the_longest_pause_near_its_offset_and_at_the_offset_where_none_is()
    {
        // pauses at 7.5-8.5 and 11-11.4 near 10 s; none near 20 s (speech from 12 to 30)
        var speech = new SpeechMap([new(0, 7.5), new(8.5, 11), new(11.4, 30)], 30);

        var chunks = ChunkPlan.Plan(30, 10, speech, searchSecs: 60);

        Assert.Equal([(0, 0.0, 8.0), (1, 8.0, 20.0), (2, 20.0, 30.0)], chunks.Select(c => (c.ChunkNo, c.Start, c.End)));
    }

    [Fact]
    public void The_search_for_a_pause_is_cut_to_the_setting_and_to_half_a_chunk()
    {
        var speech = new SpeechMap([new(0, 6), new(7, 30)], 30);

        Assert.Equal(6.5, ChunkPlan.Plan(30, 10, speech, searchSecs: 60)[0].End); // within ±5 s of 10 s
        Assert.Equal(10.0, ChunkPlan.Plan(30, 10, speech, searchSecs: 2)[0].End); // ±2 s holds no pause
    }

    [Fact]
    public void Joined_speech_has_a_tenth_of_a_second_of_zeros_between_regions_and_maps_back()
    {
        var chunk = Enumerable.Range(0, 10 * 16000).Select(i => 1f + i).ToArray();
        var regions = new SpeechRegion[] { new(1, 2), new(5, 6.5) };

        var joined = SpeechOnlyAudio.Join(chunk, regions);

        // 1 s + 0.1 s overlap, 0.1 s of zeros, 1.5 s
        Assert.Equal((int)(2.7 * 16000), joined.Samples.Length);
        Assert.Equal(chunk[16000], joined.Samples.Span[0]);
        Assert.Equal(chunk[2 * 16000 + 1599], joined.Samples.Span[16000 + 1599]); // the overlap is the audio after the region
        Assert.Equal(0f, joined.Samples.Span[(int)(1.15 * 16000)]);
        Assert.Equal(chunk[5 * 16000], joined.Samples.Span[(int)(1.2 * 16000)]);
        Assert.Equal(1.5, joined.ToOriginal(0.5), 6);
        Assert.Equal(2.0, joined.ToOriginal(1.05), 6); // inside the overlap: the region's end
        Assert.Equal(3.5, joined.ToOriginal(1.15), 6); // inside the zeros: across the silence
        Assert.Equal(5.5, joined.ToOriginal(1.7), 6);
        Assert.Equal(6.5, joined.ToOriginal(9), 6);
    }

    [Fact]
    public void A_segment_spanning_a_long_silence_is_split_there_and_nothing_ends_after_its_chunk()
    {
        var speech = new SpeechMap([new(10, 12), new(15, 17), new(17.5, 25)], 40);
        var chunk = new ChunkSpan(1, 10, 20);
        var joined = SpeechOnlyAudio.Join(new float[10 * 16000], [new(0, 2), new(5, 7), new(7.5, 10)]);
        var placement = new SegmentPlacement(chunk, speech, joined);
        // in joined time: region 1 is 0-2 (+0.1), zeros 2.1-2.2, region 2 is 2.2-4.2 (+0.1), zeros, region 3 is 4.4-6.9;
        // the engine's last timestamp runs past the end of its samples, as a window's last timestamp token may
        var segment = new EngineSegment(0.5, 7.5, "one two three",
            [new EngineWord(0.5, 1.5, "one", 0.9), new EngineWord(2.3, 2.8, "two", 0.8), new EngineWord(6.0, 7.5, "three", 0.7)]);

        var placed = placement.Place(segment).ToList();

        Assert.Equal(2, placed.Count);
        Assert.Equal(("one", 10.5, 12.0), (placed[0].Text, placed[0].Start, placed[0].End));
        Assert.Equal("two three", placed[1].Text);
        Assert.Equal(15.0, placed[1].Start, 6);
        Assert.Equal(20.0, placed[1].End, 6); // the chunk ends at 20 s although speech goes on
        Assert.All(placed.SelectMany(p => p.Words!), w => Assert.True(w.End <= 20 && !(w.Start > 12 && w.End < 15)));
    }

    [Fact]
    public void A_word_the_engine_was_sure_of_to_one_rounding_step_above_1_is_saved_with_probability_1_and_the_api_takes_it()
    {
        // The synthetic base model's decode of bench/lecture.sh's recording gave words with p = 1.0000001 (float softmax
        // rounding), which the API refused with 422 and the job failed on it.
        var sure = (double)BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1f) + 1);
        var chunk = new ChunkSpan(0, 0, 10);
        var segment = new EngineSegment(0.5, 2.0, "ask not", [new EngineWord(0.5, 1.0, "ask", sure), new EngineWord(1.0, 2.0, "not", 0.5)]);

        var placed = new SegmentPlacement(chunk, speech: null, speechOnly: null).Place(segment).ToList();

        Assert.Equal([1.0, 0.5], placed.SelectMany(p => p.Words!).Select(w => w.Probability));
        Assert.Null(SegmentRules.Check(placed, chunk.ChunkNo, chunk.Start, chunk.End));
    }

    [Fact]
    public void The_previous_chunk_text_follows_the_job_prompt_and_only_its_end_is_kept()
    {
        var longText = string.Join(' ', Enumerable.Range(0, 1000).Select(i => $"word{i}"));

        Assert.Equal("Glossary: ONNX. and so my fellow", ChunkContext.PromptFor("Glossary: ONNX.", " and so my fellow "));
        Assert.Null(ChunkContext.PromptFor(null, "  "));
        var prompt = ChunkContext.PromptFor(null, longText)!;
        Assert.True(prompt.Length <= ChunkContext.MaxPreviousTextChars);
        Assert.EndsWith("word999", prompt, StringComparison.Ordinal);
        Assert.StartsWith("word", prompt, StringComparison.Ordinal);
    }
}
