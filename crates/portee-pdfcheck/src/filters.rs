//! Stream decoding within a byte budget and a deadline: FlateDecode (with
//! PNG predictors), LZWDecode, ASCIIHexDecode, ASCII85Decode and
//! RunLengthDecode. Only what the check must read is decoded in full
//! (object streams, cross-reference streams); every other Flate stream is
//! inflated into a counter, so that a decompression bomb is caught without
//! ever being held in memory.

use std::io::Read;
use std::time::Instant;

use crate::object::{Dict, Object};

/// Why a stream could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// A filter this check does not decode (images' DCT, JBIG2…).
    Unsupported,
    /// Corrupt data.
    Corrupt,
    /// The decoded bytes went over the budget.
    Budget,
    /// The deadline passed.
    Deadline,
}

/// The decompression budget shared by every stream of one file.
pub struct Budget {
    pub remaining: u64,
    pub deadline: Instant,
}

impl Budget {
    fn take(&mut self, n: usize) -> Result<(), DecodeError> {
        let n = n as u64;
        if n > self.remaining {
            self.remaining = 0;
            return Err(DecodeError::Budget);
        }
        self.remaining -= n;
        if Instant::now() > self.deadline {
            return Err(DecodeError::Deadline);
        }
        Ok(())
    }
}

/// The filter names of a stream dictionary, in order.
pub fn filters(dict: &Dict) -> Vec<Vec<u8>> {
    match dict.get(b"Filter") {
        Some(Object::Name(n)) => vec![n.clone()],
        Some(Object::Array(items)) => items
            .iter()
            .filter_map(|o| match o {
                Object::Name(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

fn decode_parms(dict: &Dict, index: usize) -> Option<Dict> {
    match dict.get(b"DecodeParms").or_else(|| dict.get(b"DP")) {
        Some(Object::Dict(d)) if index == 0 => Some(d.clone()),
        Some(Object::Array(items)) => match items.get(index) {
            Some(Object::Dict(d)) => Some(d.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Decodes a stream's data in full, through every filter.
pub fn decode(dict: &Dict, data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, DecodeError> {
    let mut current = data.to_vec();
    for (i, filter) in filters(dict).iter().enumerate() {
        current = match filter.as_slice() {
            b"FlateDecode" | b"Fl" => inflate(&current, budget)?,
            b"LZWDecode" | b"LZW" => lzw(&current, budget)?,
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(&current),
            b"ASCII85Decode" | b"A85" => ascii85(&current)?,
            b"RunLengthDecode" | b"RL" => run_length(&current, budget)?,
            _ => return Err(DecodeError::Unsupported),
        };
        if let Some(parms) = decode_parms(dict, i) {
            current = unpredict(&parms, current)?;
        }
    }
    Ok(current)
}

/// Runs a stream's data through its filters only to count what they
/// produce against the budget (the decompression-bomb check of every
/// stream the check does not read): the inner layers are decoded (each
/// counted), the last one is inflated into nothing. Image codecs are not
/// decoded. Damaged data is not this check's business: a viewer shows what
/// it can.
pub fn count_decoded(dict: &Dict, data: &[u8], budget: &mut Budget) -> Result<(), DecodeError> {
    let chain = filters(dict);
    let mut current = std::borrow::Cow::Borrowed(data);
    for (i, filter) in chain.iter().enumerate() {
        let last = i + 1 == chain.len();
        let next = match filter.as_slice() {
            b"FlateDecode" | b"Fl" if last => return count_inflated(&current, budget),
            b"FlateDecode" | b"Fl" => inflate(&current, budget),
            b"LZWDecode" | b"LZW" => lzw(&current, budget),
            b"RunLengthDecode" | b"RL" => run_length(&current, budget),
            b"ASCIIHexDecode" | b"AHx" => Ok(ascii_hex(&current)),
            b"ASCII85Decode" | b"A85" => ascii85(&current),
            _ => return Ok(()),
        };
        match next {
            Ok(bytes) => current = std::borrow::Cow::Owned(bytes),
            Err(e @ (DecodeError::Budget | DecodeError::Deadline)) => return Err(e),
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

/// Inflates a Flate stream into nothing, counting its bytes.
fn count_inflated(data: &[u8], budget: &mut Budget) -> Result<(), DecodeError> {
    let mut decoder = flate2::read::ZlibDecoder::new(data);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) | Err(_) => return Ok(()),
            Ok(n) => budget.take(n)?,
        }
    }
}

fn inflate(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, DecodeError> {
    let mut decoder = flate2::read::ZlibDecoder::new(data);
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => {
                budget.take(n)?;
                out.extend_from_slice(&chunk[..n]);
            }
            // A truncated stream keeps what inflated (as viewers do);
            // nothing at all is corrupt.
            Err(_) if !out.is_empty() => return Ok(out),
            Err(_) => return Err(DecodeError::Corrupt),
        }
    }
}

fn ascii_hex(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 2);
    let mut high: Option<u8> = None;
    for &b in data {
        if b == b'>' {
            break;
        }
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => continue,
        };
        match high.take() {
            Some(h) => out.push(h << 4 | v),
            None => high = Some(v),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    out
}

fn ascii85(data: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(data.len() * 4 / 5);
    let mut group = [0u8; 5];
    let mut n = 0;
    for &b in data {
        match b {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0, 0, 0, 0]),
            b'!'..=b'u' => {
                group[n] = b - b'!';
                n += 1;
                if n == 5 {
                    let value = group.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
                    let value = u32::try_from(value).map_err(|_| DecodeError::Corrupt)?;
                    out.extend_from_slice(&value.to_be_bytes());
                    n = 0;
                }
            }
            b if crate::object::is_whitespace(b) => {}
            _ => return Err(DecodeError::Corrupt),
        }
    }
    if n > 1 {
        for slot in group.iter_mut().skip(n) {
            *slot = 84;
        }
        let value = group.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
        let value = u32::try_from(value).map_err(|_| DecodeError::Corrupt)?;
        out.extend_from_slice(&value.to_be_bytes()[..n - 1]);
    }
    Ok(out)
}

fn run_length(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let len = data[i];
        i += 1;
        match len {
            128 => break,
            0..=127 => {
                let n = usize::from(len) + 1;
                let end = (i + n).min(data.len());
                budget.take(end - i)?;
                out.extend_from_slice(&data[i..end]);
                i = end;
            }
            _ => {
                let n = 257 - usize::from(len);
                let Some(&b) = data.get(i) else { break };
                budget.take(n)?;
                out.extend(std::iter::repeat_n(b, n));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// LZW with PDF's defaults (early change 1, 9 to 12 bit codes).
fn lzw(data: &[u8], budget: &mut Budget) -> Result<Vec<u8>, DecodeError> {
    let mut out: Vec<u8> = Vec::new();
    let mut table: Vec<(Option<u16>, u8)> = (0..=255u16).map(|b| (None, b as u8)).collect();
    table.push((None, 0)); // 256: clear
    table.push((None, 0)); // 257: end
    let mut bits = 9u32;
    let mut acc: u32 = 0;
    let mut acc_len = 0u32;
    let mut prev: Option<u16> = None;
    let mut scratch = Vec::new();
    let expand = |code: u16, table: &[(Option<u16>, u8)], scratch: &mut Vec<u8>| {
        scratch.clear();
        let mut c = Some(code);
        while let Some(k) = c {
            let (parent, byte) = table[usize::from(k)];
            scratch.push(byte);
            c = parent;
            if scratch.len() > 4096 {
                break;
            }
        }
        scratch.reverse();
    };
    for &byte in data {
        acc = acc << 8 | u32::from(byte);
        acc_len += 8;
        while acc_len >= bits {
            let code = ((acc >> (acc_len - bits)) & ((1 << bits) - 1)) as u16;
            acc_len -= bits;
            match code {
                256 => {
                    table.truncate(258);
                    bits = 9;
                    prev = None;
                    continue;
                }
                257 => return Ok(out),
                _ => {}
            }
            let first = if usize::from(code) < table.len() {
                expand(code, &table, &mut scratch);
                scratch[0]
            } else if usize::from(code) == table.len() {
                let p = prev.ok_or(DecodeError::Corrupt)?;
                expand(p, &table, &mut scratch);
                let f = scratch[0];
                scratch.push(f);
                f
            } else {
                return Err(DecodeError::Corrupt);
            };
            budget.take(scratch.len())?;
            out.extend_from_slice(&scratch);
            if let Some(p) = prev
                && table.len() < 4096
            {
                table.push((Some(p), first));
            }
            prev = Some(code);
            bits = match table.len() + 1 {
                n if n >= 2048 => 12,
                n if n >= 1024 => 11,
                n if n >= 512 => 10,
                _ => 9,
            };
        }
    }
    Ok(out)
}

/// Undoes a PNG predictor (10–15), as cross-reference and object streams
/// use; TIFF predictor 2 and none pass through.
fn unpredict(parms: &Dict, data: Vec<u8>) -> Result<Vec<u8>, DecodeError> {
    let predictor = match parms.get(b"Predictor") {
        Some(Object::Int(p)) => *p,
        _ => 1,
    };
    if predictor < 10 {
        return Ok(data);
    }
    let int = |key: &[u8], default: i64| match parms.get(key) {
        Some(Object::Int(v)) => *v,
        _ => default,
    };
    let colors = int(b"Colors", 1).clamp(1, 32) as usize;
    let bpc = int(b"BitsPerComponent", 8).clamp(1, 16) as usize;
    let columns = int(b"Columns", 1).clamp(1, 1 << 20) as usize;
    let bpp = (colors * bpc).div_ceil(8).max(1);
    let row_len = (colors * bpc * columns).div_ceil(8);
    let mut out = Vec::with_capacity(data.len());
    let mut prior = vec![0u8; row_len];
    for row in data.chunks(row_len + 1) {
        if row.len() < 2 {
            break;
        }
        let kind = row[0];
        let mut cur = row[1..].to_vec();
        cur.resize(row_len, 0);
        for i in 0..row_len {
            let left = if i >= bpp { cur[i - bpp] } else { 0 };
            let up = prior[i];
            let up_left = if i >= bpp { prior[i - bpp] } else { 0 };
            cur[i] = match kind {
                0 => cur[i],
                1 => cur[i].wrapping_add(left),
                2 => cur[i].wrapping_add(up),
                3 => cur[i].wrapping_add(((u16::from(left) + u16::from(up)) / 2) as u8),
                4 => cur[i].wrapping_add(paeth(left, up, up_left)),
                _ => return Err(DecodeError::Corrupt),
            };
        }
        out.extend_from_slice(&cur);
        prior = cur;
    }
    Ok(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::Duration;

    fn budget(bytes: u64) -> Budget {
        Budget {
            remaining: bytes,
            deadline: Instant::now() + Duration::from_secs(10),
        }
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn dict_with_filter(name: &[u8]) -> Dict {
        Dict(vec![(b"Filter".to_vec(), Object::Name(name.to_vec()))])
    }

    #[test]
    fn flate_round_trip_and_budget() {
        let data = zlib(&[7u8; 100_000]);
        let dict = dict_with_filter(b"FlateDecode");
        assert_eq!(
            decode(&dict, &data, &mut budget(1 << 20)).unwrap(),
            vec![7u8; 100_000]
        );
        assert_eq!(
            decode(&dict, &data, &mut budget(50_000)),
            Err(DecodeError::Budget)
        );
        assert_eq!(
            count_inflated(&data, &mut budget(50_000)),
            Err(DecodeError::Budget)
        );
        assert_eq!(count_inflated(&data, &mut budget(1 << 20)), Ok(()));
    }

    #[test]
    fn ascii_filters() {
        assert_eq!(ascii_hex(b"48 65 6c6C6f>"), b"Hello");
        assert_eq!(ascii85(b"87cURD]i,\"Ebo80~>").unwrap(), b"Hello World!");
        assert_eq!(ascii85(b"z~>").unwrap(), vec![0, 0, 0, 0]);
    }

    #[test]
    fn run_length_and_lzw() {
        assert_eq!(
            run_length(&[2, b'a', b'b', b'c', 254, b'x', 128], &mut budget(100)).unwrap(),
            b"abcxxx"
        );
        // The example of ISO 32000-1 §7.4.4.2: 45 45 45 45 45 65 45 45 45 66.
        let encoded = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        assert_eq!(
            lzw(&encoded, &mut budget(100)).unwrap(),
            vec![45, 45, 45, 45, 45, 65, 45, 45, 45, 66]
        );
    }

    #[test]
    fn png_up_predictor() {
        let parms = Dict(vec![
            (b"Predictor".to_vec(), Object::Int(12)),
            (b"Columns".to_vec(), Object::Int(3)),
        ]);
        let data = vec![2, 1, 2, 3, 2, 1, 1, 1];
        assert_eq!(unpredict(&parms, data).unwrap(), vec![1, 2, 3, 2, 3, 4]);
    }
}
