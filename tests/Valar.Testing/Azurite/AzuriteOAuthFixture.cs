namespace Valar.Testing.Azurite;

/// <summary>
/// Azurite over HTTPS (a self-signed certificate made by the test) with <c>--oauth basic</c>: it accepts
/// unsigned JWT bearer tokens whose issuer starts with <c>https://sts.windows.net/</c> and whose audience is
/// <c>https://storage.azure.com</c>, and then serves Get User Delegation Key. Clients must use
/// <see cref="AzuriteFixture.CreateHttpHandler"/> to trust the certificate.
/// </summary>
public sealed class AzuriteOAuthFixture : AzuriteFixture
{
    public AzuriteOAuthFixture()
        : base(useHttpsWithOAuth: true)
    {
    }
}
