using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RegistryPortal.Data.Migrations
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
                type: "TEXT",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Value",
                table: "Activity",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Activity_ModelId_At",
                table: "Activity",
                columns: new[] { "ModelId", "At" });

            // Older alias events said the alias only in words ("champion → version 3", "champion moved from …", "champion"):
            // an alias has no spaces, so it is the Detail's first word.
            migrationBuilder.Sql("""
                UPDATE "Activity" SET "Key" = CASE WHEN instr("Detail", ' ') > 0 THEN substr("Detail", 1, instr("Detail", ' ') - 1) ELSE "Detail" END WHERE "Kind" IN ('AliasSet', 'AliasDeleted');
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
