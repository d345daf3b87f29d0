using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LazyLecture.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class PartialChunkResults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "transcription_partials",
                columns: table => new
                {
                    transcription_id = table.Column<int>(type: "integer", nullable: false),
                    chunk_no = table.Column<int>(type: "integer", nullable: false),
                    segments = table.Column<string>(type: "jsonb", nullable: false),
                    update_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transcription_partials", x => x.transcription_id);
                    table.ForeignKey(
                        name: "fk_transcription_partials_transcriptions_transcription_id",
                        column: x => x.transcription_id,
                        principalTable: "transcriptions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "transcription_partials");
        }
    }
}
