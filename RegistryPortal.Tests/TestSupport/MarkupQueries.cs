using AngleSharp.Dom;
using Bunit;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>Finding controls in rendered markup the way a person names them: by their text.</summary>
public static class MarkupQueries
{
    public static IElement? Button<T>(this IRenderedComponent<T> fragment, string text) where T : Microsoft.AspNetCore.Components.IComponent =>
        fragment.FindAll("button").FirstOrDefault(b => b.TextContent.Trim() == text);

    public static bool IsEnabled(this IElement button) => !button.HasAttribute("disabled");
}
