using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RegistryPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class FourEyes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "FourEyes",
                table: "Models",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Settings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    FourEyesByDefault = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Settings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TransitionRequests_Status",
                table: "TransitionRequests",
                column: "Status");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Settings");

            migrationBuilder.DropIndex(
                name: "IX_TransitionRequests_Status",
                table: "TransitionRequests");

            migrationBuilder.DropColumn(
                name: "FourEyes",
                table: "Models");
        }
    }
}
