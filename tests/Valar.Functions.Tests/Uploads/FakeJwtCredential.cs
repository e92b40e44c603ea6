using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Azure.Core;

namespace Valar.Functions.Tests.Uploads;

/// <summary>
/// Issues unsigned JWTs shaped like Entra ID storage tokens, standing in for a managed identity. Azurite's
/// <c>--oauth basic</c> decodes but does not verify them: it checks nbf/exp/iat, an issuer starting with
/// https://sts.windows.net/ and the storage audience.
/// </summary>
internal sealed class FakeJwtCredential : TokenCredential
{
    public const string ObjectId = "11111111-2222-3333-4444-555555555555";
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => Issue();

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Issue());

    private static AccessToken Issue()
    {
        var now = DateTimeOffset.UtcNow;
        var expires = now.AddHours(1);
        var header = Encode(new { alg = "HS256", typ = "JWT" });
        var payload = Encode(new
        {
            aud = "https://storage.azure.com",
            iss = $"https://sts.windows.net/{TenantId}/",
            iat = now.AddMinutes(-5).ToUnixTimeSeconds(),
            nbf = now.AddMinutes(-5).ToUnixTimeSeconds(),
            exp = expires.ToUnixTimeSeconds(),
            oid = ObjectId,
            tid = TenantId,
        });
        return new AccessToken($"{header}.{payload}.c2lnbmF0dXJl", expires);
    }

    private static string Encode(object value) =>
        Encoding.ASCII.GetString(Base64Url.EncodeToUtf8(JsonSerializer.SerializeToUtf8Bytes(value)));
}
