using Microsoft.AspNetCore.Connections;
using RegistryPortal.Api;

namespace RegistryPortal.Tests.Api;

public class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_64_KB_and_a_returned_block_is_rented_again()
    {
        using var pool = new LargeBlockMemoryPool();

        var first = pool.Rent();
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        first.Memory.Span[0] = 42;
        first.Dispose();
        using var second = pool.Rent(4096);

        Assert.Equal(42, second.Memory.Span[0]);
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
    }

    [Fact]
    public void Blocks_in_use_at_once_are_distinct_and_only_so_many_are_kept_for_reuse()
    {
        using var pool = new LargeBlockMemoryPool();
        var blocks = Enumerable.Range(0, LargeBlockMemoryPool.RetainedBlocks + 8).Select(_ => pool.Rent()).ToList();
        for (var i = 0; i < blocks.Count; i++) blocks[i].Memory.Span[0] = (byte)i;

        Assert.Equal(Enumerable.Range(0, blocks.Count).Select(i => (byte)i), blocks.Select(b => b.Memory.Span[0]));
        foreach (var block in blocks) block.Dispose();

        var kept = blocks.Select(_ => pool.Rent()).ToList();
        Assert.Equal(LargeBlockMemoryPool.RetainedBlocks, kept.Count(k => blocks.Any(b => b.Memory.Equals(k.Memory))));
    }

    [Fact]
    public void A_request_larger_than_a_block_is_refused()
    {
        using var pool = new LargeBlockMemoryPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public async Task The_app_gives_Kestrel_the_large_block_pool()
    {
        await using var app = new ApiApp();
        await app.InitializeAsync();

        Assert.IsType<LargeBlockMemoryPoolFactory>(app.Service<IMemoryPoolFactory<byte>>());
    }
}
