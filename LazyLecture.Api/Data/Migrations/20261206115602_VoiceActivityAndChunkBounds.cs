using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LazyLecture.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class VoiceActivityAndChunkBounds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "engine",
                table: "transcriptions",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "speech_secs",
                table: "transcriptions",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "vad_prefix_padding_ms",
                table: "transcriptions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "vad_silence_duration_ms",
                table: "transcriptions",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<float>(
                name: "vad_threshold",
                table: "transcriptions",
                type: "real",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "voice_activity_detection",
                table: "transcriptions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "voice_activity_note",
                table: "transcriptions",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "end_secs",
                table: "transcription_chunks",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "start_secs",
                table: "transcription_chunks",
                type: "double precision",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "engine",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "speech_secs",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "vad_prefix_padding_ms",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "vad_silence_duration_ms",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "vad_threshold",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "voice_activity_detection",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "voice_activity_note",
                table: "transcriptions");

            migrationBuilder.DropColumn(
                name: "end_secs",
                table: "transcription_chunks");

            migrationBuilder.DropColumn(
                name: "start_secs",
                table: "transcription_chunks");
        }
    }
}
