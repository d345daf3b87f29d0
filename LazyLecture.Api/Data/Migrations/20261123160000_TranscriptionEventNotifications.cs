using LazyLecture.Api.Transcriptions.Live;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LazyLecture.Api.Data.Migrations
{
    /// <summary>
    /// Live progress: every change to a transcription row (state, progress, the touch of a chunk save, deletion) notifies
    /// its id on <see cref="TranscriptionEventChannel.Name"/>. A trigger, so no writer can forget it; NOTIFY is transactional,
    /// so listeners hear of a change only once it is committed (and never of a rolled-back one).
    /// </summary>
    public partial class TranscriptionEventNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                $"""
                CREATE FUNCTION notify_transcription_event() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('{TranscriptionEventChannel.Name}', (CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER transcriptions_notify_event
                    AFTER UPDATE OR DELETE ON transcriptions
                    FOR EACH ROW EXECUTE FUNCTION notify_transcription_event();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER IF EXISTS transcriptions_notify_event ON transcriptions;
                DROP FUNCTION IF EXISTS notify_transcription_event();
                """);
        }
    }
}
