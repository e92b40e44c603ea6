using System.Text.Json;
using System.Text.Json.Serialization;

namespace Valar.Testing.Images;

/// <summary>
/// The committed corpus (tests/Valar.Testing/Images/Corpus, made by scripts/corpus/generate.sh from Debian's encoders)
/// and its manifest: per file the encoder's facts, Pillow's and libvips' verdicts at generation time, and the verdict
/// expected at each integrity level.
/// </summary>
public static class ImageCorpus
{
    private static readonly Lazy<string> Directory = new(FindDirectory);

    private static readonly Lazy<IReadOnlyList<CorpusEntry>> Manifest = new(() =>
        JsonSerializer.Deserialize<List<CorpusEntry>>(File.ReadAllBytes(Path.Combine(Directory.Value, "manifest.json")))
        ?? throw new InvalidDataException("The corpus manifest is empty."));

    public static IReadOnlyList<CorpusEntry> Entries => Manifest.Value;

    public static CorpusEntry Entry(string file) => Entries.Single(entry => entry.File == file);

    public static byte[] Load(string file) => File.ReadAllBytes(Path.Combine(Directory.Value, file));

    /// <summary>Every file name, as xUnit theory data.</summary>
    public static TheoryDataFiles Files() => new(Entries.Select(entry => entry.File));

    private static string FindDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, "tests/Valar.Testing/Images/Corpus");
            if (File.Exists(Path.Combine(path, "manifest.json")))
            {
                return path;
            }
        }

        throw new DirectoryNotFoundException($"tests/Valar.Testing/Images/Corpus not found above '{AppContext.BaseDirectory}'.");
    }
}

/// <summary>File names as theory data, so each file is its own test case.</summary>
public sealed class TheoryDataFiles : Xunit.TheoryData<string>
{
    public TheoryDataFiles(IEnumerable<string> files)
    {
        foreach (var file in files)
        {
            Add(file);
        }
    }
}

/// <summary>One corpus file as the manifest describes it.</summary>
public sealed record CorpusEntry
{
    [JsonPropertyName("file")]
    public required string File { get; init; }

    [JsonPropertyName("bytes")]
    public long Bytes { get; init; }

    /// <summary>jpeg, png, gif, webp, or unsupported.</summary>
    [JsonPropertyName("format")]
    public required string Format { get; init; }

    [JsonPropertyName("note")]
    public string? Note { get; init; }

    [JsonPropertyName("width")]
    public int Width { get; init; }

    [JsonPropertyName("height")]
    public int Height { get; init; }

    [JsonPropertyName("frames")]
    public int Frames { get; init; }

    [JsonPropertyName("animated")]
    public bool Animated { get; init; }

    [JsonPropertyName("both_decode")]
    public bool BothDecode { get; init; }

    [JsonPropertyName("both_refuse")]
    public bool BothRefuse { get; init; }

    [JsonPropertyName("expected")]
    public required CorpusExpectation Expected { get; init; }

    public string MediaType => Format switch
    {
        "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => "application/octet-stream",
    };
}

/// <summary>valid, invalid or unsupported, per integrity level.</summary>
public sealed record CorpusExpectation
{
    [JsonPropertyName("structure")]
    public required string Structure { get; init; }

    [JsonPropertyName("decode")]
    public required string Decode { get; init; }
}
