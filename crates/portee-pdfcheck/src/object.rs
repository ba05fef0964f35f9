//! The PDF object syntax (ISO 32000-1 §7.2–7.3), parsed tolerantly and
//! within bounds: a bounded nesting depth, names decoded from their `#xx`
//! escapes (so `/J#61vaScript` is `/JavaScript`), strings kept as bytes.
//! Stream data is not read here: a stream is its dictionary and the byte
//! range of its data in the buffer the object came from.

use std::ops::Range;

/// A parsed PDF object. Names and dictionary keys hold their decoded bytes
/// without the leading slash.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Null,
    Bool(bool),
    Int(i64),
    Real(f64),
    String(Vec<u8>),
    Name(Vec<u8>),
    Array(Vec<Object>),
    Dict(Dict),
    Ref(u32, u16),
}

/// A dictionary, in file order (a repeated key: the last one counts).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dict(pub Vec<(Vec<u8>, Object)>);

impl Dict {
    pub fn get(&self, key: &[u8]) -> Option<&Object> {
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn name(&self, key: &[u8]) -> Option<&[u8]> {
        match self.get(key) {
            Some(Object::Name(n)) => Some(n),
            _ => None,
        }
    }

    pub fn has(&self, key: &[u8]) -> bool {
        self.get(key).is_some()
    }
}

/// Why an object could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SyntaxError {
    /// Not an object here (garbage, truncation).
    Invalid,
    /// Nested deeper than the limit.
    TooDeep,
}

/// A cursor over a byte buffer that reads PDF tokens and objects.
pub struct Parser<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
    max_depth: usize,
}

pub fn is_whitespace(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0C | b'\r' | b' ')
}

pub fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(b: u8) -> bool {
    !is_whitespace(b) && !is_delimiter(b)
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Parser<'a> {
    pub fn new(buf: &'a [u8], pos: usize, max_depth: usize) -> Self {
        Parser {
            buf,
            pos,
            max_depth,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Skips whitespace and comments.
    pub fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if is_whitespace(b) {
                self.pos += 1;
            } else if b == b'%' {
                while let Some(c) = self.peek() {
                    if c == b'\r' || c == b'\n' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The regular characters at the cursor (a keyword or a number), not
    /// consumed.
    pub fn peek_word(&self) -> &'a [u8] {
        let start = self.pos.min(self.buf.len());
        let end = self.buf[start..]
            .iter()
            .position(|&b| !is_regular(b))
            .map_or(self.buf.len(), |n| start + n);
        &self.buf[start..end]
    }

    /// Consumes `word` if it is the next token.
    pub fn eat_keyword(&mut self, word: &[u8]) -> bool {
        self.skip_space();
        if self.peek_word() == word {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// An unsigned integer token, consumed only if it is one.
    pub fn unsigned(&mut self) -> Option<u64> {
        self.skip_space();
        let word = self.peek_word();
        if word.is_empty() || word.len() > 12 || !word.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = word.iter().fold(0u64, |n, d| n * 10 + u64::from(d - b'0'));
        self.pos += word.len();
        Some(value)
    }

    /// Parses one object at the cursor.
    pub fn object(&mut self) -> Result<Object, SyntaxError> {
        self.object_at_depth(0)
    }

    fn object_at_depth(&mut self, depth: usize) -> Result<Object, SyntaxError> {
        if depth > self.max_depth {
            return Err(SyntaxError::TooDeep);
        }
        self.skip_space();
        let b = self.peek().ok_or(SyntaxError::Invalid)?;
        match b {
            b'/' => {
                self.pos += 1;
                Ok(Object::Name(self.name_body()))
            }
            b'(' => self.literal_string().map(Object::String),
            b'<' if self.buf.get(self.pos + 1) == Some(&b'<') => {
                self.pos += 2;
                self.dict_body(depth).map(Object::Dict)
            }
            b'<' => self.hex_string().map(Object::String),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return Err(SyntaxError::Invalid),
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Object::Array(items));
                        }
                        Some(_) => items.push(self.object_at_depth(depth + 1)?),
                    }
                }
            }
            _ => self.word_object(),
        }
    }

    /// A dictionary's entries after `<<`, up to and including `>>`.
    fn dict_body(&mut self, depth: usize) -> Result<Dict, SyntaxError> {
        let mut entries = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                None => return Err(SyntaxError::Invalid),
                Some(b'>') => {
                    if self.buf.get(self.pos + 1) == Some(&b'>') {
                        self.pos += 2;
                        return Ok(Dict(entries));
                    }
                    return Err(SyntaxError::Invalid);
                }
                Some(b'/') => {
                    self.pos += 1;
                    let key = self.name_body();
                    self.skip_space();
                    // A key without a value before `>>`: tolerated as null.
                    if self.buf[self.pos.min(self.buf.len())..].starts_with(b">>") {
                        entries.push((key, Object::Null));
                        continue;
                    }
                    let value = self.object_at_depth(depth + 1)?;
                    entries.push((key, value));
                }
                Some(_) => {
                    // A stray token (a value without its key): skip it.
                    self.object_at_depth(depth + 1)?;
                }
            }
        }
    }

    /// A name's characters after the slash, with `#xx` decoded.
    fn name_body(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(b) = self.peek() {
            if !is_regular(b) {
                break;
            }
            if b == b'#' {
                let hi = self.buf.get(self.pos + 1).copied().and_then(hex_value);
                let lo = self.buf.get(self.pos + 2).copied().and_then(hex_value);
                if let (Some(hi), Some(lo)) = (hi, lo) {
                    out.push(hi << 4 | lo);
                    self.pos += 3;
                    continue;
                }
            }
            out.push(b);
            self.pos += 1;
        }
        out
    }

    fn literal_string(&mut self) -> Result<Vec<u8>, SyntaxError> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut level = 1usize;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => {
                    if let Some(c) = self.peek() {
                        self.pos += 1;
                        out.push(match c {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'f' => 12,
                            other => other,
                        });
                    }
                }
                b'(' => {
                    level += 1;
                    out.push(b);
                }
                b')' => {
                    level -= 1;
                    if level == 0 {
                        return Ok(out);
                    }
                    out.push(b);
                }
                _ => out.push(b),
            }
        }
        Err(SyntaxError::Invalid)
    }

    fn hex_string(&mut self) -> Result<Vec<u8>, SyntaxError> {
        self.pos += 1;
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'>' {
                if let Some(h) = high {
                    out.push(h << 4);
                }
                return Ok(out);
            }
            if let Some(v) = hex_value(b) {
                match high.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => high = Some(v),
                }
            } else if !is_whitespace(b) {
                return Err(SyntaxError::Invalid);
            }
        }
        Err(SyntaxError::Invalid)
    }

    /// A number, a reference `n g R`, or a keyword (true, false, null).
    fn word_object(&mut self) -> Result<Object, SyntaxError> {
        let word = self.peek_word();
        if word.is_empty() {
            return Err(SyntaxError::Invalid);
        }
        match word {
            b"true" => {
                self.pos += 4;
                return Ok(Object::Bool(true));
            }
            b"false" => {
                self.pos += 5;
                return Ok(Object::Bool(false));
            }
            b"null" => {
                self.pos += 4;
                return Ok(Object::Null);
            }
            _ => {}
        }
        let number = parse_number(word).ok_or(SyntaxError::Invalid)?;
        self.pos += word.len();
        if let Object::Int(n) = number {
            // `n g R`: look ahead without consuming unless it matches.
            let save = self.pos;
            if (0..=i64::from(u32::MAX)).contains(&n)
                && let Some(generation) = self.unsigned()
                && generation <= u64::from(u16::MAX)
                && self.eat_keyword(b"R")
            {
                return Ok(Object::Ref(n as u32, generation as u16));
            }
            self.pos = save;
        }
        Ok(number)
    }
}

fn parse_number(word: &[u8]) -> Option<Object> {
    let text = std::str::from_utf8(word).ok()?;
    if text.contains('.') {
        // Tolerate producers' oddities like `--1.5` or `1.2.3` as a real.
        let cleaned = text.trim_start_matches(['+', '-']);
        let value: f64 = cleaned
            .split('.')
            .take(2)
            .collect::<Vec<_>>()
            .join(".")
            .parse()
            .ok()?;
        Some(Object::Real(if text.starts_with('-') {
            -value
        } else {
            value
        }))
    } else {
        text.parse::<i64>().ok().map(Object::Int)
    }
}

/// Where a stream's data lies: after the `stream` keyword's end of line.
pub fn stream_data_start(buf: &[u8], after_keyword: usize) -> usize {
    match buf.get(after_keyword..after_keyword + 2) {
        Some(b"\r\n") => after_keyword + 2,
        _ => match buf.get(after_keyword) {
            Some(b'\n') | Some(b'\r') => after_keyword + 1,
            _ => after_keyword,
        },
    }
}

/// The range of a stream's data: its direct `/Length` when that lands on
/// `endstream`, else up to the next `endstream`, else to the end.
pub fn stream_data_range(buf: &[u8], start: usize, length: Option<i64>) -> Range<usize> {
    if let Some(len) = length.and_then(|l| usize::try_from(l).ok())
        && let Some(end) = start.checked_add(len).filter(|&e| e <= buf.len())
        && Parser::new(buf, end, 1).eat_keyword(b"endstream")
    {
        return start..end;
    }
    match find(buf, start, b"endstream") {
        Some(mut end) => {
            // The end of line before `endstream` is not data.
            if end > start && buf[end - 1] == b'\n' {
                end -= 1;
            }
            if end > start && buf[end - 1] == b'\r' {
                end -= 1;
            }
            start..end
        }
        None => start..buf.len(),
    }
}

/// The first position of `needle` in `buf` at or after `from`.
pub fn find(buf: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    if from >= buf.len() || needle.is_empty() {
        return None;
    }
    buf[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Object, SyntaxError> {
        Parser::new(text.as_bytes(), 0, 100).object()
    }

    #[test]
    fn names_are_decoded_from_their_hex_escapes() {
        assert_eq!(
            parse("/J#61vaScript").unwrap(),
            Object::Name(b"JavaScript".to_vec())
        );
        assert_eq!(parse("/#4A#53").unwrap(), Object::Name(b"JS".to_vec()));
        // An incomplete escape stays as written.
        assert_eq!(parse("/A#4").unwrap(), Object::Name(b"A#4".to_vec()));
    }

    #[test]
    fn dictionaries_arrays_references_and_strings() {
        let obj =
            parse("<< /Type /Catalog /Pages 2 0 R /Kids [1 0 R 3 (a\\)b(c)) <41 42 4>] /N -1.5 >>")
                .unwrap();
        let Object::Dict(d) = obj else {
            panic!("not a dict")
        };
        assert_eq!(d.name(b"Type"), Some(&b"Catalog"[..]));
        assert_eq!(d.get(b"Pages"), Some(&Object::Ref(2, 0)));
        let Some(Object::Array(kids)) = d.get(b"Kids") else {
            panic!("no kids")
        };
        assert_eq!(kids[0], Object::Ref(1, 0));
        assert_eq!(kids[1], Object::Int(3));
        assert_eq!(kids[2], Object::String(b"a)b(c)".to_vec()));
        assert_eq!(kids[3], Object::String(vec![0x41, 0x42, 0x40]));
        assert_eq!(d.get(b"N"), Some(&Object::Real(-1.5)));
    }

    #[test]
    fn nesting_beyond_the_limit_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        assert_eq!(parse(&deep), Err(SyntaxError::TooDeep));
        assert_eq!(
            parse("[[1]]"),
            Ok(Object::Array(vec![Object::Array(vec![Object::Int(1)])]))
        );
    }

    #[test]
    fn truncated_objects_are_invalid() {
        for text in ["<< /A 1", "(abc", "<4142", "[1 2", ""] {
            assert_eq!(parse(text), Err(SyntaxError::Invalid), "{text}");
        }
    }

    #[test]
    fn stream_length_that_misses_endstream_falls_back_to_the_keyword() {
        let buf = b"stream\nHELLO\nendstream";
        let start = stream_data_start(buf, 6);
        assert_eq!(stream_data_range(buf, start, Some(5)), 7..12);
        assert_eq!(stream_data_range(buf, start, Some(99)), 7..12);
        assert_eq!(stream_data_range(buf, start, None), 7..12);
    }
}
