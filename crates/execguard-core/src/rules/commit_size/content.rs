//! What a blob is, by its content: binary or text.

/// Whether a blob is binary: it has a NUL byte (git's test) and at least a tenth of its bytes are
/// control bytes or not UTF-8. Every binary format measured (ELF, PNG, JPEG, gzip, PDF, TrueType,
/// `.pyc`, `.class`, gettext `.mo`) is above a fifth; a text file with a stray NUL is far below,
/// so it keeps counting its lines.
pub fn is_binary(data: &[u8]) -> bool {
    if !data.contains(&0) {
        return false;
    }
    let mut odd = 0usize;
    for chunk in data.utf8_chunks() {
        odd += chunk.invalid().len();
        odd += chunk.valid().bytes().filter(|&b| is_control(b)).count();
    }
    odd.saturating_mul(10) >= data.len()
}

/// A control byte that text does not use (tab, line feed, carriage return, vertical tab, form
/// feed, backspace and escape do occur in text).
fn is_control(byte: u8) -> bool {
    (byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r' | 0x0b | 0x0c | 0x08 | 0x1b))
        || byte == 0x7f
}

#[cfg(test)]
mod tests {
    use super::is_binary;

    #[test]
    fn a_stray_nul_does_not_make_text_binary() {
        let mut code: Vec<u8> = (0..3000)
            .flat_map(|i| format!("pub const C{i}: u32 = {i};\n").into_bytes())
            .collect();
        assert!(!is_binary(&code));
        code[100] = 0;
        assert!(!is_binary(&code));
    }

    #[test]
    fn binary_content_is_binary() {
        let mut state = 7u32;
        let noise: Vec<u8> = (0..10_000)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (state >> 16) as u8
            })
            .collect();
        assert!(is_binary(&noise));
        let utf16: Vec<u8> = "hello world\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(is_binary(&utf16));
        assert!(!is_binary(b""));
        assert!(is_binary(b"\0"));
        assert!(!is_binary("caf\u{e9} na\u{ef}ve\n".as_bytes()));
    }
}
