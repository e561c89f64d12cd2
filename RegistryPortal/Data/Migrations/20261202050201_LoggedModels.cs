using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace RegistryPortal.Data.Migrations
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
                type: "TEXT",
                maxLength: 34,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateTable(
                name: "LoggedModels",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 34, nullable: false),
                    ExperimentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Name = table.Column<string>(type: "TEXT", nullable: false),
                    SourceRunId = table.Column<string>(type: "TEXT", nullable: false),
                    ModelType = table.Column<string>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    StatusMessage = table.Column<string>(type: "TEXT", nullable: false),
                    ArtifactUri = table.Column<string>(type: "TEXT", nullable: false),
                    LifecycleStage = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedById = table.Column<string>(type: "TEXT", nullable: false),
                    CreationTime = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUpdatedTime = table.Column<long>(type: "INTEGER", nullable: false)
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
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ModelId = table.Column<string>(type: "TEXT", nullable: false),
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<double>(type: "REAL", nullable: false),
                    Timestamp = table.Column<long>(type: "INTEGER", nullable: false),
                    Step = table.Column<long>(type: "INTEGER", nullable: false)
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
                    ModelId = table.Column<string>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
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
                    ModelId = table.Column<string>(type: "TEXT", nullable: false),
                    Key = table.Column<string>(type: "TEXT", nullable: false),
                    Value = table.Column<string>(type: "TEXT", nullable: false)
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
                    RunId = table.Column<string>(type: "TEXT", nullable: false),
                    ModelId = table.Column<string>(type: "TEXT", nullable: false),
                    Step = table.Column<long>(type: "INTEGER", nullable: false)
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
