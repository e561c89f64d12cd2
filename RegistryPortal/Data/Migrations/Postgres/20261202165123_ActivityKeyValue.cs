using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RegistryPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ActivityKeyValue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Key",
                table: "Activity",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true,
                collation: "C");

            migrationBuilder.AddColumn<string>(
                name: "Value",
                table: "Activity",
                type: "text",
                nullable: true,
                collation: "C");

            migrationBuilder.CreateIndex(
                name: "IX_Activity_ModelId_At",
                table: "Activity",
                columns: new[] { "ModelId", "At" });

            // Older alias events said the alias only in words ("champion → version 3", "champion moved from …", "champion"):
            // an alias has no spaces, so it is the Detail's first word.
            migrationBuilder.Sql("""
                UPDATE "Activity" SET "Key" = split_part("Detail", ' ', 1) WHERE "Kind" IN ('AliasSet', 'AliasDeleted');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Activity_ModelId_At",
                table: "Activity");

            migrationBuilder.DropColumn(
                name: "Key",
                table: "Activity");

            migrationBuilder.DropColumn(
                name: "Value",
                table: "Activity");
        }
    }
}
