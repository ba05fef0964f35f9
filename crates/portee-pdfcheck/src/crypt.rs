//! The standard security handler (ISO 32000-2 §7.6.4), decryption only and
//! only with the empty user password: a file that opens without a password
//! is decrypted so that its object streams can be read and judged like any
//! other; a file that needs one is refused. RC4 (revisions 2–4), AES-128
//! (revision 4) and AES-256 (revisions 5 and 6).

use aes::cipher::{BlockCipherDecrypt, BlockCipherEncrypt, KeyInit};
use md5::{Digest, Md5};
use sha2::{Sha256, Sha384, Sha512};

use crate::object::{Dict, Object};

/// Why a file's encryption cannot be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptError {
    /// The empty user password does not open it.
    Password,
    /// Not the standard handler, or a revision or method it does not know.
    Unsupported,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Identity,
    Rc4,
    Aes128,
    Aes256,
}

/// Decrypts the streams of one file.
pub struct Decryptor {
    method: Method,
    key: Vec<u8>,
}

const PADDING: [u8; 32] = [
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E, 0x56, 0xFF, 0xFA, 0x01, 0x08,
    0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68, 0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A,
];

fn bytes<'d>(dict: &'d Dict, key: &[u8]) -> Option<&'d [u8]> {
    match dict.get(key) {
        Some(Object::String(s)) => Some(s),
        _ => None,
    }
}

fn int(dict: &Dict, key: &[u8]) -> Option<i64> {
    match dict.get(key) {
        Some(Object::Int(n)) => Some(*n),
        _ => None,
    }
}

impl Decryptor {
    /// Opens a file's encryption with the empty user password. `id0` is
    /// the first string of the trailer's `/ID`.
    pub fn open(encrypt: &Dict, id0: &[u8]) -> Result<Decryptor, CryptError> {
        if encrypt.name(b"Filter") != Some(b"Standard") {
            return Err(CryptError::Unsupported);
        }
        let v = int(encrypt, b"V").unwrap_or(0);
        let r = int(encrypt, b"R").ok_or(CryptError::Unsupported)?;
        let method = match v {
            1 | 2 => Method::Rc4,
            4 | 5 => stream_method(encrypt)?,
            _ => return Err(CryptError::Unsupported),
        };
        let o = bytes(encrypt, b"O").ok_or(CryptError::Unsupported)?;
        let u = bytes(encrypt, b"U").ok_or(CryptError::Unsupported)?;
        let key = match r {
            2..=4 => {
                let p = int(encrypt, b"P").ok_or(CryptError::Unsupported)? as i32;
                let length = match r {
                    2 => 5,
                    _ => (int(encrypt, b"Length").unwrap_or(40) / 8).clamp(5, 16) as usize,
                };
                let encrypt_metadata =
                    !matches!(encrypt.get(b"EncryptMetadata"), Some(Object::Bool(false)));
                let key = legacy_key(o, p, id0, r, length, encrypt_metadata);
                if !legacy_user_ok(&key, u, id0, r) {
                    return Err(CryptError::Password);
                }
                key
            }
            5 | 6 => {
                if u.len() < 48 {
                    return Err(CryptError::Unsupported);
                }
                let ue = bytes(encrypt, b"UE").ok_or(CryptError::Unsupported)?;
                let check = hash_r6(r, &u[32..40]);
                if check[..] != u[..32] {
                    return Err(CryptError::Password);
                }
                let intermediate = hash_r6(r, &u[40..48]);
                aes256_cbc_decrypt_no_iv(&intermediate, ue).ok_or(CryptError::Unsupported)?
            }
            _ => return Err(CryptError::Unsupported),
        };
        Ok(Decryptor { method, key })
    }

    /// Decrypts a stream's data of object `number` `generation`.
    pub fn decrypt(&self, number: u32, generation: u16, data: &[u8]) -> Option<Vec<u8>> {
        match self.method {
            Method::Identity => Some(data.to_vec()),
            Method::Aes256 => aes_cbc_decrypt(&self.key, data),
            Method::Rc4 | Method::Aes128 => {
                let mut h = Md5::new();
                h.update(&self.key);
                h.update(&number.to_le_bytes()[..3]);
                h.update(generation.to_le_bytes());
                if self.method == Method::Aes128 {
                    h.update(b"sAlT");
                }
                let digest = h.finalize();
                let key = &digest[..(self.key.len() + 5).min(16)];
                if self.method == Method::Rc4 {
                    Some(rc4(key, data))
                } else {
                    aes_cbc_decrypt(key, data)
                }
            }
        }
    }
}

/// The method of streams (`/StmF` names a crypt filter of `/CF`).
fn stream_method(encrypt: &Dict) -> Result<Method, CryptError> {
    let name = encrypt.name(b"StmF").unwrap_or(b"Identity");
    if name == b"Identity" {
        return Ok(Method::Identity);
    }
    let Some(Object::Dict(filters)) = encrypt.get(b"CF") else {
        return Err(CryptError::Unsupported);
    };
    let Some(Object::Dict(filter)) = filters.get(name) else {
        return Err(CryptError::Unsupported);
    };
    match filter.name(b"CFM") {
        Some(b"V2") => Ok(Method::Rc4),
        Some(b"AESV2") => Ok(Method::Aes128),
        Some(b"AESV3") => Ok(Method::Aes256),
        Some(b"None") | None => Ok(Method::Identity),
        _ => Err(CryptError::Unsupported),
    }
}

/// Algorithm 2: the file key from the (empty) user password.
fn legacy_key(o: &[u8], p: i32, id0: &[u8], r: i64, length: usize, meta: bool) -> Vec<u8> {
    let mut h = Md5::new();
    h.update(PADDING);
    h.update(&o[..o.len().min(32)]);
    h.update(p.to_le_bytes());
    h.update(id0);
    if r >= 4 && !meta {
        h.update([0xFF; 4]);
    }
    let mut key = h.finalize().to_vec();
    if r >= 3 {
        for _ in 0..50 {
            key = Md5::digest(&key[..length]).to_vec();
        }
    }
    key.truncate(length);
    key
}

/// Algorithms 4 and 5: whether the empty password is the user password.
fn legacy_user_ok(key: &[u8], u: &[u8], id0: &[u8], r: i64) -> bool {
    if r == 2 {
        return rc4(key, &PADDING)[..] == u[..u.len().min(32)];
    }
    let mut h = Md5::new();
    h.update(PADDING);
    h.update(id0);
    let mut x = rc4(key, &h.finalize());
    for i in 1..=19u8 {
        let k: Vec<u8> = key.iter().map(|b| b ^ i).collect();
        x = rc4(&k, &x);
    }
    u.len() >= 16 && x[..16] == u[..16]
}

/// Algorithm 2.B (revision 6; revision 5 is its first step only) with the
/// empty password and no user data.
fn hash_r6(r: i64, salt: &[u8]) -> [u8; 32] {
    let mut k = Sha256::digest(salt).to_vec();
    if r == 6 {
        let mut round = 0usize;
        loop {
            let k1 = k.repeat(64);
            let Ok(cipher) = aes::Aes128::new_from_slice(&k[..16]) else {
                break;
            };
            let mut prev: [u8; 16] = k[16..32].try_into().unwrap_or([0; 16]);
            let mut e = Vec::with_capacity(k1.len());
            for chunk in k1.chunks(16) {
                let mut block = [0u8; 16];
                for (i, b) in chunk.iter().enumerate() {
                    block[i] = b ^ prev[i];
                }
                let mut ga = aes::Block::from(block);
                cipher.encrypt_block(&mut ga);
                prev = ga.into();
                e.extend_from_slice(&prev);
            }
            let sum: u32 = e[..16].iter().map(|&b| u32::from(b)).sum();
            k = match sum % 3 {
                0 => Sha256::digest(&e).to_vec(),
                1 => Sha384::digest(&e).to_vec(),
                _ => Sha512::digest(&e).to_vec(),
            };
            round += 1;
            let last = usize::from(*e.last().unwrap_or(&0));
            if round >= 64 && last + 32 <= round {
                break;
            }
            if round > 10_000 {
                break;
            }
        }
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&k[..32]);
    out
}

fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len().max(1)]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            b ^ s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))]
        })
        .collect()
}

/// AES-CBC with the IV in the first 16 bytes and PKCS#7 padding (kept if
/// it is not valid: viewers are lenient).
fn aes_cbc_decrypt(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 16 {
        return Some(Vec::new());
    }
    let (iv, body) = data.split_at(16);
    let mut out = cbc_decrypt(key, iv, &body[..body.len() / 16 * 16])?;
    if let Some(&pad) = out.last() {
        let pad = usize::from(pad);
        if (1..=16).contains(&pad) && pad <= out.len() {
            out.truncate(out.len() - pad);
        }
    }
    Some(out)
}

fn aes256_cbc_decrypt_no_iv(key: &[u8], data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 32 {
        return None;
    }
    cbc_decrypt(key, &[0; 16], &data[..32])
}

fn cbc_decrypt(key: &[u8], iv: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    enum Cipher {
        A128(aes::Aes128),
        A256(aes::Aes256),
    }
    let cipher = match key.len() {
        16 => Cipher::A128(aes::Aes128::new_from_slice(key).ok()?),
        32 => Cipher::A256(aes::Aes256::new_from_slice(key).ok()?),
        _ => return None,
    };
    let mut prev: [u8; 16] = iv.try_into().ok()?;
    let mut out = Vec::with_capacity(body.len());
    for chunk in body.chunks_exact(16) {
        let Ok(mut block) = aes::Block::try_from(chunk) else {
            return None;
        };
        match &cipher {
            Cipher::A128(c) => c.decrypt_block(&mut block),
            Cipher::A256(c) => c.decrypt_block(&mut block),
        }
        for (i, b) in block.iter().enumerate() {
            out.push(b ^ prev[i]);
        }
        prev.copy_from_slice(chunk);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rc4_matches_the_known_vector() {
        // The classic test vector: key "Key", plaintext "Plaintext".
        assert_eq!(
            rc4(b"Key", b"Plaintext"),
            [0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3]
        );
    }

    #[test]
    fn aes_cbc_round_trip() {
        let key = [7u8; 16];
        let iv = [9u8; 16];
        let cipher = aes::Aes128::new_from_slice(&key).unwrap();
        // Encrypt "hello" padded with PKCS#7 by hand.
        let mut block = [0u8; 16];
        block[..5].copy_from_slice(b"hello");
        for b in &mut block[5..] {
            *b = 11;
        }
        for i in 0..16 {
            block[i] ^= iv[i];
        }
        let mut ga = aes::Block::from(block);
        cipher.encrypt_block(&mut ga);
        let mut data = iv.to_vec();
        data.extend_from_slice(&ga);
        assert_eq!(aes_cbc_decrypt(&key, &data).unwrap(), b"hello");
    }
}
