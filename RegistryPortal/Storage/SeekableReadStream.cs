namespace RegistryPortal.Storage;

/// <summary>
/// A read-only stream of known length that can seek anywhere: what every such stream of the stores answers alike. A
/// subclass reads from <see cref="Stream.Position"/> and moves it on with <see cref="Advance"/>.
/// </summary>
internal abstract class SeekableReadStream : Stream
{
    private long position;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0) throw new IOException($"Cannot seek to {target}, before the start of the stream.");
        return position = target;
    }

    /// <summary>Moves the position on past <paramref name="count"/> bytes just read.</summary>
    protected void Advance(int count) => position += count;

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
