//! What a blob is, by its content: binary or text.

/// Whether a blob is binary: it has a NUL byte (git's test), at least a tenth of its bytes are
/// control bytes or not UTF-8, and it does not read as lines of text: fewer than half of its
/// bytes lie in lines (up to a line feed) of which under a third is such odd bytes. Every binary
/// format measured (ELF, PNG, JPEG, gzip, PDF, TrueType, `.pyc`, `.so`, static libraries) is above
/// a fifth odd bytes with at most 0.4 of its bytes in such lines. Code made to look binary stays
/// text: a stray NUL, control bytes sprinkled into its comments, or a block of them on one line
/// leave most of its lines readable. Only padding every line with a third of odd bytes makes it
/// binary, and then it counts against the binary budget.
pub fn is_binary(data: &[u8]) -> bool {
    if !data.contains(&0) {
        return false;
    }
    let mut odd = 0usize;
    let mut readable = 0usize;
    let (mut line_len, mut line_odd) = (0usize, 0usize);
    let mut end_line = |len: &mut usize, odd_in_line: &mut usize| {
        if *odd_in_line * 3 < *len {
            readable += *len;
        }
        (*len, *odd_in_line) = (0, 0);
    };
    for chunk in data.utf8_chunks() {
        for byte in chunk.valid().bytes() {
            line_len += 1;
            if byte == b'\n' {
                // The line feed belongs to its line, so that an empty line reads as text.
                end_line(&mut line_len, &mut line_odd);
            } else if is_control(byte) {
                line_odd += 1;
                odd += 1;
            }
        }
        let invalid = chunk.invalid().len();
        line_len += invalid;
        line_odd += invalid;
        odd += invalid;
    }
    end_line(&mut line_len, &mut line_odd);
    odd.saturating_mul(10) >= data.len() && readable.saturating_mul(2) < data.len()
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

    fn padded_code(pad: impl Fn(usize) -> Vec<u8>) -> Vec<u8> {
        let mut code = Vec::new();
        for i in 0..3000 {
            code.extend(format!("var f{i} = function (x) {{ return x * {i}; }}; // ").bytes());
            code.extend(pad(i));
            code.push(b'\n');
        }
        code[10] = 0;
        code
    }

    #[test]
    fn control_bytes_in_comments_do_not_make_code_binary() {
        // A fifth of the bytes odd, spread over every line.
        let sprinkled = padded_code(|_| vec![1u8; 12]);
        assert!(!is_binary(&sprinkled));
        // Or all on one line.
        let block = padded_code(|i| {
            if i == 0 {
                vec![2u8; 60_000]
            } else {
                Vec::new()
            }
        });
        assert!(!is_binary(&block));
        // Every line a third odd or more: binary, and counted against the binary budget.
        let padded = padded_code(|_| vec![3u8; 40]);
        assert!(is_binary(&padded));
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
