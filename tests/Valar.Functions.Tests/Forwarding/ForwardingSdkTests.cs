using System.Text;
using Anthropic.Models.Messages;
using OpenAI.Chat;
using OpenAI.Responses;
using Valar.Testing.Servers;

namespace Valar.Functions.Tests.Forwarding;

/// <summary>
/// The official OpenAI (2.15.0) and Anthropic SDKs, streaming and not, send a URL image through the endpoint (local
/// host + real worker) to the fake model server and read its answer as they would a real API's.
/// </summary>
[Collection(ForwardingCollection.Name)]
public sealed class ForwardingSdkTests
{
    private static readonly string CatB64 = Convert.ToBase64String(ForwardingFixture.CatPng);

    private readonly ForwardingFixture _server;

    public ForwardingSdkTests(ForwardingFixture server)
    {
        _server = server;
        server.Upstream.Reset();
    }

    public static TheoryData<bool> Streaming => [false, true];

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task ChatSdk_UrlImage_GetsUpstreamAnswerAndUpstreamGetsDataUri(bool stream)
    {
        var url = _server.ImageUrl("/cat.png");
        List<ChatMessage> messages = [new UserChatMessage(ChatMessageContentPart.CreateTextPart("Describe this photo."), ChatMessageContentPart.CreateImagePart(url, ChatImageDetailLevel.Low))];
        var client = _server.ChatClient();

        string text;
        if (stream)
        {
            var builder = new StringBuilder();
            await foreach (var update in client.CompleteChatStreamingAsync(messages))
            {
                foreach (var part in update.ContentUpdate)
                {
                    builder.Append(part.Text);
                }
            }

            text = builder.ToString();
        }
        else
        {
            ChatCompletion completion = await client.CompleteChatAsync(messages);
            text = completion.Content[0].Text;
        }

        Assert.Equal(FakeModelServer.AnswerText, text);
        AssertInlined(url, $"\"url\":\"data:image/png;base64,{CatB64}\",\"detail\":\"low\"");
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task ResponsesSdk_UrlImage_GetsUpstreamAnswerAndUpstreamGetsDataUri(bool stream)
    {
        var url = _server.ImageUrl("/cat.png");
        var options = new CreateResponseOptions(ForwardingFixture.Model, [ResponseItem.CreateUserMessageItem([
            ResponseContentPart.CreateInputTextPart("Describe this photo."),
            ResponseContentPart.CreateInputImagePart(url, ResponseImageDetailLevel.High)])])
        {
            StreamingEnabled = stream,
        };
        var client = _server.ResponsesClient();

        string text;
        if (stream)
        {
            var builder = new StringBuilder();
            await foreach (var update in await client.CreateResponseStreamingAsync(options))
            {
                if (update is StreamingResponseOutputTextDeltaUpdate delta)
                {
                    builder.Append(delta.Delta);
                }
            }

            text = builder.ToString();
        }
        else
        {
            ResponseResult response = await client.CreateResponseAsync(options);
            text = response.GetOutputText();
        }

        Assert.Equal(FakeModelServer.AnswerText, text);
        AssertInlined(url, $"\"image_url\":\"data:image/png;base64,{CatB64}\"");
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task AnthropicSdk_UrlImage_GetsUpstreamAnswerAndUpstreamGetsBase64Source(bool stream)
    {
        var url = _server.ImageUrl("/cat.png");
        var parameters = new MessageCreateParams
        {
            Model = ForwardingFixture.Model,
            MaxTokens = 64,
            Messages = [new UserMessageParam(new List<ContentBlockParam> { new ImageBlockParam(new UrlImageSource(url.ToString())), new TextBlockParam("Describe this photo.") })],
        };
        var client = _server.AnthropicClient();

        string text;
        if (stream)
        {
            var builder = new StringBuilder();
            await foreach (var streamEvent in client.Messages.CreateStreaming(parameters))
            {
                if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var textDelta))
                {
                    builder.Append(textDelta.Text);
                }
            }

            text = builder.ToString();
        }
        else
        {
            var message = await client.Messages.Create(parameters);
            Assert.True(message.Content[0].TryPickText(out var block));
            text = block.Text;
        }

        Assert.Equal(FakeModelServer.AnswerText, text);
        AssertInlined(url, $"{{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"{CatB64}\"}}");
    }

    private void AssertInlined(Uri url, string expectedFragment)
    {
        var received = FakeModelServer.Text(Assert.Single(_server.Upstream.Requests));
        Assert.Contains(expectedFragment, received, StringComparison.Ordinal);
        Assert.DoesNotContain(url.ToString(), received, StringComparison.Ordinal);
    }
}
