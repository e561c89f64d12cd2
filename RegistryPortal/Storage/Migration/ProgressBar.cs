using System.Diagnostics;
using System.Globalization;

namespace RegistryPortal.Storage.Migration;

/// <summary>
/// A migration's progress as a text bar: redrawn in place (carriage return) on a terminal, and as one line per tenth
/// of the work when the output goes to a file or a pipe, so a log stays short.
/// </summary>
public sealed class ProgressBar(TextWriter output, bool inPlace) : IProgress<MigrationProgress>
{
    private const int Width = 30;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly Lock drawing = new();
    private int lastTenth = -1;
    private TimeSpan lastDrawn = TimeSpan.MinValue;

    public void Report(MigrationProgress value)
    {
        lock (drawing)
        {
            var fraction = value.BytesTotal > 0 ? (double)value.BytesDone / value.BytesTotal
                : value.FilesTotal > 0 ? (double)value.FilesDone / value.FilesTotal : 1;
            var finished = value.FilesDone == value.FilesTotal;
            if (inPlace)
            {
                // A few redraws a second are enough to read; every file would flood a slow terminal.
                if (!finished && clock.Elapsed - lastDrawn < TimeSpan.FromMilliseconds(200)) return;
                lastDrawn = clock.Elapsed;
                output.Write("\r" + Line(value, fraction));
                if (finished) output.WriteLine();
            }
            else
            {
                var tenth = (int)(fraction * 10);
                if (tenth == lastTenth && !(finished && lastTenth != 10)) return;
                lastTenth = finished ? 10 : tenth;
                output.WriteLine(Line(value, fraction));
            }
            output.Flush();
        }
    }

    private string Line(MigrationProgress value, double fraction)
    {
        var filled = (int)Math.Round(fraction * Width);
        var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {fraction * 100,3:0}%  {value.FilesDone:N0}/{value.FilesTotal:N0} files  " +
            $"{Megabytes(value.BytesDone)}/{Megabytes(value.BytesTotal)} MB  {value.BytesDone / seconds / (1024 * 1024):N1} MB/s");
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024)).ToString("N1", CultureInfo.InvariantCulture);
}
