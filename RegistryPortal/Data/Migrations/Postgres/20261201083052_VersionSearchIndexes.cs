using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RegistryPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class VersionSearchIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Versions_ModelId_Stage",
                table: "Versions");

            migrationBuilder.CreateIndex(
                name: "IX_Versions_ModelId_Stage_Status_Number",
                table: "Versions",
                columns: new[] { "ModelId", "Stage", "Status", "Number" });

            migrationBuilder.CreateIndex(
                name: "IX_Versions_ModelId_UpdatedAt_Number",
                table: "Versions",
                columns: new[] { "ModelId", "UpdatedAt", "Number" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Versions_ModelId_Stage_Status_Number",
                table: "Versions");

            migrationBuilder.DropIndex(
                name: "IX_Versions_ModelId_UpdatedAt_Number",
                table: "Versions");

            migrationBuilder.CreateIndex(
                name: "IX_Versions_ModelId_Stage",
                table: "Versions",
                columns: new[] { "ModelId", "Stage" });
        }
    }
}
