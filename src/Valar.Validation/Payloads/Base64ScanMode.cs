namespace Valar.Validation.Payloads;

/// <summary>When the parser scans base64 payloads.</summary>
internal enum Base64ScanMode
{
    /// <summary>Not during parsing; the validator scans later.</summary>
    None,

    /// <summary>Right after the JSON reader has passed over each payload, on the parsing thread.</summary>
    Inline,

    /// <summary>Payloads of <see cref="PendingBase64Scan.ParallelThreshold"/> and more on the thread pool, beside the parse; the rest inline.</summary>
    Parallel,
}
