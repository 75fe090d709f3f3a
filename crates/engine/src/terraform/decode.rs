//! Turning the bytes of a `terraform show -json` file into text: UTF-8 (with or without
//! a byte order mark) and UTF-16 with a byte order mark, which is what Windows
//! PowerShell's `>` writes. Anything else is refused with one line that says the fix.

/// What to do when a file cannot be read as text: said once, used by every refusal.
const FIX: &str = "re-save it as UTF-8, or write it with `terraform show -json plan > file` \
     from a shell that writes UTF-8 (in PowerShell: `terraform show -json plan | Out-File -Encoding utf8 file`)";

/// Decode a plan or state file. UTF-8 may start with a BOM (`EF BB BF`); UTF-16 needs
/// its BOM (`FF FE` little-endian, `FE FF` big-endian), since without one its byte
/// order is a guess.
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes, "UTF-16 LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes, "UTF-16 BE");
    }
    // UTF-16 without a BOM shows as ASCII interleaved with NULs; name it rather than
    // reporting an invalid byte.
    if bytes.len() >= 2 && (bytes[0] == 0 || bytes[1] == 0) {
        return Err(format!("the file looks like UTF-16 without a byte order mark; {FIX}"));
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    std::str::from_utf8(bytes)
        .map(str::to_string)
        .map_err(|e| format!("the file is not UTF-8 text (invalid byte at offset {}); {FIX}", e.valid_up_to()))
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!("the file is {name} with an odd number of bytes (cut short?); {FIX}"));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units).collect::<Result<String, _>>().map_err(|e| {
        format!("the file is not valid {name} (unpaired surrogate {:#06x}); {FIX}", e.unpaired_surrogate())
    })
}
