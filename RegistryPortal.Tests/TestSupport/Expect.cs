using RegistryPortal.Domain;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>Asserts a refusal: the exact error kind, and key words of the message that tell the user what to do.</summary>
public static class Expect
{
    public static async Task<RegistryError> RefusalAsync(ErrorKind kind, Func<Task> act, params string[] messageContains)
    {
        var error = await Assert.ThrowsAsync<RegistryError>(act);
        return Check(error, kind, messageContains);
    }

    public static RegistryError Refusal(ErrorKind kind, Action act, params string[] messageContains)
    {
        var error = Assert.Throws<RegistryError>(act);
        return Check(error, kind, messageContains);
    }

    private static RegistryError Check(RegistryError error, ErrorKind kind, string[] messageContains)
    {
        Assert.True(error.Kind == kind, $"Expected a {kind} error but got {error.Kind}: {error.Message}");
        foreach (var words in messageContains) Assert.Contains(words, error.Message);
        return error;
    }
}
