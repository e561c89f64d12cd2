using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace RegistryPortal.Api;

/// <summary>
/// Kestrel's memory pool with 64 KB blocks instead of its 4 KB ones. The socket transport receives into
/// one block per call, so a 1 GB upload took 262,144 recv calls, and the CPU they cost halved its speed.
/// Idle connections hold no block (Kestrel waits for data before renting one), and each pool keeps at most
/// <see cref="RetainedBlocks"/> for reuse, so memory stays bounded.
/// </summary>
public sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}

public static class LargeBlockMemoryPoolRegistration
{
    /// <summary>
    /// Gives Kestrel's socket transport this pool. Kestrel reads it from DI, and a later UseKestrel registers
    /// its own again (WebApplicationFactory's does), so call this after that.
    /// </summary>
    public static IServiceCollection AddLargeBlockMemoryPool(this IServiceCollection services) =>
        services.AddSingleton<IMemoryPoolFactory<byte>, LargeBlockMemoryPoolFactory>();
}

public sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 64 << 10;

    /// <summary>2 MB: a full 1 MB request buffer (Kestrel's default) in flight, with room to spare.</summary>
    public const int RetainedBlocks = 32;

    private readonly ConcurrentQueue<Block> free = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        return free.TryDequeue(out var block) ? block : new Block(this);
    }

    protected override void Dispose(bool disposing) => free.Clear();

    private void Return(Block block)
    {
        if (free.Count < RetainedBlocks) free.Enqueue(block);
    }

    private sealed class Block(LargeBlockMemoryPool pool) : IMemoryOwner<byte>
    {
        // On the pinned heap, as Kestrel's own blocks are, so sockets need not pin them call by call.
        public Memory<byte> Memory { get; } = MemoryMarshal.CreateFromPinnedArray(GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true), 0, BlockSize);

        public void Dispose() => pool.Return(this);
    }
}
