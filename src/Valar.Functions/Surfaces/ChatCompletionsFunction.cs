using Microsoft.Azure.Functions.Worker;
using Valar.Functions.Http;
using Valar.Validation.Requests;

namespace Valar.Functions.Surfaces;

/// <summary><c>POST /v1/chat/completions</c>: an OpenAI Chat Completions request, validated and answered with a report or an OpenAI error.</summary>
public sealed class ChatCompletionsFunction(SurfaceValidator validator)
{
    [Function("ChatCompletions")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/chat/completions")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var cancellation = RequestCancellation.Link(request, cancellationToken);
        await validator.ValidateAsync(request, ApiSurface.ChatCompletions, cancellation.Token).ConfigureAwait(false);
        return Results.Empty;
    }
}
