using Microsoft.Azure.Functions.Worker;
using Valar.Functions.Http;

namespace Valar.Functions.Uploads;

/// <summary><c>GET /v1/uploads/{id}</c>: the upload's verdict, with a fresh read-only SAS URL when it is valid.</summary>
public sealed class GetUploadFunction(UploadRequests uploads)
{
    [Function("GetUpload")]
    public async Task<IResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", Route = "v1/uploads/{id}")] HttpRequest request,
        string id,
        CancellationToken cancellationToken)
    {
        using var cancellation = RequestCancellation.Link(request, cancellationToken);
        await uploads.GetAsync(request.HttpContext.Response, id, cancellation.Token).ConfigureAwait(false);
        return Results.Empty;
    }
}
