//! What makes a PDF's content active, decided on every dictionary of every
//! object the file holds (all versions of an object, those of object
//! streams and those hidden in another stream's data: a viewer may reach
//! any of them through a cross-reference entry).

use crate::Threat;
use crate::object::{Dict, Object};

/// The threat a dictionary carries, if any. `stream` says whether it is a
/// stream's dictionary (whose `/F` names an external file holding the
/// data). `/OpenAction` is judged separately (a destination is harmless).
pub fn dict_threat(dict: &Dict, stream: bool) -> Option<Threat> {
    for (key, _) in &dict.0 {
        match key.as_slice() {
            b"JS" | b"JavaScript" => return Some(Threat::JavaScript),
            b"AA" => return Some(Threat::AutomaticAction),
            b"XFA" => return Some(Threat::Xfa),
            b"EmbeddedFiles" | b"EF" => return Some(Threat::EmbeddedFile),
            b"RichMediaContent" | b"RichMediaSettings" => return Some(Threat::RichMedia),
            _ => {}
        }
    }
    if let Some(threat) = dict.name(b"S").and_then(action_threat) {
        return Some(threat);
    }
    if dict.name(b"Type") == Some(b"EmbeddedFile") {
        return Some(Threat::EmbeddedFile);
    }
    match dict.name(b"Subtype") {
        Some(b"FileAttachment") => return Some(Threat::EmbeddedFile),
        Some(b"RichMedia" | b"Movie" | b"Sound" | b"Screen" | b"3D") => {
            return Some(Threat::RichMedia);
        }
        _ => {}
    }
    // A file specification that names a URL, a reference XObject (its
    // content is another file), or stream data kept in an external file.
    if dict.name(b"FS") == Some(b"URL") {
        return Some(Threat::ExternalReference);
    }
    if dict.name(b"Subtype") == Some(b"Form") && dict.has(b"Ref") {
        return Some(Threat::ExternalReference);
    }
    if stream && (dict.has(b"F") || dict.has(b"FFilter")) {
        return Some(Threat::ExternalReference);
    }
    None
}

/// The threat of an action type (`/S`). Plain URI links, go-to within the
/// document, named navigation and the like are not threats by themselves.
pub fn action_threat(action: &[u8]) -> Option<Threat> {
    match action {
        b"JavaScript" => Some(Threat::JavaScript),
        b"Launch" => Some(Threat::Launch),
        b"SubmitForm" => Some(Threat::SubmitForm),
        b"ImportData" => Some(Threat::ImportData),
        b"GoToR" | b"GoToE" => Some(Threat::RemoteGoTo),
        b"Rendition" | b"Movie" | b"Sound" | b"GoTo3DView" | b"RichMediaExecute" => {
            Some(Threat::RichMedia)
        }
        _ => None,
    }
}

/// Walks an object, calling `f` on every dictionary inside it.
pub fn each_dict<'o>(object: &'o Object, f: &mut dyn FnMut(&'o Dict)) {
    let mut stack = vec![object];
    while let Some(o) = stack.pop() {
        match o {
            Object::Dict(d) => {
                f(d);
                stack.extend(d.0.iter().map(|(_, v)| v));
            }
            Object::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Parser;

    fn threat(text: &str) -> Option<Threat> {
        let object = Parser::new(text.as_bytes(), 0, 64).object().unwrap();
        let mut found = None;
        each_dict(&object, &mut |d| {
            found = found.or(dict_threat(d, false));
        });
        found
    }

    #[test]
    fn each_kind_of_active_content_is_named() {
        assert_eq!(
            threat("<< /S /JavaScript /JS (app.alert(1)) >>"),
            Some(Threat::JavaScript)
        );
        assert_eq!(
            threat("<< /Names << /J#61vaScript 5 0 R >> >>"),
            Some(Threat::JavaScript)
        );
        assert_eq!(
            threat("<< /Type /Page /AA << /O 9 0 R >> >>"),
            Some(Threat::AutomaticAction)
        );
        assert_eq!(
            threat("<< /A << /S /Launch /F (calc.exe) >> >>"),
            Some(Threat::Launch)
        );
        assert_eq!(
            threat("<< /S /SubmitForm /F (x) >>"),
            Some(Threat::SubmitForm)
        );
        assert_eq!(threat("<< /S /ImportData >>"), Some(Threat::ImportData));
        assert_eq!(
            threat("<< /S /GoToR /F (a.pdf) /D [0 /Fit] >>"),
            Some(Threat::RemoteGoTo)
        );
        assert_eq!(threat("<< /S /GoToE >>"), Some(Threat::RemoteGoTo));
        assert_eq!(
            threat("<< /AcroForm << /XFA 3 0 R >> >>"),
            Some(Threat::Xfa)
        );
        assert_eq!(
            threat("<< /Type /Filespec /EF << /F 4 0 R >> >>"),
            Some(Threat::EmbeddedFile)
        );
        assert_eq!(
            threat("<< /Subtype /FileAttachment >>"),
            Some(Threat::EmbeddedFile)
        );
        assert_eq!(threat("<< /Subtype /RichMedia >>"), Some(Threat::RichMedia));
        assert_eq!(
            threat("<< /FS /URL /F (http://x) >>"),
            Some(Threat::ExternalReference)
        );
    }

    #[test]
    fn links_destinations_and_ordinary_objects_are_not_threats() {
        assert_eq!(
            threat("<< /Subtype /Link /A << /S /URI /URI (https://example.org) >> >>"),
            None
        );
        assert_eq!(threat("<< /S /GoTo /D [3 0 R /Fit] >>"), None);
        assert_eq!(threat("<< /Type /Annot /Subtype /Link /F 4 >>"), None);
        assert_eq!(threat("<< /Type /Catalog /Pages 2 0 R >>"), None);
    }
}
