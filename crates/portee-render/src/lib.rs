//! The pages of a document as images, for the review screen: the PDF is
//! read in Rust (hayro), never in the webview. Plain data in (the file's
//! bytes, a page, a width, quarter turns), PNG bytes out; no I/O, no
//! database, no Tauri.
//!
//! A file is first put through the PDF check (`portee-pdfcheck`, within
//! its limits of size, pages, decompression and time): what the check
//! refuses is never handed to the rasterizer. The picture's size is
//! bounded ([`MAX_SIDE`], [`MAX_PIXELS`]) whatever the page's declared
//! size, and a panic of the rasterizer on a file it cannot cope with is
//! caught and reported as [`RenderError::Unrenderable`]: the reviewer
//! can still refuse the document.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use hayro::hayro_interpret::font::GlyphRun;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, InterpreterSettings, SoftMask, TransformExt, interpret_page, kurbo,
};
use hayro::hayro_syntax::Pdf;
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{PixmapSettings, RenderCache, RenderSettings, render};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ImageEncoder, RgbImage};

/// The narrowest and widest picture asked for, in pixels.
pub const MIN_WIDTH: u32 = 100;
pub const MAX_WIDTH: u32 = 3000;
/// No side of a picture is longer, whatever the page's shape.
pub const MAX_SIDE: u32 = 4000;
/// No picture holds more pixels (about 48 MiB of RGBA while drawn).
pub const MAX_PIXELS: u64 = 12_000_000;

/// Why a page could not be drawn. The messages are for the reviewer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RenderError {
    /// The PDF check refused the file (its reason, in French).
    #[error("Ce document ne peut pas être affiché : {0}")]
    Refused(String),
    /// The file passed the check but the rasterizer cannot read or draw it.
    #[error("Ce document ne peut pas être affiché : le lecteur intégré ne sait pas le dessiner.")]
    Unrenderable,
    /// A page that the document does not have.
    #[error("Ce document n'a pas de page {asked} (il en a {count}).")]
    NoSuchPage { asked: usize, count: usize },
}

/// What is asked: a page (from 0), the picture's width before turning,
/// and quarter turns clockwise (0 to 3; more wrap around).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: usize,
    pub width: u32,
    pub quarter_turns: u8,
}

/// A drawn page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImage {
    /// The PNG file.
    pub png: Vec<u8>,
    /// Its size once turned.
    pub width: u32,
    pub height: u32,
    /// How many pages the document has.
    pub page_count: usize,
    /// The page's size in points (1/72 inch), before turning: the screen
    /// computes « 100 % » and « page entière » from it.
    pub page_width_pt: u32,
    pub page_height_pt: u32,
}

/// A document checked once and kept ready to draw any of its pages: the
/// review screen draws several pages and zoom levels of the same file.
pub struct Document {
    pdf: Pdf,
    pages: usize,
}

impl std::fmt::Debug for Document {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Document")
            .field("pages", &self.pages)
            .finish()
    }
}

impl Document {
    /// Checks the file (`portee_pdfcheck::check`) and reads it.
    pub fn open(bytes: Arc<Vec<u8>>) -> Result<Document, RenderError> {
        portee_pdfcheck::check(&bytes).map_err(|r| RenderError::Refused(r.to_string()))?;
        let pdf = catch_unwind(AssertUnwindSafe(|| Pdf::new(bytes)))
            .map_err(|_| RenderError::Unrenderable)?
            .map_err(|_| RenderError::Unrenderable)?;
        let pages = pdf.pages().len();
        if pages == 0 {
            return Err(RenderError::Unrenderable);
        }
        Ok(Document { pdf, pages })
    }

    /// The text layer of the first `max_pages` pages, as read by the
    /// interpreter (each glyph's Unicode value from the font's ToUnicode
    /// map or glyph names), at most `max_chars` characters; shown runs are
    /// separated by a space, pages by a line. A scan without a text layer
    /// gives an empty string. Used to suggest the document's date.
    pub fn text(&self, max_pages: usize, max_chars: usize) -> Result<String, RenderError> {
        let mut device = TextDevice {
            text: String::new(),
            max_chars,
        };
        for page in self.pdf.pages().iter().take(max_pages) {
            if device.text.chars().count() >= max_chars {
                break;
            }
            catch_unwind(AssertUnwindSafe(|| {
                let cache = InterpreterCache::new();
                let (w, h) = page.render_dimensions();
                let mut context = Context::new(
                    page.initial_transform(true).to_kurbo(),
                    kurbo::Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
                    &cache,
                    page.xref(),
                    InterpreterSettings::default(),
                );
                interpret_page(page, &mut context, &mut device);
            }))
            .map_err(|_| RenderError::Unrenderable)?;
            device.text.push('\n');
        }
        Ok(device.text)
    }

    /// How many pages the document has.
    pub fn page_count(&self) -> usize {
        self.pages
    }

    /// Draws one page.
    pub fn render(&self, request: PageRequest) -> Result<PageImage, RenderError> {
        if request.page >= self.pages {
            return Err(RenderError::NoSuchPage {
                asked: request.page + 1,
                count: self.pages,
            });
        }
        let page = &self.pdf.pages()[request.page];
        let (page_w, page_h) = page.render_dimensions();
        let scale = fitted_scale(page_w, page_h, request.width).ok_or(RenderError::Unrenderable)?;
        let drawn = catch_unwind(AssertUnwindSafe(|| {
            let cache = RenderCache::new();
            render(
                page,
                &cache,
                &InterpreterSettings::default(),
                &RenderSettings::default(),
                &PixmapSettings {
                    x_scale: scale,
                    y_scale: scale,
                    bg_color: WHITE,
                },
            )
        }))
        .map_err(|_| RenderError::Unrenderable)?;
        let (w, h) = (u32::from(drawn.width()), u32::from(drawn.height()));
        if w == 0 || h == 0 {
            return Err(RenderError::Unrenderable);
        }
        // Opaque on white: premultiplied RGBA is plain RGBA; alpha dropped.
        let rgb: Vec<u8> = drawn
            .data_as_u8_slice()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        let picture = RgbImage::from_raw(w, h, rgb).ok_or(RenderError::Unrenderable)?;
        let picture = match request.quarter_turns % 4 {
            1 => image::imageops::rotate90(&picture),
            2 => image::imageops::rotate180(&picture),
            3 => image::imageops::rotate270(&picture),
            _ => picture,
        };
        let (width, height) = picture.dimensions();
        let mut png = Vec::new();
        PngEncoder::new_with_quality(&mut png, CompressionType::Fast, FilterType::Sub)
            .write_image(
                picture.as_raw(),
                width,
                height,
                image::ExtendedColorType::Rgb8,
            )
            .map_err(|_| RenderError::Unrenderable)?;
        Ok(PageImage {
            png,
            width,
            height,
            page_count: self.pages,
            page_width_pt: page_w.round() as u32,
            page_height_pt: page_h.round() as u32,
        })
    }
}

/// Checks, reads and draws one page of a file.
pub fn render_page(bytes: Arc<Vec<u8>>, request: PageRequest) -> Result<PageImage, RenderError> {
    Document::open(bytes)?.render(request)
}

/// The scale that draws a page of `page_w` × `page_h` points at the asked
/// width, shrunk until neither side passes [`MAX_SIDE`] and the picture
/// holds at most [`MAX_PIXELS`]. None for a page with no usable size.
pub fn fitted_scale(page_w: f32, page_h: f32, asked_width: u32) -> Option<f32> {
    if !(page_w.is_finite() && page_h.is_finite()) || page_w < 1.0 || page_h < 1.0 {
        return None;
    }
    let width = asked_width.clamp(MIN_WIDTH, MAX_WIDTH) as f32;
    let mut scale = width / page_w;
    let side = MAX_SIDE as f32;
    scale = scale.min(side / page_w).min(side / page_h);
    let pixels = f64::from(page_w * scale) * f64::from(page_h * scale);
    if pixels > MAX_PIXELS as f64 {
        scale *= (MAX_PIXELS as f64 / pixels).sqrt() as f32;
    }
    // A page so long and thin that it would round to nothing.
    if page_w * scale < 1.0 || page_h * scale < 1.0 {
        return None;
    }
    Some(scale)
}

/// A device that keeps the text of the glyphs shown and draws nothing.
struct TextDevice {
    text: String,
    max_chars: usize,
}

impl Device<'_> for TextDevice {
    fn draw_path(&mut self, _: &kurbo::BezPath, _: DrawProps<'_>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'_>>, _: BlendMode) {}
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, '_>, _: DrawProps<'_>, _: &DrawMode) {
        if self.text.len() >= self.max_chars * 4 {
            return;
        }
        for glyph in run.glyphs() {
            match glyph.as_unicode() {
                Some(hayro::hayro_interpret::hayro_cmap::BfString::Char(c)) => self.text.push(c),
                Some(hayro::hayro_interpret::hayro_cmap::BfString::String(s)) => {
                    self.text.push_str(&s)
                }
                None => {}
            }
        }
        self.text.push(' ');
    }
    fn draw_image(&mut self, _: Image<'_, '_>, _: ImageDrawProps<'_>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_a4_page_is_drawn_at_the_width_asked() {
        let scale = fitted_scale(595.0, 842.0, 1190).unwrap();
        assert!((scale - 2.0).abs() < 1e-3, "{scale}");
    }

    #[test]
    fn widths_outside_the_range_are_brought_back_into_it() {
        assert!((fitted_scale(600.0, 800.0, 1).unwrap() * 600.0 - MIN_WIDTH as f32).abs() < 0.5);
        assert!(
            (fitted_scale(600.0, 800.0, u32::MAX).unwrap() * 600.0 - MAX_WIDTH as f32).abs() < 0.5
        );
    }

    #[test]
    fn a_very_long_page_is_bounded_by_its_longest_side_and_its_pixels() {
        // A 1 m long receipt: the height caps the scale.
        let scale = fitted_scale(200.0, 14_400.0, 3000).unwrap();
        assert!(14_400.0 * scale <= MAX_SIDE as f32 + 0.5);
        // A huge square poster: the pixel count caps it.
        let scale = fitted_scale(3000.0, 3000.0, 3000).unwrap();
        assert!(f64::from(3000.0 * scale).powi(2) <= MAX_PIXELS as f64 * 1.001);
    }

    #[test]
    fn a_page_with_no_usable_size_is_refused() {
        assert_eq!(fitted_scale(0.0, 842.0, 800), None);
        assert_eq!(fitted_scale(f32::NAN, 842.0, 800), None);
        assert_eq!(fitted_scale(595.0, f32::INFINITY, 800), None);
        assert_eq!(fitted_scale(1.0, 1.0e9, 800), None);
    }

    #[test]
    fn what_is_not_a_pdf_is_refused_by_the_check_before_any_drawing() {
        let err = render_page(
            Arc::new(b"<html>not a pdf</html>".to_vec()),
            PageRequest {
                page: 0,
                width: 800,
                quarter_turns: 0,
            },
        )
        .unwrap_err();
        assert!(matches!(err, RenderError::Refused(_)), "{err:?}");
    }
}
