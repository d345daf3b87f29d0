using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace LazyLecture.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Transcriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "transcriptions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    creator_id = table.Column<int>(type: "integer", nullable: false),
                    audio_len_secs = table.Column<double>(type: "double precision", nullable: false),
                    chunk_size_secs = table.Column<double>(type: "double precision", nullable: false),
                    current_state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    error_count = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    progress_secs = table.Column<double>(type: "double precision", nullable: false),
                    audio_location = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    original_file_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    create_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    update_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transcriptions", x => x.id);
                    table.ForeignKey(
                        name: "fk_transcriptions_users_creator_id",
                        column: x => x.creator_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "transcription_chunks",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    transcription_id = table.Column<int>(type: "integer", nullable: false),
                    chunk_no = table.Column<int>(type: "integer", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    create_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    update_date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transcription_chunks", x => x.id);
                    table.ForeignKey(
                        name: "fk_transcription_chunks_transcriptions_transcription_id",
                        column: x => x.transcription_id,
                        principalTable: "transcriptions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "transcription_segments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    transcription_id = table.Column<int>(type: "integer", nullable: false),
                    chunk_no = table.Column<int>(type: "integer", nullable: false),
                    segment_no = table.Column<int>(type: "integer", nullable: false),
                    start_secs = table.Column<double>(type: "double precision", nullable: false),
                    end_secs = table.Column<double>(type: "double precision", nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    search_vector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true)
                        .Annotation("Npgsql:TsVectorConfig", "english")
                        .Annotation("Npgsql:TsVectorProperties", new[] { "text" })
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_transcription_segments", x => x.id);
                    table.ForeignKey(
                        name: "fk_transcription_segments_transcriptions_transcription_id",
                        column: x => x.transcription_id,
                        principalTable: "transcriptions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_transcription_chunks_transcription_id_chunk_no",
                table: "transcription_chunks",
                columns: new[] { "transcription_id", "chunk_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_transcription_segments_search_vector",
                table: "transcription_segments",
                column: "search_vector")
                .Annotation("Npgsql:IndexMethod", "GIN");

            migrationBuilder.CreateIndex(
                name: "ix_transcription_segments_transcription_id_chunk_no_segment_no",
                table: "transcription_segments",
                columns: new[] { "transcription_id", "chunk_no", "segment_no" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_transcriptions_creator_id_create_date",
                table: "transcriptions",
                columns: new[] { "creator_id", "create_date" });

            migrationBuilder.CreateIndex(
                name: "ix_transcriptions_one_active_per_creator",
                table: "transcriptions",
                column: "creator_id",
                unique: true,
                filter: "current_state IN ('queued', 'in_progress', 'processing_error')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "transcription_chunks");

            migrationBuilder.DropTable(
                name: "transcription_segments");

            migrationBuilder.DropTable(
                name: "transcriptions");
        }
    }
}
