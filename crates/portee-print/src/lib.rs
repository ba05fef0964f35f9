//! Portée's printed documents, made with printpdf: plain data in, PDF bytes
//! out. A4, the network's and site's letterhead, « page 2 / 5 » on every
//! page, the bundled DejaVu fonts embedded (accents print, the text can be
//! searched and copied). The accusé de réception of a réinscription comes
//! first; the printing work (recaps, class lists) grows this crate.

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage,
    PdfSaveOptions, Point, Pt, Rgb, TextItem,
};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("la police de caractères embarquée est illisible")]
    Font,
    #[error("le document à imprimer est vide ({0})")]
    Empty(&'static str),
}

/// The letterhead of every document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// « Conservatoires de Grand Paris Seine Ouest ».
    pub network: String,
    pub site: String,
}

/// One child in an acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckChild {
    pub name: String,
    pub reinscrit: bool,
    /// A non-réinscription's reason.
    pub reason: Option<String>,
    /// (course and level, when: day and hours, or « horaire défini avec le
    /// professeur en septembre »…).
    pub courses: Vec<(String, String)>,
    pub image_rights: Option<bool>,
    pub may_leave_alone: Option<bool>,
}

/// An accusé de réception of a réinscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub letterhead: Letterhead,
    /// `AR-2027-000123`.
    pub number: String,
    pub version: i32,
    /// « 02/12/2026 à 17:40 ».
    pub date: String,
    /// « au guichet, par Benoît Mathieu ».
    pub channel: String,
    pub school_year: String,
    pub family_number: String,
    pub guardians: Vec<String>,
    pub children: Vec<AckChild>,
    /// (document, state): « Manquant », « Accepté »…
    pub documents: Vec<(String, String)>,
    pub documents_deadline: String,
    pub additional_info: Option<String>,
    /// What a corrected version changed.
    pub changes: Vec<String>,
}

/// A line of the document being laid out.
struct Line_ {
    text: String,
    size: f32,
    bold: bool,
    indent: f32,
    /// Space before, in points.
    before: f32,
}

/// Lays lines out on A4 pages, then adds letterhead and page numbers.
struct Layout {
    lines: Vec<Line_>,
}

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 56.0;
const TOP: f32 = PAGE_H - 110.0;
const BOTTOM: f32 = 60.0;

impl Layout {
    fn new() -> Self {
        Layout { lines: Vec::new() }
    }

    fn push(&mut self, text: impl Into<String>, size: f32, bold: bool, indent: f32, before: f32) {
        // Wrap by an estimate of DejaVu's average width (0.55 em).
        let width = PAGE_W - 2.0 * MARGIN - indent;
        let per_line = ((width / (size * 0.55)) as usize).max(20);
        let text = text.into();
        let mut current = String::new();
        let mut first = true;
        for word in text.split(' ') {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > per_line
            {
                self.lines.push(Line_ {
                    text: std::mem::take(&mut current),
                    size,
                    bold,
                    indent,
                    before: if first { before } else { 0.0 },
                });
                first = false;
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        self.lines.push(Line_ {
            text: current,
            size,
            bold,
            indent,
            before: if first { before } else { 0.0 },
        });
    }

    fn title(&mut self, text: impl Into<String>) {
        self.push(text, 16.0, true, 0.0, 6.0);
    }

    fn heading(&mut self, text: impl Into<String>) {
        self.push(text, 12.0, true, 0.0, 12.0);
    }

    fn text(&mut self, text: impl Into<String>) {
        self.push(text, 10.0, false, 0.0, 2.0);
    }

    fn item(&mut self, text: impl Into<String>) {
        self.push(format!("• {}", text.into()), 10.0, false, 14.0, 1.0);
    }

    fn render(self, head: &Letterhead, title: &str) -> Result<Vec<u8>, PrintError> {
        let mut doc = PdfDocument::new(title);
        let mut warnings = Vec::new();
        let regular = ParsedFont::from_bytes(REGULAR, 0, &mut warnings).ok_or(PrintError::Font)?;
        let bold = ParsedFont::from_bytes(BOLD, 0, &mut warnings).ok_or(PrintError::Font)?;
        let regular = doc.add_font(&regular);
        let bold = doc.add_font(&bold);
        // Pages: lines placed top-down until the bottom margin.
        let mut pages: Vec<Vec<(f32, &Line_)>> = vec![Vec::new()];
        let mut y = TOP;
        for line in &self.lines {
            let step = line.before + line.size * 1.35;
            if y - step < BOTTOM && !pages.last().is_some_and(Vec::is_empty) {
                pages.push(Vec::new());
                y = TOP;
            }
            y -= step;
            if let Some(page) = pages.last_mut() {
                page.push((y, line));
            }
        }
        let total = pages.len();
        let text_op = |font: &FontId, size: f32, x: f32, y: f32, text: &str| {
            vec![
                Op::StartTextSection,
                Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(size),
                },
                Op::SetTextCursor {
                    pos: Point { x: Pt(x), y: Pt(y) },
                },
                Op::ShowText {
                    items: vec![TextItem::Text(text.to_owned())],
                },
                Op::EndTextSection,
            ]
        };
        let grey = Color::Rgb(Rgb {
            r: 0.35,
            g: 0.35,
            b: 0.4,
            icc_profile: None,
        });
        let black = Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        });
        let mut out = Vec::new();
        for (n, lines) in pages.iter().enumerate() {
            let mut ops = Vec::new();
            // Letterhead: the network, the site, a rule.
            ops.push(Op::SetFillColor { col: black.clone() });
            ops.extend(text_op(&bold, 13.0, MARGIN, PAGE_H - 56.0, &head.network));
            ops.push(Op::SetFillColor { col: grey.clone() });
            ops.extend(text_op(
                &regular,
                10.0,
                MARGIN,
                PAGE_H - 72.0,
                &format!("{} · Portée", head.site),
            ));
            ops.push(Op::SetOutlineColor { col: grey.clone() });
            ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point {
                                x: Pt(MARGIN),
                                y: Pt(PAGE_H - 82.0),
                            },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point {
                                x: Pt(PAGE_W - MARGIN),
                                y: Pt(PAGE_H - 82.0),
                            },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            });
            ops.push(Op::SetFillColor { col: black.clone() });
            for (y, line) in lines {
                let font = if line.bold { &bold } else { &regular };
                ops.extend(text_op(
                    font,
                    line.size,
                    MARGIN + line.indent,
                    *y,
                    &line.text,
                ));
            }
            ops.push(Op::SetFillColor { col: grey.clone() });
            ops.extend(text_op(
                &regular,
                9.0,
                PAGE_W - MARGIN - 60.0,
                32.0,
                &format!("page {} / {total}", n + 1),
            ));
            ops.extend(text_op(&regular, 9.0, MARGIN, 32.0, title));
            out.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
        }
        let mut save_warnings = Vec::new();
        Ok(doc
            .with_pages(out)
            .save(&PdfSaveOptions::default(), &mut save_warnings))
    }
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "oui",
        Some(false) => "non",
        None => "non renseigné",
    }
}

/// The accusé de réception of a réinscription, as PDF bytes.
pub fn acknowledgement_pdf(a: &Acknowledgement) -> Result<Vec<u8>, PrintError> {
    if a.children.is_empty() {
        return Err(PrintError::Empty("aucun enfant"));
    }
    let mut l = Layout::new();
    let version = if a.version > 1 {
        format!(" — version {}", a.version)
    } else {
        String::new()
    };
    l.title(format!(
        "Accusé de réception de réinscription {}",
        a.school_year
    ));
    l.text(format!("N° {}{version}", a.number));
    l.text(format!("Enregistrée le {}, {}.", a.date, a.channel));
    if !a.changes.is_empty() {
        l.heading(format!("Ce qui a changé dans la version {}", a.version));
        for c in &a.changes {
            l.item(c.clone());
        }
    }
    l.heading(format!("Famille {}", a.family_number));
    for g in &a.guardians {
        l.item(g.clone());
    }
    for child in &a.children {
        l.heading(child.name.clone());
        if child.reinscrit {
            l.text("Je souhaite réinscrire.");
            if child.courses.is_empty() {
                l.item("Aucun cours choisi.");
            }
            for (course, when) in &child.courses {
                l.item(format!("{course} — {when}"));
            }
            l.text(format!(
                "Droit à l'image : {} · Autorisation de sortie seul(e) : {}",
                yes_no(child.image_rights),
                yes_no(child.may_leave_alone)
            ));
        } else {
            l.text(format!(
                "Je ne souhaite pas réinscrire{}.",
                child
                    .reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ));
        }
    }
    l.heading("Documents");
    for (doc, state) in &a.documents {
        l.item(format!("{doc} : {state}"));
    }
    l.text(format!(
        "Les documents manquants sont à déposer au plus tard le {}.",
        a.documents_deadline
    ));
    if let Some(info) = a
        .additional_info
        .as_deref()
        .filter(|i| !i.trim().is_empty())
    {
        l.heading("Information complémentaire");
        l.text(info.to_owned());
    }
    l.render(&a.letterhead, &format!("Accusé de réception {}", a.number))
}
