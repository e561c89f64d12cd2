using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using RegistryPortal.Data;
using RegistryPortal.Tests.TestSupport;

namespace RegistryPortal.Tests.Data;

/// <summary>SQLite's timestamps: the text Microsoft.Data.Sqlite writes, read back exactly and in UTC.</summary>
public class SqliteTimestampTests
{
    [Theory]
    [InlineData("2026-12-02 16:43:32", "2026-12-02T16:43:32.0000000")]
    [InlineData("2026-12-02 16:43:32.1", "2026-12-02T16:43:32.1000000")]
    [InlineData("2026-12-02 16:43:32.1234567", "2026-12-02T16:43:32.1234567")]
    [InlineData("2024-02-29 00:00:00.000001", "2024-02-29T00:00:00.0000010")]
    [InlineData("0001-01-01 00:00:00", "0001-01-01T00:00:00.0000000")]
    [InlineData("9999-12-31 23:59:59.9999999", "9999-12-31T23:59:59.9999999")]
    // Not the usual shape: DateTime.Parse reads it, as Microsoft.Data.Sqlite did.
    [InlineData("2026-12-02T16:43:32", "2026-12-02T16:43:32.0000000")]
    [InlineData("2026-12-02", "2026-12-02T00:00:00.0000000")]
    public void Text_is_read_as_the_UTC_time_it_says(string text, string expected)
    {
        var value = SqliteTimestamps.Parse(text);

        Assert.Equal(DateTimeKind.Utc, value.Kind);
        Assert.Equal(expected, value.ToString("O", CultureInfo.InvariantCulture).TrimEnd('Z'));
    }

    [Theory]
    [InlineData("2026-02-30 10:00:00")]
    [InlineData("2026-13-01 10:00:00")]
    [InlineData("2026-12-02 24:00:00")]
    [InlineData("yesterday")]
    public void Text_that_is_no_time_is_refused(string text) =>
        Assert.Throws<FormatException>(() => SqliteTimestamps.Parse(text));

    [Fact]
    public void Every_value_reads_back_as_written_and_in_the_text_Microsoft_Data_Sqlite_writes()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var random = new Random(7);
        for (var i = 0; i < 1000; i++)
        {
            var value = new DateTime(DateTime.UnixEpoch.Ticks + random.NextInt64(TimeSpan.TicksPerDay * 365 * 60), DateTimeKind.Utc);
            if (i % 3 == 0) value = value.AddTicks(-(value.Ticks % TimeSpan.TicksPerSecond)); // no fraction
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT $t";
            command.Parameters.AddWithValue("$t", value);
            var driverText = (string)command.ExecuteScalar()!;

            Assert.Equal(driverText, SqliteTimestamps.Format(value));
            Assert.Equal(value, SqliteTimestamps.Parse(driverText));
        }
    }

    [Fact]
    public void A_local_time_is_stored_as_UTC()
    {
        var local = new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Local);

        Assert.Equal(local.ToUniversalTime(), SqliteTimestamps.Parse(SqliteTimestamps.Format(local)));
    }

    [Fact]
    public async Task Timestamps_in_the_registry_compare_and_sort_by_time()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var (name, _) = await registry.ModelWithVersionsAsync(3);
        // Times whose texts sort like the times only if the fraction is written as Microsoft.Data.Sqlite writes it.
        DateTime[] times = [new(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc), new(2026, 1, 1, 10, 0, 0, 500, DateTimeKind.Utc), new(2026, 1, 1, 10, 0, 1, DateTimeKind.Utc)];
        await registry.QueryAsync(async db =>
        {
            foreach (var version in await db.Versions.Where(v => v.Model!.Name == name).ToListAsync())
                version.CreatedAt = times[version.Number - 1];
            return await db.SaveChangesAsync();
        });

        var (later, newest) = await registry.QueryAsync(async db => (
            await db.Versions.Where(v => v.Model!.Name == name && v.CreatedAt > times[0]).OrderBy(v => v.Number).Select(v => v.Number).ToListAsync(),
            await db.Versions.Where(v => v.Model!.Name == name).OrderByDescending(v => v.CreatedAt).Select(v => v.CreatedAt).FirstAsync()));

        Assert.Equal([2, 3], later);
        Assert.Equal(times[2], newest);
        Assert.Equal(DateTimeKind.Utc, newest.Kind);
    }
}
