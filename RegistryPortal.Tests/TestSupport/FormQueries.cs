using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;

namespace RegistryPortal.Tests.TestSupport;

/// <summary>Finding MudBlazor form controls the way a person names them: by their label.</summary>
public static class FormQueries
{
    /// <summary>The input or textarea whose label reads <paramref name="label"/>.</summary>
    public static IElement Field<T>(this IRenderedComponent<T> fragment, string label) where T : IComponent
    {
        var labels = fragment.FindAll("label").Where(l => l.TextContent.Trim().TrimEnd('*').Trim() == label).ToList();
        var element = labels.Select(l => l.GetAttribute("for")).OfType<string>().Select(id => fragment.Find($"#{id}")).FirstOrDefault();
        return element ?? throw new InvalidOperationException($"No field labelled '{label}' in: {string.Join(", ", fragment.FindAll("label").Select(l => l.TextContent.Trim()))}");
    }

    /// <summary>The checkbox whose label reads <paramref name="label"/>.</summary>
    public static IElement CheckBox<T>(this IRenderedComponent<T> fragment, string label) where T : IComponent =>
        fragment.FindAll("label").Where(l => l.TextContent.Trim() == label)
            .Select(l => l.QuerySelector("input[type=checkbox]")).OfType<IElement>().FirstOrDefault()
        ?? throw new InvalidOperationException($"No checkbox labelled '{label}'.");

    /// <summary>The radio button whose label reads <paramref name="label"/>.</summary>
    public static IElement Radio<T>(this IRenderedComponent<T> fragment, string label) where T : IComponent =>
        fragment.FindAll("label").Where(l => l.TextContent.Trim() == label)
            .Select(l => l.QuerySelector("input[type=radio]")).OfType<IElement>().FirstOrDefault()
        ?? throw new InvalidOperationException($"No radio button labelled '{label}'.");

    /// <summary>The button (or link button) whose accessible name, its aria-label, is <paramref name="name"/>.</summary>
    public static IElement? Labelled<T>(this IRenderedComponent<T> fragment, string name) where T : IComponent =>
        fragment.FindAll("button[aria-label], a[aria-label]").FirstOrDefault(b => b.GetAttribute("aria-label") == name);

    /// <summary>
    /// Finds the button and clicks it in one step on the renderer: a page that re-renders itself (after a load, or
    /// another user's change) would otherwise leave a button found a moment earlier with a stale handler.
    /// </summary>
    public static Task ClickNowAsync<T>(this IRenderedComponent<T> page, string button) where T : IComponent =>
        page.InvokeAsync(() => page.Button(button)!.ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()));

    /// <summary>
    /// The same for a button or link known by its aria-label (<see cref="Labelled{T}"/>), without waiting for the click's
    /// handler to finish (one that asks in a dialog first finishes when the dialog closes), as bunit's Click() does.
    /// </summary>
    public static Task ClickLabelledNowAsync<T>(this IRenderedComponent<T> page, string name) where T : IComponent =>
        page.InvokeAsync(() => { _ = (page.Labelled(name) ?? throw new InvalidOperationException($"Nothing labelled '{name}'."))
            .ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()); }); // bunit reports what the handler throws

    /// <summary>Finds the field and types into it in one step on the renderer (see <see cref="ClickNowAsync{T}"/>).</summary>
    public static Task TypeNowAsync<T>(this IRenderedComponent<T> page, string field, string text) where T : IComponent =>
        page.InvokeAsync(() => page.Field(field).InputAsync(new ChangeEventArgs { Value = text }));

    /// <summary>Waits (up to 5 s) until <paramref name="condition"/> holds in the database, then asserts it.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 100 && !await condition(); i++) await Task.Delay(50);
        Assert.True(await condition());
    }

    /// <summary>Opens the MudSelect whose combobox is labelled <paramref name="name"/> and picks the option reading <paramref name="option"/>.</summary>
    public static void Choose<T>(this IRenderedComponent<T> fragment, IRenderedComponent<MudBlazor.MudPopoverProvider> popovers, string name, string option)
        where T : IComponent
    {
        // Each element is found and used in one step on the renderer: a live page may re-render in between (ClickNowAsync).
        fragment.InvokeAsync(() =>
        {
            var combobox = fragment.FindAll("[role=combobox]").FirstOrDefault(c => c.GetAttribute("aria-label") == name)
                ?? throw new InvalidOperationException($"No select labelled '{name}'.");
            var control = combobox.Closest(".mud-input-control") ?? throw new InvalidOperationException("Not a MudSelect.");
            _ = control.MouseDownAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs());
        }).GetAwaiter().GetResult();
        popovers.WaitForAssertion(() => Assert.Contains(popovers.FindAll("[role=option]"), o => o.TextContent.Trim() == option));
        popovers.InvokeAsync(() => { _ = popovers.FindAll("[role=option]").First(o => o.TextContent.Trim() == option)
            .ClickAsync(new Microsoft.AspNetCore.Components.Web.MouseEventArgs()); }).GetAwaiter().GetResult();
    }
}
