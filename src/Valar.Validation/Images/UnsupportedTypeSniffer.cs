using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Valar.Validation.Images;

/// <summary>
/// Names bytes that are not a supported image, so a refusal can say what was sent. Patterns follow the WHATWG
/// MIME Sniffing Standard (image, archive, text and HTML patterns) plus ISO-BMFF <c>ftyp</c> brands for AVIF and HEIF.
/// </summary>
internal static class UnsupportedTypeSniffer
{
    /// <summary>The WHATWG resource header length: the most bytes sniffing looks at.</summary>
    private const int ResourceHeaderLength = 1445;

    private const int FtypOffset = 4;
    private const int MajorBrandOffset = 8;
    private const int CompatibleBrandsOffset = 16;
    private const int BrandLength = 4;
    private const int IconDirectorySize = 6; // reserved (2), type (2), count (2)
    private const int IconEntrySize = 16;
    private const int TgaHeaderSize = 18;

    private static ReadOnlySpan<byte> Bmp => "BM"u8;

    private static ReadOnlySpan<byte> TiffLittleEndian => "II*\0"u8;

    private static ReadOnlySpan<byte> TiffBigEndian => "MM\0*"u8;

    private static ReadOnlySpan<byte> Icon =>
    [
        0x00, // reserved
        0x00,
        0x01, // type 1: icon
        0x00,
    ];

    private static ReadOnlySpan<byte> Cursor =>
    [
        0x00, // reserved
        0x00,
        0x02, // type 2: cursor (also served as image/x-icon)
        0x00,
    ];

    private static ReadOnlySpan<byte> Pdf => "%PDF-"u8;

    private static ReadOnlySpan<byte> Ftyp => "ftyp"u8;

    private static ReadOnlySpan<byte> Riff => "RIFF"u8;

    private static ReadOnlySpan<byte> Wave => "WAVE"u8;

    private static ReadOnlySpan<byte> Avi => "AVI "u8;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> Utf16BigEndianBom => [0xFE, 0xFF];

    private static ReadOnlySpan<byte> Utf16LittleEndianBom => [0xFF, 0xFE];

    private static ReadOnlySpan<byte> SvgTag => "<svg"u8;

    private static ReadOnlySpan<byte> XmlDeclaration => "<?xml"u8;

    private static ReadOnlySpan<byte> HtmlComment => "<!--"u8;

    /// <summary>Whitespace bytes as WHATWG defines them: tab, LF, FF, CR, space.</summary>
    private static readonly SearchValues<byte> Whitespace = SearchValues.Create([0x09, 0x0A, 0x0C, 0x0D, 0x20]);

    /// <summary>WHATWG "binary data bytes": controls other than tab, LF, FF, CR and ESC.</summary>
    private static readonly SearchValues<byte> BinaryDataBytes = SearchValues.Create(
        [0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x0B, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13,
         0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1C, 0x1D, 0x1E, 0x1F]);

    /// <summary>WHATWG HTML patterns; each must be followed by a space or '&gt;'.</summary>
    private static readonly string[] HtmlTags =
    [
        "<!DOCTYPE HTML", "<HTML", "<HEAD", "<SCRIPT", "<IFRAME", "<H1", "<DIV", "<FONT", "<TABLE", "<A",
        "<STYLE", "<TITLE", "<B", "<BODY", "<BR", "<P",
    ];

    private static readonly string[] AvifBrands = ["avif", "avis"];

    private static readonly string[] HeicBrands = ["heic", "heix", "heim", "heis", "hevc", "hevx"];

    private static readonly string[] HeifBrands = ["mif1", "msf1"];

    private static readonly string[] Mp4Brands = ["isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "dash"];

    /// <summary>Brands that name one kind of content, in priority order; <see cref="HeifBrands"/> are only the container.</summary>
    private static readonly (string[] Brands, string MediaType)[] SpecificBrandFamilies =
    [
        (AvifBrands, "image/avif"),
        (HeicBrands, "image/heic"),
        (Mp4Brands, "video/mp4"),
    ];

    public static string Sniff(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return ImageMediaTypes.OctetStream;
        }

        var header = data[..Math.Min(data.Length, ResourceHeaderLength)];
        if (header.StartsWith(Bmp))
        {
            return "image/bmp";
        }

        if (header.StartsWith(TiffLittleEndian) || header.StartsWith(TiffBigEndian))
        {
            return "image/tiff";
        }

        if ((header.StartsWith(Icon) || header.StartsWith(Cursor)) && IsIconDirectory(header))
        {
            return "image/x-icon";
        }

        if (IsTgaHeader(header))
        {
            return "image/x-tga";
        }

        if (header.StartsWith(Pdf))
        {
            return "application/pdf";
        }

        if (header.Length >= MajorBrandOffset + BrandLength && header.Slice(FtypOffset, 4).SequenceEqual(Ftyp))
        {
            return SniffIsoBaseMediaFile(header);
        }

        if (header.Length >= 12 && header.StartsWith(Riff))
        {
            var formType = header.Slice(8, 4);
            if (formType.SequenceEqual(Wave))
            {
                return "audio/wav";
            }

            if (formType.SequenceEqual(Avi))
            {
                return "video/avi";
            }
        }

        return SniffText(header);
    }

    /// <summary>
    /// An ICO/CUR directory names at least one image, and its first entry's reserved byte is zero. An uncompressed TGA
    /// starts with the same four bytes as a cursor (<c>00 00 02 00</c>) but has no image count there.
    /// </summary>
    private static bool IsIconDirectory(ReadOnlySpan<byte> header) =>
        header.Length >= IconDirectorySize + IconEntrySize
        && BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) > 0
        && header[IconDirectorySize + 3] == 0;

    /// <summary>
    /// TGA has no signature: its 18-byte header is recognized by a colour map type of 0 or 1, a known image type,
    /// a non-zero size and a usual pixel depth.
    /// </summary>
    private static bool IsTgaHeader(ReadOnlySpan<byte> header) =>
        header.Length >= TgaHeaderSize
        && header[1] <= 1
        && header[2] is 1 or 2 or 3 or 9 or 10 or 11
        && BinaryPrimitives.ReadUInt16LittleEndian(header[12..]) > 0
        && BinaryPrimitives.ReadUInt16LittleEndian(header[14..]) > 0
        && header[16] is 8 or 15 or 16 or 24 or 32;

    private static string SniffIsoBaseMediaFile(ReadOnlySpan<byte> header)
    {
        var boxSize = BinaryPrimitives.ReadUInt32BigEndian(header);
        var boxEnd = (int)Math.Clamp(boxSize, (uint)(MajorBrandOffset + BrandLength), (uint)header.Length);
        var major = header.Slice(MajorBrandOffset, BrandLength);
        var compatible = boxEnd > CompatibleBrandsOffset ? header[CompatibleBrandsOffset..boxEnd] : [];

        // A specific major brand decides; a generic one (mif1, msf1) defers to the compatible brands.
        foreach (var (brands, mediaType) in SpecificBrandFamilies)
        {
            if (IsAnyBrand(major, brands))
            {
                return mediaType;
            }
        }

        foreach (var (brands, mediaType) in SpecificBrandFamilies)
        {
            if (ContainsAnyBrand(compatible, brands))
            {
                return mediaType;
            }
        }

        if (IsAnyBrand(major, HeifBrands) || ContainsAnyBrand(compatible, HeifBrands))
        {
            return "image/heif";
        }

        return ImageMediaTypes.OctetStream;
    }

    private static bool ContainsAnyBrand(ReadOnlySpan<byte> brandList, string[] brands)
    {
        for (var offset = 0; offset + BrandLength <= brandList.Length; offset += BrandLength)
        {
            if (IsAnyBrand(brandList.Slice(offset, BrandLength), brands))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAnyBrand(ReadOnlySpan<byte> brand, string[] brands)
    {
        foreach (var candidate in brands)
        {
            if (Ascii.Equals(brand, candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static string SniffText(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith(Utf16BigEndianBom) || header.StartsWith(Utf16LittleEndianBom))
        {
            return "text/plain";
        }

        var text = header.StartsWith(Utf8Bom) ? header[Utf8Bom.Length..] : header;
        var start = text.IndexOfAnyExcept(Whitespace);
        var markup = start < 0 ? [] : text[start..];
        if (StartsWithIgnoreCase(markup, SvgTag))
        {
            return "image/svg+xml";
        }

        foreach (var tag in HtmlTags)
        {
            if (StartsWithTag(markup, tag))
            {
                return "text/html";
            }
        }

        // An SVG file may open with an XML declaration, a DOCTYPE or a comment before its root element.
        if (!markup.IsEmpty && markup[0] == (byte)'<' && ContainsIgnoreCase(markup, SvgTag))
        {
            return "image/svg+xml";
        }

        if (markup.StartsWith(HtmlComment))
        {
            return "text/html";
        }

        if (markup.StartsWith(XmlDeclaration))
        {
            return "text/xml";
        }

        return header.ContainsAny(BinaryDataBytes) ? ImageMediaTypes.OctetStream : "text/plain";
    }

    private static bool StartsWithTag(ReadOnlySpan<byte> markup, string tag) =>
        markup.Length > tag.Length
        && Ascii.EqualsIgnoreCase(markup[..tag.Length], tag)
        && markup[tag.Length] is (byte)' ' or (byte)'>';

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> data, ReadOnlySpan<byte> prefix) =>
        data.Length >= prefix.Length && Ascii.EqualsIgnoreCase(data[..prefix.Length], prefix);

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> data, ReadOnlySpan<byte> value)
    {
        for (var i = data.IndexOf((byte)'<'); i >= 0;)
        {
            if (StartsWithIgnoreCase(data[i..], value))
            {
                return true;
            }

            var next = data[(i + 1)..].IndexOf((byte)'<');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }
}
