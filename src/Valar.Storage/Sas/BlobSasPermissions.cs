namespace Valar.Storage;

/// <summary>Blob-scoped SAS permissions (<c>sp</c>), written in the service's canonical order <c>racwd</c>.</summary>
[Flags]
public enum BlobSasPermissions
{
    None = 0,

    /// <summary><c>r</c>: read the content, properties and metadata.</summary>
    Read = 1,

    /// <summary><c>a</c>: add blocks to an append blob.</summary>
    Add = 2,

    /// <summary><c>c</c>: create a new blob (not overwrite one).</summary>
    Create = 4,

    /// <summary><c>w</c>: write content and metadata.</summary>
    Write = 8,

    /// <summary><c>d</c>: delete.</summary>
    Delete = 16,

    /// <summary>What an upload URL grants: <c>cw</c>.</summary>
    Upload = Create | Write,
}
