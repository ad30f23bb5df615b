//! Write stage for Word: DOCX blocks → docx-rs, with real heading styles (navigation
//! pane), bullet numbering, Word footnotes and core properties.
//!
//! docx-rs leaves three things to us: core properties (no API: we write core.xml),
//! footnote numbering (its ids come from a process-global counter: we number per
//! document) and proper footnote parts (separators and the note's own number).

mod order;

use crate::diagnostic::Diagnostic;
use crate::render::blocks::{Block, Kind, Span};
use crate::spec::Paper;
use docx_rs::*;
use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

/// Document-level facts for the DOCX core properties.
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub subject: &'a str,
    pub keywords: &'a [String],
    pub date_iso: &'a str,
    pub paper: Paper,
    /// The brand colour for titles and headings, `#rrggbb`.
    pub colour: &'a str,
    /// Body text size in points (the PDF's, so both lay out alike).
    pub body_pt: usize,
}

const FONT: &str = "Noto Sans";
/// Page margins, 2 cm in twips (as the PDF's).
const MARGIN: u32 = 1134;
// docx-rs already defines numbering 1 (decimal); ours must not collide with it.
const BULLETS: usize = 2;

/// XML 1.0 forbids most control characters; Word refuses files containing them.
fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => ' ',
            c => c,
        })
        .collect()
}

fn xml_escape(s: &str) -> String {
    xml_safe(s).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn style(id: &str, name: &str, size_pt: usize) -> Style {
    Style::new(id, StyleType::Paragraph).name(name).based_on("Normal").next("Normal").size(size_pt * 2).q_format(true)
}

fn spacing(before_pt: u32, after_pt: u32) -> LineSpacing {
    LineSpacing::new().before(before_pt * 20).after(after_pt * 20)
}

fn styles(docx: Docx, ink: &str, body_pt: usize) -> Docx {
    let fonts = RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT);
    let mut footnote_ref = Style::new("FootnoteReference", StyleType::Character).name("footnote reference");
    footnote_ref.run_property = RunProperty::new().vert_align(VertAlignType::SuperScript);
    // Sizes follow the body size so a 12-point community brief scales its headings too.
    let pt = |f: f64| (body_pt as f64 * f).round() as usize;
    docx.default_fonts(fonts)
        .default_size(body_pt * 2)
        .default_line_spacing(LineSpacing::new().after(100).line(264).line_rule(LineSpacingType::Auto))
        .add_style(style("Title", "Title", pt(2.2)).bold().color(ink).line_spacing(spacing(0, 6)))
        .add_style(style("Subtitle", "Subtitle", pt(1.2)).color("404040").line_spacing(spacing(0, 4)))
        .add_style(style("Heading1", "heading 1", pt(1.3)).bold().color(ink).outline_lvl(0).line_spacing(spacing(14, 5)))
        .add_style(style("Heading2", "heading 2", pt(1.1)).bold().color(ink).outline_lvl(1).line_spacing(spacing(10, 3)))
        .add_style(style("Heading3", "heading 3", body_pt).bold().outline_lvl(2).line_spacing(spacing(8, 2)))
        .add_style(style("Meta", "Brief details", pt(0.85)).color("404040"))
        .add_style(style("Quote", "Quote", body_pt).italic().indent(Some(567), None, Some(567), None))
        .add_style(style("Attribution", "Quote attribution", pt(0.85)).color("404040").indent(Some(567), None, None, None))
        .add_style(style("Small", "Small print", pt(0.8)).color("404040").line_spacing(LineSpacing::new().after(60)))
        .add_style(style("FootnoteText", "footnote text", 7).line_spacing(LineSpacing::new().after(0)))
        .add_style(footnote_ref)
        .add_style(style("ListBullet", "List Bullet", body_pt).line_spacing(LineSpacing::new().after(60)))
        .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(
            Level::new(0, Start::new(1), NumberFormat::new("bullet"), LevelText::new("•"), LevelJc::new("left"))
                .indent(Some(360), Some(SpecialIndentType::Hanging(360)), None, None),
        ))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
}

/// Footnotes collected while building runs; numbered per document from 1.
struct Notes {
    texts: Vec<String>,
}

impl Notes {
    fn runs(&mut self, spans: &[Span], bold_all: bool) -> Vec<Run> {
        let mut runs = Vec::new();
        for span in spans {
            match span {
                Span::Text { text, bold, italic } => {
                    let mut run = Run::new().add_text(xml_safe(text));
                    if *bold || bold_all {
                        run = run.bold();
                    }
                    if *italic {
                        run = run.italic();
                    }
                    runs.push(run);
                }
                Span::Note(note) => {
                    self.texts.push(crate::render::blocks::plain(note));
                    let footnote = Footnote { id: self.texts.len(), content: vec![Paragraph::new()] };
                    runs.push(Run::new().add_footnote_reference(footnote));
                }
            }
        }
        runs
    }

    fn paragraph(&mut self, spans: &[Span], style_id: &str, bold: bool) -> Paragraph {
        self.runs(spans, bold).into_iter().fold(Paragraph::new().style(style_id), Paragraph::add_run)
    }

    /// `word/footnotes.xml` with Word's separator notes and each note's own number.
    fn xml(&self) -> Vec<u8> {
        let mut x = String::from(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>"#,
        );
        for (i, text) in self.texts.iter().enumerate() {
            x.push_str(&format!(
                r#"<w:footnote w:id="{}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {}</w:t></w:r></w:p></w:footnote>"#,
                i + 1,
                xml_escape(text)
            ));
        }
        x.push_str("</w:footnotes>");
        x.into_bytes()
    }
}

fn core_xml(meta: &Meta) -> Vec<u8> {
    let date = format!("{}T00:00:00Z", meta.date_iso);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{author}</dc:creator><cp:keywords>{keywords}</cp:keywords><dc:language>en-GB</dc:language><cp:lastModifiedBy>{author}</cp:lastModifiedBy><cp:revision>1</cp:revision><dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified></cp:coreProperties>"#,
        title = xml_escape(meta.title),
        subject = xml_escape(meta.subject),
        author = xml_escape(meta.author),
        keywords = xml_escape(&meta.keywords.join(", ")),
    )
    .into_bytes()
}

/// A picture paragraph, `width_cm` wide, its height from the image's proportions.
/// Only PNG reaches here (logos are checked, charts are ours), so docx-rs never has to
/// decode it.
fn picture(bytes: &[u8], n: usize, width_cm: f64) -> Paragraph {
    let (w, h) = crate::spec::png_size(bytes).unwrap_or((1, 1));
    let mut pic = Pic::new_with_dimensions(bytes.to_vec(), w, h);
    // Fixed id per document: docx-rs would number images from a process-global counter.
    pic.id = format!("rIdImage{n}");
    let (w_px, h_px) = pic.size;
    let width = (width_cm * 360_000.0) as u32;
    let height = if w_px > 0 { (f64::from(width) * f64::from(h_px) / f64::from(w_px)) as u32 } else { width / 2 };
    Paragraph::new().add_run(Run::new().add_image(pic.size(width, height)))
}

/// docx-rs writes every picture as `<wp:docPr id="1" name="Figure" />`: give each its own
/// id (Word requires unique ones) and its alt text (`descr`), in document order.
fn patch_alt_text(document: &[u8], alts: &[String]) -> Vec<u8> {
    let mut doc = String::from_utf8_lossy(document).into_owned();
    for (i, alt) in alts.iter().enumerate() {
        let from = r#"<wp:docPr id="1" name="Figure" />"#;
        let to = format!(r#"<wp:docPr id="{}" name="Picture {}" descr="{}" />"#, i + 1, i + 1, xml_escape(alt));
        doc = doc.replacen(from, &to, 1);
    }
    doc.into_bytes()
}

/// Builds the DOCX. `pictures` holds PNGs made for this brief (charts by series id, the
/// logo by its virtual path); other `@image` paths are read from `assets`, the templates
/// folder.
pub fn write(blocks: &[Block], meta: &Meta, assets: &Path, pictures: &HashMap<String, Vec<u8>>) -> Result<Vec<u8>, Diagnostic> {
    let (w, h) = meta.paper.twips();
    let ink = meta.colour.trim_start_matches('#').to_uppercase();
    let mut docx = styles(Docx::new(), &ink, meta.body_pt)
        .page_size(w, h)
        .page_margin(PageMargin::new().top(MARGIN as i32).bottom(MARGIN as i32).left(MARGIN as i32).right(MARGIN as i32).header(567).footer(567))
        .footer(Footer::new().add_paragraph(Paragraph::new().style("Small").align(AlignmentType::Center).add_page_num(PageNum::new())));
    let mut notes = Notes { texts: Vec::new() };
    let mut alts: Vec<String> = Vec::new();
    for block in blocks {
        docx = match block {
            Block::Text(kind, spans) => {
                let (style_id, bold) = match kind {
                    Kind::Title => ("Title", false),
                    Kind::Subtitle => ("Subtitle", false),
                    Kind::Meta => ("Meta", false),
                    Kind::Heading(1) => ("Heading1", false),
                    Kind::Heading(2) => ("Heading2", false),
                    Kind::Heading(_) => ("Heading3", false),
                    Kind::Para => ("Normal", false),
                    Kind::Bullet => ("ListBullet", false),
                    Kind::Quote => ("Quote", false),
                    Kind::Attribution => ("Attribution", false),
                    Kind::Small => ("Small", false),
                };
                let mut p = notes.paragraph(spans, style_id, bold);
                if *kind == Kind::Bullet {
                    p = p.numbering(NumberingId::new(BULLETS), IndentLevel::new(0));
                }
                if matches!(kind, Kind::Heading(_) | Kind::Title) {
                    p = p.keep_next(true);
                }
                docx.add_paragraph(p)
            }
            Block::Table(rows) => docx.add_table(table(rows, &mut notes, w - 2 * MARGIN)),
            Block::Image { path, alt } => {
                let bytes = match pictures.get(path) {
                    Some(b) => b.clone(),
                    None => {
                        let file = assets.join(path.trim_start_matches('/'));
                        let bytes = std::fs::read(&file).map_err(|e| {
                            Diagnostic::new(format!("cannot read image `{}`: {e}", file.display())).hint("images for DOCX are read from the templates folder")
                        })?;
                        if crate::spec::png_size(&bytes).is_none() {
                            return Err(Diagnostic::new(format!("image `{}` is not a PNG", file.display())).hint("DOCX pictures must be PNG"));
                        }
                        bytes
                    }
                };
                alts.push(alt.clone());
                docx.add_paragraph(picture(&bytes, alts.len(), 4.0).align(AlignmentType::Right))
            }
            Block::Chart { id, alt } => {
                let bytes = pictures.get(id).ok_or_else(|| Diagnostic::new(format!("the DOCX template asks for chart `{id}`, which the brief does not have")))?;
                alts.push(alt.clone());
                docx.add_paragraph(picture(bytes, alts.len(), 15.0))
            }
            Block::PageBreak => docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page))),
        };
    }
    let mut xml = docx.build();
    xml.doc_props.core = core_xml(meta);
    xml.footnotes = notes.xml();
    xml.document = order::normalise(&patch_alt_text(&xml.document, &alts), false);
    xml.styles = order::normalise(&xml.styles, true);
    xml.numberings = order::normalise(&xml.numberings, true);
    xml.settings = order::normalise(&xml.settings, false);
    xml.footers = xml.footers.iter().map(|f| order::normalise(f, false)).collect();
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| Diagnostic::new(format!("cannot write the DOCX: {e}")))?;
    Ok(out.into_inner())
}

/// A Word table across the text width. The grid must be given: readers such as pandoc
/// lay out (and otherwise drop the footnotes of) a table from its `tblGrid`.
fn table(rows: &[Vec<Vec<Span>>], notes: &mut Notes, text_width: u32) -> Table {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let grid = vec![(text_width as usize) / columns; columns];
    let rows = rows
        .iter()
        .enumerate()
        .map(|(r, cells)| {
            let cells = cells
                .iter()
                .map(|spans| {
                    let cell = TableCell::new()
                        .width(grid[0], WidthType::Dxa)
                        .add_paragraph(notes.paragraph(spans, "Small", r == 0));
                    if r == 0 { cell.shading(Shading::new().fill("DCE3EC")) } else { cell }
                })
                .collect();
            TableRow::new(cells).cant_split()
        })
        .collect();
    Table::new(rows).set_grid(grid.clone()).layout(TableLayoutType::Autofit).width(5000, WidthType::Pct)
}
