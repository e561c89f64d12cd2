using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RegistryPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ModelContentStamp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "ContentStamp",
                table: "Models",
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ContentStamp",
                table: "Models");
        }
    }
}
