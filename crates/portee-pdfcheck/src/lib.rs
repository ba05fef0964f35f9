//! The check every uploaded PDF passes before Portée keeps it.
//!
//! A file is accepted only if it is really a PDF that parses (tolerating
//! the usual repairable damage: wrong cross-reference offsets, junk before
//! the header, no final `%%EOF`, no cross-reference at all), opens without
//! a user password, stays within [`Limits`] and carries no active content
//! ([`Threat`]). The verdict names the reason in French.
//!
//! How: the file is read the way a repairing viewer reads it, by finding
//! every `n g obj` in the bytes rather than trusting the cross-reference
//! table, so an object is seen wherever a viewer could find it (also
//! inside another stream's data, or in an older revision). Names are
//! compared decoded (`/J#61vaScript`), object streams are decompressed and
//! read, and references are followed where the meaning depends on the
//! target (an `/OpenAction` that is a destination is harmless, one that is
//! an action is not). Every Flate stream is inflated into a counter against
//! one decompression budget, and the whole check runs against a deadline.
//! No network, no rendering; the crate knows no database and no UI.

mod crypt;
mod filters;
mod object;
mod rules;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::time::{Duration, Instant};

use filters::{Budget, DecodeError};
use object::{Dict, Object, Parser, SyntaxError};

/// The bounds of one check.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The largest file accepted, in bytes.
    pub max_bytes: usize,
    /// The most pages accepted.
    pub max_pages: usize,
    /// The bytes all streams may decompress to, together.
    pub max_decoded_bytes: u64,
    /// The deepest nesting of arrays and dictionaries.
    pub max_depth: usize,
    /// The most objects a file may hold.
    pub max_objects: usize,
    /// The longest a check may take.
    pub time_limit: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: 10 * 1024 * 1024,
            max_pages: 50,
            max_decoded_bytes: 256 * 1024 * 1024,
            max_depth: 64,
            max_objects: 250_000,
            time_limit: Duration::from_secs(3),
        }
    }
}

/// An accepted file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub pages: usize,
    /// The version its header declares (`1.7`).
    pub version: String,
    pub encrypted: bool,
}

/// Active content a PDF may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Threat {
    JavaScript,
    /// An action that runs without a click: at opening, closing, saving,
    /// printing, on a page or a field (`/AA`, `/OpenAction`).
    AutomaticAction,
    Launch,
    SubmitForm,
    ImportData,
    RemoteGoTo,
    /// A file or an address that viewing would fetch.
    ExternalReference,
    EmbeddedFile,
    Xfa,
    RichMedia,
}

impl Threat {
    /// How specific the threat is: a file carrying several is refused for
    /// the most telling one (the JavaScript an `/AA` runs, rather than the
    /// `/AA`).
    fn rank(self) -> u8 {
        match self {
            Threat::JavaScript => 10,
            Threat::Launch => 9,
            Threat::SubmitForm => 8,
            Threat::ImportData => 7,
            Threat::RemoteGoTo => 6,
            Threat::EmbeddedFile => 5,
            Threat::Xfa => 4,
            Threat::RichMedia => 3,
            Threat::ExternalReference => 2,
            Threat::AutomaticAction => 1,
        }
    }

    /// A stable key for tests and logs.
    pub fn key(self) -> &'static str {
        match self {
            Threat::JavaScript => "javascript",
            Threat::AutomaticAction => "auto-action",
            Threat::Launch => "launch",
            Threat::SubmitForm => "submit-form",
            Threat::ImportData => "import-data",
            Threat::RemoteGoTo => "remote-goto",
            Threat::ExternalReference => "external-reference",
            Threat::EmbeddedFile => "embedded-file",
            Threat::Xfa => "xfa",
            Threat::RichMedia => "rich-media",
        }
    }
}

impl std::fmt::Display for Threat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Threat::JavaScript => "du JavaScript",
            Threat::AutomaticAction => {
                "une action qui s'exécute sans clic (à l'ouverture, à la fermeture, à l'impression…)"
            }
            Threat::Launch => "une commande qui lance un programme",
            Threat::SubmitForm => "un envoi de formulaire vers l'extérieur",
            Threat::ImportData => "une importation de données",
            Threat::RemoteGoTo => "un renvoi vers un autre document",
            Threat::ExternalReference => "une référence à un fichier ou une adresse externe",
            Threat::EmbeddedFile => "un fichier joint",
            Threat::Xfa => "un formulaire XFA",
            Threat::RichMedia => "du contenu multimédia",
        })
    }
}

/// Why a file is refused; the message is French, for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("le fichier est vide")]
    Empty,
    #[error("le fichier pèse {size_kib} Kio, au-delà de la limite de {max_kib} Kio")]
    TooLarge { size_kib: usize, max_kib: usize },
    #[error("ce fichier n'est pas un PDF")]
    NotPdf,
    #[error("le PDF est endommagé et ne peut pas être lu ({0})")]
    Unparseable(&'static str),
    #[error(
        "le PDF est protégé par un mot de passe : demandez à la famille une version sans mot de passe"
    )]
    Password,
    #[error(
        "le PDF est chiffré d'une manière que Portée ne sait pas ouvrir : demandez à la famille une version non protégée"
    )]
    Encrypted,
    #[error("le PDF a {pages} pages, au-delà de la limite de {max}")]
    TooManyPages { pages: usize, max: usize },
    #[error("le PDF contient {0}, interdit par sécurité")]
    ActiveContent(Threat),
    #[error("le PDF dépasse les limites d'analyse ({0})")]
    Limits(&'static str),
}

impl Refusal {
    /// A stable key for tests and logs.
    pub fn key(&self) -> &'static str {
        match self {
            Refusal::Empty | Refusal::NotPdf => "not-pdf",
            Refusal::TooLarge { .. } => "too-large",
            Refusal::Unparseable(_) => "unparseable",
            Refusal::Password => "encrypted-password",
            Refusal::Encrypted => "encrypted",
            Refusal::TooManyPages { .. } => "too-many-pages",
            Refusal::ActiveContent(t) => t.key(),
            Refusal::Limits(_) => "limits",
        }
    }
}

/// Checks a file with the default limits.
pub fn check(bytes: &[u8]) -> Result<Report, Refusal> {
    check_with(bytes, &Limits::default())
}

/// Checks a file.
pub fn check_with(bytes: &[u8], limits: &Limits) -> Result<Report, Refusal> {
    if bytes.is_empty() {
        return Err(Refusal::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(Refusal::TooLarge {
            size_kib: bytes.len().div_ceil(1024),
            max_kib: limits.max_bytes / 1024,
        });
    }
    let header = bytes[..bytes.len().min(1024)]
        .windows(5)
        .position(|w| w == b"%PDF-")
        .ok_or(Refusal::NotPdf)?;
    let version: String = bytes[header + 5..]
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
        .map(|&b| char::from(b))
        .collect();
    if version.is_empty() {
        return Err(Refusal::NotPdf);
    }
    let mut doc = Document::new(bytes, limits);
    doc.scan()?;
    let encrypted = doc.open_encryption()?;
    doc.read_object_streams()?;
    doc.count_stream_bytes()?;
    doc.check_open_actions()?;
    let pages = doc.count_pages()?;
    if pages > limits.max_pages {
        return Err(Refusal::TooManyPages {
            pages,
            max: limits.max_pages,
        });
    }
    Ok(Report {
        pages,
        version,
        encrypted,
    })
}

/// The most an object stream may decompress to (it is held in memory).
const OBJECT_STREAM_MAX: u64 = 32 * 1024 * 1024;

/// One object found in the file.
struct Stored {
    number: u32,
    generation: u16,
    object: Object,
    /// A stream's data, in the file.
    stream: Option<Range<usize>>,
}

struct Document<'a> {
    bytes: &'a [u8],
    limits: &'a Limits,
    deadline: Instant,
    budget: Budget,
    objects: Vec<Stored>,
    /// Every version of each object number, in file order.
    versions: HashMap<u32, Vec<usize>>,
    /// The version a viewer uses: the last outside any stream's data.
    current: HashMap<u32, usize>,
    /// Trailer dictionaries (classic or of a cross-reference stream), with
    /// their position.
    trailers: Vec<(usize, Dict)>,
    /// The file's decryption, when it is encrypted.
    decryptor: Option<crypt::Decryptor>,
    /// The most telling threat found so far.
    threat: Option<Threat>,
}

fn worst(current: Option<Threat>, found: Threat) -> Option<Threat> {
    match current {
        Some(c) if c.rank() >= found.rank() => Some(c),
        _ => Some(found),
    }
}

fn syntax_refusal(e: SyntaxError) -> Option<Refusal> {
    match e {
        SyntaxError::TooDeep => Some(Refusal::Limits("imbrication trop profonde")),
        SyntaxError::Invalid => None,
    }
}

fn decode_refusal(e: DecodeError) -> Refusal {
    match e {
        DecodeError::Budget => Refusal::Limits("données décompressées trop volumineuses"),
        DecodeError::Deadline => Refusal::Limits("analyse trop longue"),
        DecodeError::Unsupported | DecodeError::Corrupt => {
            Refusal::Unparseable("flux d'objets compressé illisible")
        }
    }
}

impl<'a> Document<'a> {
    fn new(bytes: &'a [u8], limits: &'a Limits) -> Self {
        let deadline = Instant::now() + limits.time_limit;
        Document {
            bytes,
            limits,
            deadline,
            budget: Budget {
                remaining: limits.max_decoded_bytes,
                deadline,
            },
            objects: Vec::new(),
            versions: HashMap::new(),
            current: HashMap::new(),
            trailers: Vec::new(),
            decryptor: None,
            threat: None,
        }
    }

    fn in_time(&self) -> Result<(), Refusal> {
        if Instant::now() > self.deadline {
            return Err(Refusal::Limits("analyse trop longue"));
        }
        Ok(())
    }

    /// Records an object after judging every dictionary in it.
    fn add(
        &mut self,
        (number, generation): (u32, u16),
        object: Object,
        stream: Option<Range<usize>>,
        current: bool,
    ) -> Result<(), Refusal> {
        if self.objects.len() >= self.limits.max_objects {
            return Err(Refusal::Limits("trop d'objets"));
        }
        rules::each_dict(&object, &mut |d| {
            if let Some(t) = rules::dict_threat(d, stream.is_some() && is_top(&object, d)) {
                self.threat = worst(self.threat, t);
            }
        });
        let index = self.objects.len();
        self.objects.push(Stored {
            number,
            generation,
            object,
            stream,
        });
        self.versions.entry(number).or_default().push(index);
        if current {
            self.current.insert(number, index);
        }
        Ok(())
    }

    /// Finds and reads every `n g obj` and every `trailer` in the file.
    fn scan(&mut self) -> Result<(), Refusal> {
        let bytes = self.bytes;
        let mut pos = 0;
        // The end of the last stream's data: objects before it are inside
        // that data (seen, judged, but not the current version).
        let mut stream_end = 0;
        while let Some(at) = object::find(bytes, pos, b"obj") {
            pos = at + 3;
            if self.objects.len().is_multiple_of(256) {
                self.in_time()?;
            }
            if bytes
                .get(at + 3)
                .is_some_and(|&b| !object::is_whitespace(b) && !object::is_delimiter(b))
            {
                continue;
            }
            let Some(id) = object_number_before(bytes, at) else {
                continue;
            };
            let mut parser = Parser::new(bytes, at + 3, self.limits.max_depth);
            let object = match parser.object() {
                Ok(o) => o,
                Err(e) => match syntax_refusal(e) {
                    Some(refusal) => return Err(refusal),
                    None => continue,
                },
            };
            let nested = at < stream_end;
            let mut stream = None;
            if let Object::Dict(dict) = &object {
                let after_dict = parser.pos;
                if parser.eat_keyword(b"stream") {
                    let start = object::stream_data_start(bytes, parser.pos);
                    let length = match dict.get(b"Length") {
                        Some(Object::Int(n)) => Some(*n),
                        _ => None,
                    };
                    let range = object::stream_data_range(bytes, start, length);
                    if !nested {
                        stream_end = range.end;
                    }
                    if dict.name(b"Type") == Some(b"XRef") && !nested {
                        self.trailers.push((at, dict.clone()));
                    }
                    stream = Some(range);
                } else {
                    parser.pos = after_dict;
                }
            }
            self.add(id, object, stream, !nested)?;
        }
        let mut pos = 0;
        while let Some(at) = object::find(bytes, pos, b"trailer") {
            pos = at + 7;
            let mut parser = Parser::new(bytes, at + 7, self.limits.max_depth);
            match parser.object() {
                Ok(Object::Dict(dict)) => {
                    let whole = Object::Dict(dict);
                    let mut threat = None;
                    rules::each_dict(&whole, &mut |d| {
                        threat = threat.or(rules::dict_threat(d, false))
                    });
                    if let Some(t) = threat {
                        return Err(Refusal::ActiveContent(t));
                    }
                    if let Object::Dict(dict) = whole {
                        self.trailers.push((at, dict));
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    if let Some(refusal) = syntax_refusal(e) {
                        return Err(refusal);
                    }
                }
            }
        }
        self.trailers.sort_by_key(|(at, _)| *at);
        if self.objects.is_empty() {
            return Err(Refusal::Unparseable("aucun objet"));
        }
        Ok(())
    }

    /// Reads the objects packed in object streams.
    fn read_object_streams(&mut self) -> Result<(), Refusal> {
        let streams: Vec<(usize, Dict)> = self
            .objects
            .iter()
            .enumerate()
            .filter_map(|(i, s)| match (&s.object, &s.stream) {
                (Object::Dict(d), Some(_)) if d.name(b"Type") == Some(b"ObjStm") => {
                    Some((i, d.clone()))
                }
                _ => None,
            })
            .collect();
        for (index, dict) in streams {
            self.in_time()?;
            let raw = self.stream_data(index)?;
            // An object stream is held in memory: at most 32 MiB of it
            // (real ones are a few hundred KiB), within the file's budget.
            let cap = self.budget.remaining.min(OBJECT_STREAM_MAX);
            let mut budget = Budget {
                remaining: cap,
                deadline: self.deadline,
            };
            let data = filters::decode(&dict, &raw, &mut budget).map_err(decode_refusal)?;
            self.budget.remaining -= cap - budget.remaining;
            let int = |key: &[u8]| match dict.get(key) {
                Some(Object::Int(n)) => usize::try_from(*n).ok(),
                _ => None,
            };
            let (Some(count), Some(first)) = (int(b"N"), int(b"First")) else {
                return Err(Refusal::Unparseable("flux d'objets sans en-tête"));
            };
            if count > self.limits.max_objects {
                return Err(Refusal::Limits("trop d'objets"));
            }
            let mut header = Parser::new(&data, 0, 1);
            let mut entries = Vec::with_capacity(count.min(4096));
            for _ in 0..count {
                match (header.unsigned(), header.unsigned()) {
                    (Some(n), Some(offset)) => entries.push((n, offset)),
                    _ => break,
                }
            }
            for (number, offset) in entries {
                let Ok(number) = u32::try_from(number) else {
                    continue;
                };
                let Some(at) = usize::try_from(offset)
                    .ok()
                    .and_then(|o| o.checked_add(first))
                else {
                    continue;
                };
                if at >= data.len() {
                    continue;
                }
                let mut parser = Parser::new(&data, at, self.limits.max_depth);
                match parser.object() {
                    Ok(object) => {
                        let current = !self.current.contains_key(&number);
                        self.add((number, 0), object, None, current)?;
                    }
                    Err(e) => {
                        if let Some(refusal) = syntax_refusal(e) {
                            return Err(refusal);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Inflates every other Flate stream into the budget (bombs).
    fn count_stream_bytes(&mut self) -> Result<(), Refusal> {
        let bytes = self.bytes;
        for i in 0..self.objects.len() {
            let (Object::Dict(dict), Some(range)) =
                (&self.objects[i].object, &self.objects[i].stream)
            else {
                continue;
            };
            if dict.name(b"Type") == Some(b"ObjStm") {
                continue;
            }
            let (dict, range) = (dict.clone(), range.clone());
            let data = if self.decryptor.is_some() {
                std::borrow::Cow::Owned(self.stream_data(i)?)
            } else {
                std::borrow::Cow::Borrowed(&bytes[range])
            };
            filters::count_decoded(&dict, &data, &mut self.budget).map_err(decode_refusal)?;
            if i.is_multiple_of(64) {
                self.in_time()?;
            }
        }
        Ok(())
    }

    /// Opens the file's encryption, if any, with the empty user password
    /// (a file that needs a password is refused). Whether it is encrypted.
    fn open_encryption(&mut self) -> Result<bool, Refusal> {
        let Some(entry) = self.trailer_entry(b"Encrypt") else {
            return Ok(false);
        };
        let Some(Object::Dict(encrypt)) = self.resolve(entry) else {
            return Err(Refusal::Unparseable(
                "dictionnaire de chiffrement introuvable",
            ));
        };
        let id0 = match self.trailer_entry(b"ID") {
            Some(Object::Array(ids)) => match ids.first() {
                Some(Object::String(s)) => s.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let decryptor = crypt::Decryptor::open(encrypt, &id0).map_err(|e| match e {
            crypt::CryptError::Password => Refusal::Password,
            crypt::CryptError::Unsupported => Refusal::Encrypted,
        })?;
        self.decryptor = Some(decryptor);
        Ok(true)
    }

    /// A stream's data as stored, decrypted when the file is encrypted
    /// (cross-reference streams never are).
    fn stream_data(&self, index: usize) -> Result<Vec<u8>, Refusal> {
        let stored = &self.objects[index];
        let Some(range) = &stored.stream else {
            return Ok(Vec::new());
        };
        let raw = &self.bytes[range.clone()];
        let is_xref = matches!(&stored.object, Object::Dict(d) if d.name(b"Type") == Some(b"XRef"));
        match &self.decryptor {
            Some(d) if !is_xref => d
                .decrypt(stored.number, stored.generation, raw)
                .ok_or(Refusal::Unparseable("flux chiffré illisible")),
            _ => Ok(raw.to_vec()),
        }
    }

    /// The latest trailer's entry (classic or cross-reference stream).
    fn trailer_entry(&self, key: &[u8]) -> Option<&Object> {
        self.trailers.iter().rev().find_map(|(_, d)| d.get(key))
    }

    /// Every version of an object a reference may designate.
    fn resolve_all<'s>(&'s self, object: &'s Object) -> Vec<&'s Object> {
        match object {
            Object::Ref(n, _) => self
                .versions
                .get(n)
                .map(|v| v.iter().map(|&i| &self.objects[i].object).collect())
                .unwrap_or_default(),
            other => vec![other],
        }
    }

    fn resolve<'s>(&'s self, object: &'s Object) -> Option<&'s Object> {
        match object {
            Object::Ref(n, _) => self.current.get(n).map(|&i| &self.objects[i].object),
            other => Some(other),
        }
    }

    /// `/OpenAction` anywhere, in any version: a destination (an array, a
    /// name, a string) or a go-to within the document is harmless; any
    /// other action runs without a click.
    fn check_open_actions(&mut self) -> Result<(), Refusal> {
        let trailers: Vec<Object> = self
            .trailers
            .iter()
            .map(|(_, d)| Object::Dict(d.clone()))
            .collect();
        let mut threat = self.threat;
        for object in self
            .objects
            .iter()
            .map(|s| &s.object)
            .chain(trailers.iter())
        {
            let mut found = Vec::new();
            rules::each_dict(object, &mut |d| {
                if let Some(value) = d.get(b"OpenAction") {
                    found.push(value.clone());
                }
            });
            for value in found {
                for target in self.resolve_all(&value) {
                    if let Object::Dict(action) = target {
                        let go_to = action.name(b"S") == Some(b"GoTo") && !action.has(b"Next");
                        if !go_to && (action.has(b"S") || action.has(b"Next")) {
                            let t = action
                                .name(b"S")
                                .and_then(rules::action_threat)
                                .unwrap_or(Threat::AutomaticAction);
                            threat = worst(threat, t);
                        }
                    }
                }
            }
        }
        self.threat = threat;
        match threat {
            Some(t) => Err(Refusal::ActiveContent(t)),
            None => Ok(()),
        }
    }

    /// The pages of the catalog's page tree, else (a repairing viewer's
    /// way) the page objects found in the file.
    fn count_pages(&self) -> Result<usize, Refusal> {
        let catalog = self
            .trailer_entry(b"Root")
            .and_then(|r| self.resolve(r))
            .and_then(|o| match o {
                Object::Dict(d) if d.has(b"Pages") => Some(d),
                _ => None,
            })
            .or_else(|| {
                self.current
                    .values()
                    .find_map(|&i| match &self.objects[i].object {
                        Object::Dict(d) if d.name(b"Type") == Some(b"Catalog") => Some(d),
                        _ => None,
                    })
            });
        // No catalog at all: no viewer can show the file.
        let catalog = catalog.ok_or(Refusal::Unparseable("catalogue introuvable"))?;
        let mut pages = 0;
        if let Some(root) = catalog.get(b"Pages") {
            let mut seen = HashSet::new();
            let mut stack = vec![(root.clone(), 0usize)];
            while let Some((node, depth)) = stack.pop() {
                if depth > self.limits.max_depth {
                    return Err(Refusal::Limits("arbre des pages trop profond"));
                }
                if let Object::Ref(n, _) = node
                    && !seen.insert(n)
                {
                    continue;
                }
                let Some(Object::Dict(d)) = self.resolve(&node) else {
                    continue;
                };
                match d.get(b"Kids") {
                    Some(Object::Array(kids)) if d.name(b"Type") != Some(b"Page") => {
                        stack.extend(kids.iter().map(|k| (k.clone(), depth + 1)));
                    }
                    Some(kids @ Object::Ref(..)) if d.name(b"Type") != Some(b"Page") => {
                        if let Some(Object::Array(kids)) = self.resolve(kids) {
                            stack.extend(kids.iter().map(|k| (k.clone(), depth + 1)));
                        }
                    }
                    _ => pages += 1,
                }
                if pages > self.limits.max_pages * 100 {
                    break;
                }
            }
        }
        if pages == 0 {
            pages = self
                .current
                .values()
                .filter(|&&i| {
                    matches!(&self.objects[i].object, Object::Dict(d) if d.name(b"Type") == Some(b"Page"))
                })
                .count();
        }
        if pages == 0 {
            return Err(Refusal::Unparseable("aucune page"));
        }
        Ok(pages)
    }
}

/// Whether `d` is `top` itself (the stream's own dictionary).
fn is_top(top: &Object, d: &Dict) -> bool {
    matches!(top, Object::Dict(own) if std::ptr::eq(own, d))
}

/// The object number and generation of an `n g obj` header ending at `at`
/// (the position of `obj`), if the bytes before it are one.
fn object_number_before(bytes: &[u8], at: usize) -> Option<(u32, u16)> {
    let mut i = at;
    let skip_space = |i: &mut usize| {
        let start = *i;
        while *i > 0 && object::is_whitespace(bytes[*i - 1]) {
            *i -= 1;
        }
        *i < start
    };
    let digits = |i: &mut usize| {
        let end = *i;
        while *i > 0 && bytes[*i - 1].is_ascii_digit() && end - *i < 10 {
            *i -= 1;
        }
        (*i < end).then(|| &bytes[*i..end])
    };
    if !skip_space(&mut i) {
        return None;
    }
    let generation = digits(&mut i)?;
    if !skip_space(&mut i) {
        return None;
    }
    let number = digits(&mut i)?;
    if i > 0 && !object::is_whitespace(bytes[i - 1]) && !object::is_delimiter(bytes[i - 1]) {
        return None;
    }
    let parse = |d: &[u8]| std::str::from_utf8(d).ok()?.parse::<u64>().ok();
    Some((
        u32::try_from(parse(number)?).ok()?,
        u16::try_from(parse(generation)?).ok()?,
    ))
}
