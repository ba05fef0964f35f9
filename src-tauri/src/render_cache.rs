//! The last few documents checked and read for the review screen, so that
//! turning a page, zooming or coming back to the previous document draws
//! at once instead of checking the file again. Bounded: the
//! [`CAPACITY`] most recently used are kept.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use portee_render::Document;

/// How many documents are kept ready (the current one, the next one
/// prepared, and the two before).
pub const CAPACITY: usize = 4;

#[derive(Default)]
pub struct RenderCache {
    entries: Mutex<VecDeque<(i64, Arc<Document>)>>,
}

impl RenderCache {
    pub fn get(&self, document_id: i64) -> Option<Arc<Document>> {
        let mut entries = self.entries.lock().ok()?;
        let at = entries.iter().position(|e| e.0 == document_id)?;
        let entry = entries.remove(at)?;
        let doc = entry.1.clone();
        entries.push_front(entry);
        Some(doc)
    }

    pub fn put(&self, document_id: i64, doc: Arc<Document>) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|e| e.0 != document_id);
            entries.push_front((document_id, doc));
            entries.truncate(CAPACITY);
        }
    }

    pub fn forget(&self, document_id: i64) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|e| e.0 != document_id);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }
}
