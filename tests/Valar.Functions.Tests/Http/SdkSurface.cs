using System.ClientModel;
using System.Text.Json;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using OpenAI.Chat;
using OpenAI.Responses;

namespace Valar.Functions.Tests.Http;

/// <summary>An image as a test wants to send it; each surface turns it into its own SDK's content block.</summary>
public abstract record TestImage
{
    public sealed record ByUrl(Uri Url) : TestImage;

    public sealed record Inline(byte[] Bytes, string MediaType) : TestImage;
}

/// <summary>What came back: a 200 report, or a refusal as the SDK surfaced it.</summary>
public sealed record SdkAnswer(int Status, JsonElement? Report, string? ExceptionMessage, string? ErrorMessage);

/// <summary>Sends images through one official SDK, the way a client of that API would.</summary>
public abstract class SdkSurface
{
    public abstract string Name { get; }

    /// <summary>JSON path our report and errors give for the <paramref name="index"/>-th image of the first message.</summary>
    public abstract string ImagePath(int index, TestImage image);

    public abstract Task<SdkAnswer> SendAsync(ValarServerFixture server, string model, IReadOnlyList<TestImage> images);

    /// <summary>The exception text the SDK shows a developer for our refusal.</summary>
    public abstract string ExpectedExceptionMessage(string message, string code, string? param);

    public override string ToString() => Name;

    public static SdkSurface Chat { get; } = new ChatSurface();

    public static SdkSurface Responses { get; } = new ResponsesSurface();

    public static SdkSurface Messages { get; } = new MessagesSurface();

    public static IReadOnlyList<SdkSurface> Each { get; } = [Chat, Responses, Messages];

    public static TheoryData<SdkSurface> All => [.. Each];

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

    /// <summary>Calls an OpenAI SDK method; a 200 is read through the raw response, a refusal through the SDK's exception.</summary>
    private static async Task<SdkAnswer> SendOpenAiAsync(Func<Task<ClientResult>> call)
    {
        try
        {
            var result = (await call()).GetRawResponse();
            return new SdkAnswer(result.Status, Parse(result.Content.ToString()), null, null);
        }
        catch (ClientResultException exception)
        {
            var body = Parse(exception.GetRawResponse()!.Content.ToString());
            return new SdkAnswer(exception.Status, null, exception.Message, body.GetProperty("error").GetProperty("message").GetString());
        }
    }

    private static string OpenAiException(string message, string code, string? param) =>
        param is null
            ? $"HTTP 400 (invalid_request_error: {code})\n\n{message}"
            : $"HTTP 400 (invalid_request_error: {code})\nParameter: {param}\n\n{message}";

    private sealed class ChatSurface : SdkSurface
    {
        public override string Name => "chat.completions";

        public override string ImagePath(int index, TestImage image) => $"messages[0].content[{index + 1}].image_url.url";

        public override string ExpectedExceptionMessage(string message, string code, string? param) => OpenAiException(message, code, param);

        public override async Task<SdkAnswer> SendAsync(ValarServerFixture server, string model, IReadOnlyList<TestImage> images)
        {
            List<ChatMessageContentPart> parts = [ChatMessageContentPart.CreateTextPart("Describe this photo.")];
            parts.AddRange(images.Select(image => image switch
            {
                TestImage.ByUrl url => ChatMessageContentPart.CreateImagePart(url.Url, ChatImageDetailLevel.Auto),
                TestImage.Inline inline => ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(inline.Bytes), inline.MediaType),
                _ => throw new ArgumentOutOfRangeException(nameof(images)),
            }));
            return await SendOpenAiAsync(async () => await server.ChatClient(model).CompleteChatAsync([new UserChatMessage(parts)]));
        }
    }

    private sealed class ResponsesSurface : SdkSurface
    {
        public override string Name => "responses";

        public override string ImagePath(int index, TestImage image) => $"input[0].content[{index + 1}].image_url";

        public override string ExpectedExceptionMessage(string message, string code, string? param) => OpenAiException(message, code, param);

        public override async Task<SdkAnswer> SendAsync(ValarServerFixture server, string model, IReadOnlyList<TestImage> images)
        {
            List<ResponseContentPart> parts = [ResponseContentPart.CreateInputTextPart("Describe this photo.")];
            parts.AddRange(images.Select(image => image switch
            {
                TestImage.ByUrl url => ResponseContentPart.CreateInputImagePart(url.Url, ResponseImageDetailLevel.Auto),
                TestImage.Inline inline => ResponseContentPart.CreateInputImagePart(BinaryData.FromBytes(inline.Bytes, inline.MediaType), ResponseImageDetailLevel.High),
                _ => throw new ArgumentOutOfRangeException(nameof(images)),
            }));
            return await SendOpenAiAsync(async () => await server.ResponsesClient().CreateResponseAsync(new CreateResponseOptions(model, [ResponseItem.CreateUserMessageItem(parts)]) { BackgroundModeEnabled = true }));
        }
    }

    private sealed class MessagesSurface : SdkSurface
    {
        public override string Name => "messages";

        public override string ImagePath(int index, TestImage image) =>
            $"messages[0].content[{index}].source.{(image is TestImage.ByUrl ? "url" : "data")}";

        public override string ExpectedExceptionMessage(string message, string code, string? param) =>
            "Status Code: BadRequest\n" + JsonSerializer.Serialize(new { type = "error", error = new { type = "invalid_request_error", message } }, RelaxedJson);

        private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public override async Task<SdkAnswer> SendAsync(ValarServerFixture server, string model, IReadOnlyList<TestImage> images)
        {
            List<ContentBlockParam> blocks = [.. images.Select(image => (ContentBlockParam)(image switch
            {
                TestImage.ByUrl url => new ImageBlockParam(new UrlImageSource(url.Url.ToString())),
                TestImage.Inline inline => new ImageBlockParam(new Base64ImageSource { Data = Convert.ToBase64String(inline.Bytes), MediaType = inline.MediaType }),
                _ => throw new ArgumentOutOfRangeException(nameof(images)),
            }))];
            blocks.Add(new TextBlockParam("Describe this photo."));
            try
            {
                using var response = await server.AnthropicClient().WithRawResponse.Messages.Create(new MessageCreateParams
                {
                    Model = model,
                    MaxTokens = 1024,
                    Messages = [new UserMessageParam(blocks)],
                });
                return new SdkAnswer(200, Parse(await response.ReadAsString()), null, null);
            }
            catch (AnthropicApiException exception)
            {
                var body = Parse(exception.ResponseBody);
                return new SdkAnswer((int)exception.StatusCode, null, exception.Message, body.GetProperty("error").GetProperty("message").GetString());
            }
        }
    }
}
