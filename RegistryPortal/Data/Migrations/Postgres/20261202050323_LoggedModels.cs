using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace RegistryPortal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LoggedModels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "LoggedModelId",
                table: "Versions",
                type: "character varying(34)",
                maxLength: 34,
                nullable: false,
                defaultValue: "",
                collation: "C");

            migrationBuilder.CreateTable(
                name: "LoggedModels",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(34)", maxLength: 34, nullable: false, collation: "C"),
                    ExperimentId = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SourceRunId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ModelType = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    StatusMessage = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ArtifactUri = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    LifecycleStage = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedById = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreationTime = table.Column<long>(type: "bigint", nullable: false),
                    LastUpdatedTime = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedModels", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LoggedModels_Experiments_ExperimentId",
                        column: x => x.ExperimentId,
                        principalTable: "Experiments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LoggedModelMetrics",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ModelId = table.Column<string>(type: "character varying(34)", nullable: false, collation: "C"),
                    RunId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Key = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Value = table.Column<double>(type: "double precision", nullable: false),
                    Timestamp = table.Column<long>(type: "bigint", nullable: false),
                    Step = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedModelMetrics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_LoggedModelMetrics_LoggedModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "LoggedModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LoggedModelParams",
                columns: table => new
                {
                    ModelId = table.Column<string>(type: "character varying(34)", nullable: false, collation: "C"),
                    Key = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Value = table.Column<string>(type: "text", nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedModelParams", x => new { x.ModelId, x.Key });
                    table.ForeignKey(
                        name: "FK_LoggedModelParams_LoggedModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "LoggedModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "LoggedModelTags",
                columns: table => new
                {
                    ModelId = table.Column<string>(type: "character varying(34)", nullable: false, collation: "C"),
                    Key = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Value = table.Column<string>(type: "text", nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LoggedModelTags", x => new { x.ModelId, x.Key });
                    table.ForeignKey(
                        name: "FK_LoggedModelTags_LoggedModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "LoggedModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "RunModelOutputs",
                columns: table => new
                {
                    RunId = table.Column<string>(type: "character varying(32)", nullable: false, collation: "C"),
                    ModelId = table.Column<string>(type: "character varying(34)", nullable: false, collation: "C"),
                    Step = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunModelOutputs", x => new { x.RunId, x.ModelId });
                    table.ForeignKey(
                        name: "FK_RunModelOutputs_LoggedModels_ModelId",
                        column: x => x.ModelId,
                        principalTable: "LoggedModels",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_RunModelOutputs_Runs_RunId",
                        column: x => x.RunId,
                        principalTable: "Runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Versions_LoggedModelId",
                table: "Versions",
                column: "LoggedModelId");

            migrationBuilder.CreateIndex(
                name: "IX_LoggedModelMetrics_ModelId_Key_Step_Timestamp",
                table: "LoggedModelMetrics",
                columns: new[] { "ModelId", "Key", "Step", "Timestamp" });

            migrationBuilder.CreateIndex(
                name: "IX_LoggedModels_ExperimentId_CreationTime",
                table: "LoggedModels",
                columns: new[] { "ExperimentId", "CreationTime" });

            migrationBuilder.CreateIndex(
                name: "IX_LoggedModels_ExperimentId_Name",
                table: "LoggedModels",
                columns: new[] { "ExperimentId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_LoggedModels_SourceRunId",
                table: "LoggedModels",
                column: "SourceRunId");

            migrationBuilder.CreateIndex(
                name: "IX_RunModelOutputs_ModelId",
                table: "RunModelOutputs",
                column: "ModelId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LoggedModelMetrics");

            migrationBuilder.DropTable(
                name: "LoggedModelParams");

            migrationBuilder.DropTable(
                name: "LoggedModelTags");

            migrationBuilder.DropTable(
                name: "RunModelOutputs");

            migrationBuilder.DropTable(
                name: "LoggedModels");

            migrationBuilder.DropIndex(
                name: "IX_Versions_LoggedModelId",
                table: "Versions");

            migrationBuilder.DropColumn(
                name: "LoggedModelId",
                table: "Versions");
        }
    }
}
