using Microsoft.Azure.Functions.Worker;
using Valar.Functions.Http;

namespace Valar.Functions.Uploads;

/// <summary><c>POST /v1/uploads</c>: an upload id and a short-lived SAS URL that can only write that one blob.</summary>
public sealed class CreateUploadFunction(UploadRequests uploads)
{
    [Function("CreateUpload")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "v1/uploads")] HttpRequest request,
        CancellationToken cancellationToken)
    {
        using var cancellation = RequestCancellation.Link(request, cancellationToken);
        await uploads.CreateAsync(request.HttpContext.Response, cancellation.Token).ConfigureAwait(false);
        return Results.Empty;
    }
}
