namespace Valar.Storage;

/// <summary>Adds the Authorization header to a request that already carries x-ms-date and x-ms-version.</summary>
internal interface IRequestAuthorizer
{
    ValueTask AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken = default);
}
