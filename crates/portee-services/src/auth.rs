//! Password hashing: Argon2id with OWASP's parameters (m = 19 MiB, t = 2,
//! p = 1), stored as a PHC string.

use argon2::{
    Algorithm, Argon2, Params, Version,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

#[derive(Debug, thiserror::Error)]
#[error("Le mot de passe n'a pas pu être chiffré.")]
pub struct HashError;

fn hasher() -> Argon2<'static> {
    // Constant, valid parameters: Params::new only fails on out-of-range values.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String, HashError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| HashError)
}

/// `password` as both backends keep it: its Argon2id hash (SQLite's
/// accounts) and its SCRAM-SHA-256 verifier (PostgreSQL's login roles).
/// Slow on purpose (Argon2id): call it off the async threads.
pub fn password_secret(password: &str) -> Result<portee_store::PasswordSecret, HashError> {
    Ok(portee_store::PasswordSecret {
        hash: hash_password(password)?,
        scram: Some(scram_verifier(password)),
    })
}

/// True when `password` matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// SCRAM iterations of a verifier, PostgreSQL's default.
const SCRAM_ITERATIONS: u32 = 4096;

/// The SCRAM-SHA-256 verifier PostgreSQL stores for `password`
/// (`SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, RFC 5802
/// and 7677), with a fresh random salt. Sent to the server instead of the
/// password, so that no statement log nor server process ever sees it. The
/// password is normalised with SASLprep as PostgreSQL does (raw when that
/// fails).
pub fn scram_verifier(password: &str) -> String {
    scram_verifier_with_salt(password, uuid::Uuid::new_v4().as_bytes(), SCRAM_ITERATIONS)
}

fn scram_verifier_with_salt(password: &str, salt: &[u8], iterations: u32) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit, Mac};
    use sha2::Digest;
    type HmacSha256 = hmac::Hmac<sha2::Sha256>;
    let hmac = |key: &[u8], data: &[&[u8]]| -> [u8; 32] {
        // HMAC takes a key of any length: new_from_slice cannot fail.
        let mut mac = HmacSha256::new_from_slice(key).unwrap_or_else(|_| unreachable!());
        for d in data {
            mac.update(d);
        }
        mac.finalize().into_bytes().into()
    };
    let prepared = stringprep::saslprep(password)
        .map(|p| p.into_owned())
        .unwrap_or_else(|_| password.to_owned());
    // PBKDF2-HMAC-SHA256 with one block of output (32 bytes).
    let mut u = hmac(prepared.as_bytes(), &[salt, &1u32.to_be_bytes()]);
    let mut salted = u;
    for _ in 1..iterations {
        u = hmac(prepared.as_bytes(), &[&u]);
        for (s, x) in salted.iter_mut().zip(u.iter()) {
            *s ^= x;
        }
    }
    let client_key = hmac(&salted, &[b"Client Key"]);
    let stored_key = sha2::Sha256::digest(client_key);
    let server_key = hmac(&salted, &[b"Server Key"]);
    let b64 = base64::engine::general_purpose::STANDARD;
    format!(
        "SCRAM-SHA-256${iterations}:{}${}:{}",
        b64.encode(salt),
        b64.encode(stored_key),
        b64.encode(server_key)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scram_verifiers_match_the_rfc_7677_example() {
        // RFC 7677's example (password "pencil", its salt, 4096
        // iterations); the keys were computed independently with Python's
        // hashlib.pbkdf2_hmac and hmac. PostgreSQL itself checks verifiers
        // in tests/store/security.rs (a role signs in with its password).
        use base64::Engine as _;
        let salt = base64::engine::general_purpose::STANDARD
            .decode("W22ZaJ0SNY7soEsUEjb6gQ==")
            .unwrap();
        let v = scram_verifier_with_salt("pencil", &salt, 4096);
        assert_eq!(
            v,
            "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="
        );
        let a = scram_verifier("demo-agent.meudon");
        let b = scram_verifier("demo-agent.meudon");
        assert!(a.starts_with("SCRAM-SHA-256$4096:"));
        assert_ne!(a, b, "salt must differ");
    }

    #[test]
    fn hashes_are_argon2id_salted_and_verifiable() {
        let a = hash_password("demo-admin.demo").unwrap();
        let b = hash_password("demo-admin.demo").unwrap();
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{a}");
        assert_ne!(a, b, "salt must differ");
        assert!(verify_password("demo-admin.demo", &a));
        assert!(!verify_password("demo-admin.dem0", &a));
        assert!(!verify_password("x", "not a hash"));
    }
}
