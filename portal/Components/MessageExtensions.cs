using AntDesign;

namespace Portal.Components;

/// <summary>
/// AntDesign's message tasks complete when the message closes, seconds later: a handler that
/// awaited one kept its page from drawing anything new until then ("已生成，可下载" showed ~3 s
/// before the download links; a step's dialog stayed open and the village-year was reloaded only
/// after its message had gone). A message is shown, never awaited.
/// </summary>
public static class MessageExtensions
{
    public static void Succeeded(this IMessageService messages, string text) =>
        _ = messages.SuccessAsync(text);

    public static void Failed(this IMessageService messages, string text) =>
        _ = messages.ErrorAsync(text);
}
