using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LazyLecture.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class SegmentReview : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "review",
                table: "transcription_segments",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                // Segments saved before reviews existed start unreviewed (corrections made then were not recorded as such).
                defaultValue: "unreviewed");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "review",
                table: "transcription_segments");
        }
    }
}
