namespace Valar.Validation.Requests;

/// <summary>The API shapes clients already send.</summary>
public enum ApiSurface
{
    /// <summary>OpenAI Chat Completions: <c>messages[].content[]</c> parts of type <c>image_url</c>.</summary>
    ChatCompletions,

    /// <summary>OpenAI Responses: <c>input[]</c> items with <c>input_image</c> parts.</summary>
    Responses,

    /// <summary>Anthropic Messages: <c>image</c> blocks with a <c>url</c> or <c>base64</c> source.</summary>
    Messages,
}
