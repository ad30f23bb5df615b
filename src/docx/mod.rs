//! Write stage for Word: DOCX blocks → docx-rs, with real heading styles (navigation
//! pane), bullet numbering, Word footnotes and core properties.
//!
//! docx-rs leaves four things to us: core properties (no API: we write core.xml),
//! footnote numbering (its ids come from a process-global counter: we number per
//! document), proper footnote parts (separators and the note's own number) and a default
//! paragraph style (it writes its own `Normal` without `w:default`: we replace it).
//!
//! The PDF's look carries over as Word styles: a running footer ("Page n of N" in PAGE
//! and NUMPAGES fields), shaded panels and quote boxes (paragraph shading and borders),
//! key figures as a table, numbered figure captions (a SEQ field, as Word's own captions).

mod order;

use crate::diagnostic::Diagnostic;
use crate::render::blocks::{Block, Kind, Span, Stat};
use crate::spec::Paper;
use docx_rs::*;
use std::collections::HashMap;
use std::io::Cursor;

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
    /// The brand's accent for quote rules and key-figure tiles, `#rrggbb`.
    pub accent: &'a str,
    /// Body text size in points (the PDF's, so both lay out alike).
    pub body_pt: usize,
}

const FONT: &str = "Noto Sans";
/// Page margins, 2 cm in twips (as the PDF's).
const MARGIN: u32 = 1134;
// docx-rs already defines numbering 1 (decimal); ours must not collide with it.
const BULLETS: usize = 2;
/// Panel and quote shading: the PDF's `luma(94%)`.
const TINT: &str = "F0F0F0";
/// Secondary text (details, small print, captions, footer).
const MUTED: &str = "404040";
/// Thin rules: the PDF's `luma(70%)`.
const RULE: &str = "B3B3B3";

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

fn border(position: ParagraphBorderPosition, colour: &str, eighths: usize, space_pt: usize) -> ParagraphBorder {
    ParagraphBorder::new(position).val(BorderType::Single).color(colour).size(eighths).space(space_pt)
}

/// The borders and shading of a box around a paragraph, in `fill`. Borders in the fill
/// colour pad the text as the PDF's inset does (`x` at the sides, `y` above and below, in
/// points); a visible `left` rule is given as (colour, eighths of a point).
///
/// Word and LibreOffice draw consecutive paragraphs with the same borders as one box (and
/// shade the space between paragraphs of the same fill): wanted for a panel of several
/// paragraphs and for a quote with its attribution, not for two quotes in a row. The
/// writer therefore gives every second quote a grey one step darker (`QUOTE_ALT`), which
/// no eye tells from the first but which starts a box of its own.
fn box_props(fill: &str, x: usize, y: usize, left: Option<(&str, usize)>) -> (ParagraphBorders, Shading) {
    let (left_colour, left_size) = left.unwrap_or((fill, 4));
    let left_pad = if left.is_some() { x + 4 } else { x };
    let borders = ParagraphBorders::with_empty()
        .set(border(ParagraphBorderPosition::Top, fill, 4, y))
        .set(border(ParagraphBorderPosition::Left, left_colour, left_size, left_pad))
        .set(border(ParagraphBorderPosition::Bottom, fill, 4, y))
        .set(border(ParagraphBorderPosition::Right, fill, 4, x));
    (borders, Shading::new().shd_type(ShdType::Clear).color("auto").fill(fill))
}

/// A paragraph style in a box (see `box_props`), its indents pulling the box back inside
/// the text width.
fn boxed(mut style: Style, fill: &str, x: usize, y: usize, left: Option<(&str, usize)>) -> Style {
    let (borders, shading) = box_props(fill, x, y, left);
    let ppr = std::mem::take(&mut style.paragraph_property);
    style.paragraph_property = ppr.set_borders(borders).shading(shading);
    // Twips: the border's padding and width, so the box's edges sit on the margins.
    let (left_pad, left_size) = match left {
        Some((_, size)) => (x + 4, size),
        None => (x, 4),
    };
    let left_indent = (left_pad * 20 + left_size * 20 / 8) as i32;
    let right_indent = (x * 20 + 10) as i32;
    style.indent(Some(left_indent), None, Some(right_indent), None)
}

/// Quote boxes: side and top/bottom padding in points, and the left rule's width in
/// eighths of a point (the PDF's 2.5pt).
const QUOTE_PAD: (usize, usize) = (8, 6);
const QUOTE_RULE: usize = 20;
/// Every second quote's fill (see `box_props`).
const QUOTE_ALT: &str = "EFEFEF";

fn styles(docx: Docx, ink: &str, accent: &str, body_pt: usize, text_width: u32) -> Docx {
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
        .add_style(boxed(style("Panel", "Summary panel", body_pt).line_spacing(spacing(4, 14)), TINT, 10, 8, None))
        .add_style(boxed(style("Quote", "Quote", body_pt).italic().line_spacing(spacing(8, 0)), TINT, QUOTE_PAD.0, QUOTE_PAD.1, Some((accent, QUOTE_RULE))))
        .add_style(boxed(
            style("Attribution", "Quote attribution", pt(0.85)).color(MUTED).align(AlignmentType::Right).line_spacing(spacing(3, 12)),
            TINT,
            QUOTE_PAD.0,
            QUOTE_PAD.1,
            Some((accent, QUOTE_RULE)),
        ))
        .add_style(style("Small", "Small print", pt(0.8)).color(MUTED).line_spacing(LineSpacing::new().after(60)))
        .add_style(style("Caption", "caption", pt(0.85)).color(MUTED).align(AlignmentType::Center).line_spacing(spacing(2, 12)))
        .add_style(style("KeyFigure", "Key figure", pt(1.9)).bold().color(ink).line_spacing(LineSpacing::new().after(0).line(240).line_rule(LineSpacingType::Auto)))
        .add_style(style("KeyFigureCaption", "Key figure caption", pt(0.8)).line_spacing(LineSpacing::new().after(0)))
        .add_style(footer_style(text_width))
        .add_style(style("FootnoteText", "footnote text", 7).line_spacing(LineSpacing::new().after(0)))
        .add_style(footnote_ref)
        .add_style(style("ListBullet", "List Bullet", body_pt).line_spacing(LineSpacing::new().after(60)))
        .add_abstract_numbering(AbstractNumbering::new(BULLETS).add_level(
            Level::new(0, Start::new(1), NumberFormat::new("bullet"), LevelText::new("•"), LevelJc::new("left"))
                .indent(Some(360), Some(SpecialIndentType::Hanging(360)), None, None),
        ))
        .add_numbering(Numbering::new(BULLETS, BULLETS))
}

/// The running footer's style: small muted text under a thin rule, with a right tab at the
/// text width for the page number (the PDF's footer grid).
fn footer_style(text_width: u32) -> Style {
    let mut s = Style::new("Footer", StyleType::Paragraph).name("footer").based_on("Normal").size(15).color(MUTED);
    let ppr = std::mem::take(&mut s.paragraph_property);
    s.paragraph_property = ppr
        .set_borders(ParagraphBorders::with_empty().set(border(ParagraphBorderPosition::Top, RULE, 3, 4)))
        .add_tab(Tab::new().val(TabValueType::Right).pos(text_width as usize))
        .line_spacing(LineSpacing::new().before(0).after(0));
    s
}

/// docx-rs writes a `Normal` style of its own, not marked as the default, so readers
/// such as python-docx see no style on an unstyled paragraph. Ours is the default and
/// carries the body font and size (which the document defaults also hold).
fn default_normal(styles: &[u8], body_pt: usize) -> Vec<u8> {
    let xml = String::from_utf8_lossy(styles);
    let start_tag = r#"<w:style w:type="paragraph" w:styleId="Normal">"#;
    let Some(start) = xml.find(start_tag) else { return styles.to_vec() };
    let Some(len) = xml[start..].find("</w:style>") else { return styles.to_vec() };
    let end = start + len + "</w:style>".len();
    let normal = format!(
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal" /><w:qFormat /><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}" /><w:sz w:val="{hp}" /><w:szCs w:val="{hp}" /></w:rPr></w:style>"#,
        hp = body_pt * 2
    );
    format!("{}{normal}{}", &xml[..start], &xml[end..]).into_bytes()
}

/// A field (such as SEQ) as Word writes it, in separate runs (readers such as pandoc find
/// the shown result only so), showing `shown` until updated; each run dressed by `dress`.
fn field(p: Paragraph, instruction: &str, shown: &str, dress: impl Fn(Run) -> Run) -> Paragraph {
    p.add_run(dress(Run::new().add_field_char(FieldCharType::Begin, false)))
        .add_run(dress(Run::new().add_instr_text(InstrText::Unsupported(format!(" {instruction} ")))))
        .add_run(dress(Run::new().add_field_char(FieldCharType::Separate, false)))
        .add_run(dress(Run::new().add_text(shown)))
        .add_run(dress(Run::new().add_field_char(FieldCharType::End, false)))
}

/// The footer on every page: the brief's note (as the PDF's `footer-note`), then at the
/// right "Page n of N".
fn footer(note: &[Span]) -> Footer {
    let mut p = Paragraph::new().style("Footer");
    for span in note {
        if let Span::Text { text, bold, italic } = span {
            let mut run = Run::new().add_text(xml_safe(text));
            if *bold {
                run = run.bold();
            }
            if *italic {
                run = run.italic();
            }
            p = p.add_run(run);
        }
    }
    p = p.add_run(Run::new().add_tab().add_text("Page ")).add_page_num(PageNum::new()).add_run(Run::new().add_text(" of ")).add_num_pages(NumPages::new());
    Footer::new().add_paragraph(p)
}

/// Footnotes collected while building runs; numbered per document from 1. A place cited
/// again is not a second, identical footnote: it is the first one's number, as the PDF
/// gives all that cite the same place one number, in a NOTEREF field to a bookmark on the
/// first reference (as Word's own "Insert Cross-reference" to a footnote writes it).
struct Notes {
    texts: Vec<String>,
    /// Each note's number, by its text.
    numbers: HashMap<String, usize>,
    /// How many times the brief cites each note's text: only a note cited again needs a
    /// bookmark.
    cited: HashMap<String, usize>,
}

impl Notes {
    fn new(blocks: &[Block]) -> Notes {
        let mut cited = HashMap::new();
        for span in blocks.iter().flat_map(Block::spans).flatten() {
            if let Span::Note(note) = span {
                *cited.entry(crate::render::blocks::plain(note)).or_insert(0) += 1;
            }
        }
        Notes { texts: Vec::new(), numbers: HashMap::new(), cited }
    }

    /// `p` with `spans` added as runs, each dressed by `dress`.
    fn add(&mut self, mut p: Paragraph, spans: &[Span], bold_all: bool, dress: impl Fn(Run) -> Run) -> Paragraph {
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
                    p = p.add_run(dress(run));
                }
                Span::Note(note) => {
                    let text = crate::render::blocks::plain(note);
                    if let Some(&n) = self.numbers.get(&text) {
                        p = field(p, &format!("NOTEREF {} \\f \\h", bookmark(n)), &n.to_string(), |r| dress(r.style("FootnoteReference")));
                        continue;
                    }
                    let again = self.cited.get(&text).is_some_and(|&c| c > 1);
                    self.texts.push(text.clone());
                    let n = self.texts.len();
                    self.numbers.insert(text, n);
                    let footnote = Footnote { id: n, content: vec![Paragraph::new()] };
                    let run = dress(Run::new().add_footnote_reference(footnote));
                    p = if again { p.add_bookmark_start(n, bookmark(n)).add_run(run).add_bookmark_end(n) } else { p.add_run(run) };
                }
            }
        }
        p
    }

    fn paragraph(&mut self, spans: &[Span], style_id: &str, bold: bool) -> Paragraph {
        self.add(Paragraph::new().style(style_id), spans, bold, |r| r)
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

/// The hidden bookmark (a name Word does not list, as its own `_Ref` ones) on note `n`'s
/// first reference.
fn bookmark(n: usize) -> String {
    format!("_Note{n}")
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

/// The tint of a table's header row (`table`).
const HEADER_FILL: &str = "DCE3EC";

/// Marks the first row of every `table` as its header row (`w:tblHeader`, which docx-rs
/// cannot write): Word repeats it at the top of each page the table runs onto, and screen
/// readers and Word's accessibility checker read it as the column headings.
fn mark_header_rows(document: &[u8]) -> Vec<u8> {
    let doc = String::from_utf8_lossy(document);
    let row = "<w:tr><w:trPr><w:cantSplit />";
    let mut out = String::with_capacity(doc.len() + 256);
    let mut rest: &str = &doc;
    while let Some(i) = rest.find(row) {
        let (before, from) = rest.split_at(i + row.len());
        out.push_str(before);
        // The first cell's properties say whether this is a header row.
        let cell = from.find("</w:tcPr>").map_or("", |j| &from[..j]);
        if cell.contains(&format!(r#"w:fill="{HEADER_FILL}""#)) {
            out.push_str("<w:tblHeader />");
        }
        rest = from;
    }
    out.push_str(rest);
    out.into_bytes()
}

/// Builds the DOCX. `pictures` holds PNGs made for this brief (charts by series id, the
/// logo by its virtual path); other `@image` paths are read from `assets`, the templates
/// folder.
pub fn write(blocks: &[Block], meta: &Meta, assets: &crate::templates::Templates, pictures: &HashMap<String, Vec<u8>>) -> Result<Vec<u8>, Diagnostic> {
    let (w, h) = meta.paper.twips();
    let ink = meta.colour.trim_start_matches('#').to_uppercase();
    let accent = meta.accent.trim_start_matches('#').to_uppercase();
    let text_width = w - 2 * MARGIN;
    let note: &[Span] = blocks.iter().find_map(|b| if let Block::Footer(spans) = b { Some(spans.as_slice()) } else { None }).unwrap_or(&[]);
    let mut docx = styles(Docx::new(), &ink, &accent, meta.body_pt, text_width)
        .page_size(w, h)
        .page_margin(PageMargin::new().top(MARGIN as i32).bottom(MARGIN as i32).left(MARGIN as i32).right(MARGIN as i32).header(567).footer(567))
        .footer(footer(note));
    let mut notes = Notes::new(blocks);
    let mut alts: Vec<String> = Vec::new();
    let mut figures = 0;
    let mut quotes = 0;
    let mut after_heading = false;
    for (i, block) in blocks.iter().enumerate() {
        let heading = matches!(block, Block::Text(Kind::Heading(_) | Kind::Title, _));
        let small_next = matches!(blocks.get(i + 1), Some(Block::Text(Kind::Small, _)));
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
                    Kind::Panel => ("Panel", false),
                    Kind::Caption => ("Caption", false),
                };
                let mut p = if *kind == Kind::Caption {
                    // "Figure N: ", numbered as Typst numbers figures and as Word's own
                    // captions do (a SEQ field, so a list of figures can find them).
                    figures += 1;
                    let lead = Paragraph::new().style(style_id).add_run(Run::new().add_text("Figure "));
                    let lead = field(lead, "SEQ Figure \\* ARABIC", &figures.to_string(), |r| r).add_run(Run::new().add_text(": "));
                    notes.add(lead, spans, bold, |r| r)
                } else {
                    notes.paragraph(spans, style_id, bold)
                };
                if *kind == Kind::Bullet {
                    p = p.numbering(NumberingId::new(BULLETS), IndentLevel::new(0));
                }
                if *kind == Kind::Quote {
                    quotes += 1;
                }
                // Every second quote (with its attribution) a box of its own: see `box_props`.
                if matches!(kind, Kind::Quote | Kind::Attribution) && quotes % 2 == 0 {
                    let (borders, shading) = box_props(QUOTE_ALT, QUOTE_PAD.0, QUOTE_PAD.1, Some((&accent, QUOTE_RULE)));
                    p.property = std::mem::take(&mut p.property).set_borders(borders).shading(shading);
                }
                // Headings stay with what follows, and so do a heading's place line, a
                // quote's words with their attribution and a paragraph with the small line
                // under it (an option's insight) (the PDF's sticky and unbreakable blocks).
                match kind {
                    Kind::Heading(_) | Kind::Title | Kind::Quote => p = p.keep_next(true).keep_lines(true),
                    Kind::Small if after_heading => p = p.keep_next(true),
                    Kind::Para | Kind::Bullet if small_next => p = p.keep_next(true),
                    Kind::Attribution => p = p.keep_lines(true),
                    _ => {}
                }
                docx.add_paragraph(p)
            }
            Block::Table(rows) => docx.add_table(table(rows, &mut notes, text_width)),
            Block::Stats(stats) => docx.add_table(key_figures(stats, &mut notes, text_width, &accent, meta.body_pt)),
            Block::Footer(_) => docx,
            Block::Image { path, alt } => {
                let bytes = match pictures.get(path) {
                    Some(b) => b.clone(),
                    None => {
                        let name = path.trim_start_matches('/');
                        let file = assets.shown(name);
                        let bytes = match assets.read(name) {
                            Ok(Some(found)) => found.bytes,
                            Ok(None) => return Err(Diagnostic::new(format!("cannot read image `{}`: not found", file.display())).hint("images for DOCX are read from the templates folder")),
                            Err(why) => return Err(Diagnostic::new(format!("cannot read image {why}")).hint("images for DOCX are read from the templates folder")),
                        };
                        if crate::spec::png_size(&bytes).is_none() {
                            return Err(Diagnostic::new(format!("image `{}` is not a PNG", file.display())).hint("DOCX pictures must be PNG"));
                        }
                        bytes
                    }
                };
                alts.push(alt.clone());
                docx.add_paragraph(picture(&bytes, alts.len(), 4.0).align(AlignmentType::Right).keep_next(true))
            }
            Block::Chart { id, alt } => {
                let bytes = pictures.get(id).ok_or_else(|| Diagnostic::new(format!("the DOCX template asks for chart `{id}`, which the brief does not have")))?;
                alts.push(alt.clone());
                // Centred with its caption below, as the PDF's figure.
                docx.add_paragraph(picture(bytes, alts.len(), 15.0).align(AlignmentType::Center).keep_next(true))
            }
            Block::PageBreak => docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page))),
        };
        if !matches!(block, Block::Footer(_)) {
            after_heading = heading;
        }
    }
    let mut xml = docx.build();
    xml.doc_props.core = core_xml(meta);
    xml.footnotes = notes.xml();
    xml.document = order::normalise(&mark_header_rows(&patch_alt_text(&xml.document, &alts)), false);
    xml.styles = default_normal(&order::normalise(&xml.styles, true), meta.body_pt);
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
                    if r == 0 { cell.shading(Shading::new().fill(HEADER_FILL)) } else { cell }
                })
                .collect();
            TableRow::new(cells).cant_split()
        })
        .collect();
    Table::new(rows).set_grid(grid.clone()).layout(TableLayoutType::Autofit).width(5000, WidthType::Pct)
}

/// Key figures as the PDF's tiles: one column per figure, the number (and unit) large and
/// bold above its caption, on the panel tint under an accent rule, white gutters between.
fn key_figures(stats: &[Stat], notes: &mut Notes, text_width: u32, accent: &str, body_pt: usize) -> Table {
    let n = stats.len().max(1);
    let grid = vec![(text_width as usize) / n; n];
    let unit_size = (body_pt as f64 * 0.9 * 2.0).round() as usize;
    // The number row padded above, the caption row below, so that each caption sits close
    // under its number as in the PDF's tiles.
    let cell = |c: usize, top: Option<&str>, p: Paragraph| {
        let mut borders = TableCellBorders::with_empty();
        if let Some(colour) = top {
            borders = borders.set(TableCellBorder::new(TableCellBorderPosition::Top).border_type(BorderType::Single).size(20).color(colour));
        }
        if c > 0 {
            borders = borders.set(TableCellBorder::new(TableCellBorderPosition::Left).border_type(BorderType::Single).size(48).color("FFFFFF"));
        }
        if c + 1 < n {
            borders = borders.set(TableCellBorder::new(TableCellBorderPosition::Right).border_type(BorderType::Single).size(48).color("FFFFFF"));
        }
        let mut cell = TableCell::new().width(grid[c], WidthType::Dxa).shading(Shading::new().fill(TINT)).set_borders(borders).add_paragraph(p);
        let margins = if top.is_some() { CellMargins::new().margin_top(140, WidthType::Dxa) } else { CellMargins::new().margin_bottom(180, WidthType::Dxa) };
        cell.property = std::mem::take(&mut cell.property).margins(margins);
        cell
    };
    let figures = stats
        .iter()
        .enumerate()
        .map(|(c, s)| {
            let mut p = notes.paragraph(&s.number, "KeyFigure", false).keep_next(true);
            if !s.unit.is_empty() {
                p = p.add_run(Run::new().add_text(" ").size(unit_size));
                p = notes.add(p, &s.unit, false, |r| r.size(unit_size));
            }
            cell(c, Some(accent), p)
        })
        .collect();
    let captions = stats.iter().enumerate().map(|(c, s)| cell(c, None, notes.paragraph(&s.caption, "KeyFigureCaption", false))).collect();
    Table::without_borders(vec![TableRow::new(figures).cant_split(), TableRow::new(captions).cant_split()])
        .set_grid(grid)
        .layout(TableLayoutType::Fixed)
        .width(5000, WidthType::Pct)
        .margins(TableCellMargins::new().margin(0, 140, 0, 140))
}
