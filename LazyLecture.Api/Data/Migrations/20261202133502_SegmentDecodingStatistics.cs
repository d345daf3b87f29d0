using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LazyLecture.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class SegmentDecodingStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "decoding",
                table: "transcription_segments",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "decoding",
                table: "transcription_segments");
        }
    }
}
