using System.Globalization;

namespace Valar.LoadTest;

/// <summary>Command-line options: <c>--clients 64 --seconds 30 --url http://127.0.0.1:7071 --large-mib 8 --budget-mib 256 --body-limit-mib 64</c>.</summary>
internal sealed record LoadOptions
{
    public int Clients { get; init; } = 64;

    public int Seconds { get; init; } = 30;

    /// <summary>An app to target; when null the app is started in-process on 127.0.0.1.</summary>
    public Uri? Url { get; init; }

    /// <summary>Decoded size of the large base64 image some requests carry.</summary>
    public int LargeMebibytes { get; init; } = 8;

    /// <summary>In-process app: <c>Valar:MaxBufferedBodyBytes</c>.</summary>
    public int BudgetMebibytes { get; init; } = 256;

    /// <summary>In-process app: <c>Valar:MaxRequestBodyBytes</c>.</summary>
    public int BodyLimitMebibytes { get; init; } = 64;

    public static LoadOptions Parse(string[] args)
    {
        var options = new LoadOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            options = args[i] switch
            {
                "--clients" => options with { Clients = Int(value) },
                "--seconds" => options with { Seconds = Int(value) },
                "--url" => options with { Url = new Uri(value) },
                "--large-mib" => options with { LargeMebibytes = Int(value) },
                "--budget-mib" => options with { BudgetMebibytes = Int(value) },
                "--body-limit-mib" => options with { BodyLimitMebibytes = Int(value) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return options;
    }

    private static int Int(string value) => int.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture);
}
