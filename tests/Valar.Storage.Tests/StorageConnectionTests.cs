using Valar.Storage.Tests.Fakes;

namespace Valar.Storage.Tests;

public sealed class StorageConnectionTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Fact]
    public void Parse_UseDevelopmentStorage_IsAzuriteDefaults()
    {
        var connection = StorageConnection.Parse("UseDevelopmentStorage=true");

        Assert.Equal(new Uri("http://127.0.0.1:10000/devstoreaccount1"), connection.BlobEndpoint);
        Assert.Equal("devstoreaccount1", connection.AccountName);
        Assert.Equal("devstoreaccount1", connection.SharedKey!.AccountName);
        Assert.Null(connection.TokenCredential);
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=core.windows.net", "https://acct.blob.core.windows.net/")]
    [InlineData("AccountName=acct;AccountKey=" + Key, "https://acct.blob.core.windows.net/")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=acct;AccountKey=" + Key + ";EndpointSuffix=core.chinacloudapi.cn;", "http://acct.blob.core.chinacloudapi.cn/")]
    [InlineData("DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + Key + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1/;", "http://127.0.0.1:10000/devstoreaccount1")]
    [InlineData(" accountname = acct ; accountkey = " + Key + " ; blobendpoint = https://custom.example/ ", "https://custom.example/")]
    public void Parse_AccountKeyConnectionStrings_FindBlobEndpoint(string connectionString, string endpoint)
    {
        var connection = StorageConnection.Parse(connectionString);

        Assert.Equal(new Uri(endpoint), connection.BlobEndpoint);
        Assert.NotNull(connection.SharedKey);
    }

    [Theory]
    [InlineData("AccountKey=" + Key, "The storage connection string has no AccountName.")]
    [InlineData("AccountName=acct", "The storage connection string has no AccountKey.")]
    [InlineData("AccountName=acct;AccountKey=not*base64!", "The storage connection string's AccountKey is not valid base64.")]
    [InlineData("AccountName=acct;AccountKey=" + Key + ";BlobEndpoint=ftp://x", "The storage connection string's BlobEndpoint is not an absolute http(s) URL.")]
    [InlineData("DefaultEndpointsProtocol=ftp;AccountName=acct;AccountKey=" + Key, "The storage connection string's DefaultEndpointsProtocol must be http or https.")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net;SharedAccessSignature=sv=x&sig=y", "SharedAccessSignature connection strings are not supported; use an account key or a token credential.")]
    [InlineData("garbage", "The storage connection string has a setting without a name or '='.")]
    public void Parse_BadConnectionString_ThrowsFormatExceptionNamingTheSetting(string connectionString, string message)
    {
        var exception = Assert.Throws<FormatException>(() => StorageConnection.Parse(connectionString));

        Assert.Equal(message, exception.Message);
    }

    [Theory]
    [InlineData("https://myacct.blob.core.windows.net", "myacct")]
    [InlineData("https://myacct.blob.core.windows.net/", "myacct")]
    [InlineData("https://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1")]
    [InlineData("https://localhost:10000/devstoreaccount1/", "devstoreaccount1")]
    public void FromTokenCredential_DerivesAccountNameFromEndpoint(string endpoint, string account)
    {
        var connection = StorageConnection.FromTokenCredential(new Uri(endpoint), new FakeJwtCredential());

        Assert.Equal(account, connection.AccountName);
        Assert.Null(connection.SharedKey);
        Assert.False(connection.BlobEndpoint.AbsoluteUri.EndsWith("//", StringComparison.Ordinal));
    }

    [Fact]
    public void FromTokenCredential_HttpEndpoint_IsRefused()
    {
        var exception = Assert.Throws<ArgumentException>(
            () => StorageConnection.FromTokenCredential(new Uri("http://127.0.0.1:10000/devstoreaccount1"), new FakeJwtCredential()));

        Assert.StartsWith("A token credential requires an https blob endpoint.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_SharedKeyConnection_DoesNotRevealKey()
    {
        var connection = StorageConnection.Parse("AccountName=acct;AccountKey=" + Key);

        Assert.DoesNotContain(Key, connection.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, connection.SharedKey!.ToString(), StringComparison.Ordinal);
    }
}
