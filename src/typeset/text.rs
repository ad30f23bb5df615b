//! What a reader sees on each laid-out page: the lines of text with the role of the
//! element that printed them, read from the Typst document itself (not from the PDF), for
//! the editorial check.

use serde::Serialize;
use typst::foundations::{Content, StyleChain, Value};
use typst::introspection::MetadataElem;
use typst::introspection::{Location, Tag};
use typst::layout::{Frame, FrameItem, Point, Transform};
use typst::pdf::ArtifactElem;
use typst::model::{FigureCaption, FootnoteElem, FootnoteEntry, HeadingElem, TableCell, TableHeader, TermItem};
use typst_layout::PagedDocument;

/// The part of a brief a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Body,
    Heading,
    TableHeader,
    /// A table cell outside the header.
    Cell,
    /// A term (not its description) of a term list, such as a glossary.
    Term,
    /// A term's description.
    Description,
    Caption,
    /// A footnote's text at the page foot.
    Footnote,
    /// Running headers and footers, list markers and term separators: what Typst marks as
    /// artifacts, not part of the text.
    Artifact,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    /// 1-based.
    pub page: usize,
    /// Points from the top of the page.
    pub top: f64,
    pub bottom: f64,
    pub text: String,
    /// Where the line's last run of text ends, in points from the left edge (runs further
    /// right, as in another column, start a line of their own).
    #[serde(skip)]
    pub right: f64,
    /// Where the line starts, in points from the left edge.
    #[serde(skip)]
    pub left: f64,
    pub role: Role,
    /// Font size in points.
    pub size: f64,
    /// A heading's level (1 for a section); 0 for other lines.
    pub level: usize,
    /// Which table cell (an index unique in the document) a line belongs to.
    pub cell: Option<usize>,
}

/// A brief as laid out: its lines in reading order, the vertical extent of everything
/// drawn outside the footer (text, shapes, pictures), and where footnotes landed.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PageText {
    pub page_height: f64,
    pub pages: usize,
    pub lines: Vec<Line>,
    /// (page, top, bottom) of every drawn item that is not part of the footer.
    pub extents: Vec<(usize, f64, f64)>,
    /// (page of the marker, page of the note, the note's text) for every footnote.
    pub footnotes: Vec<(usize, usize, String)>,
    /// Pages that begin where the build broke the page on purpose (`#metadata("u:moved")`,
    /// to keep a footnote with its marker).
    pub moved: Vec<usize>,
    /// Where each footnote's marker is: (page, points from the page top, the 0-based line
    /// of the main source that wrote it), in the order of `footnotes`.
    pub marker_at: Vec<(usize, f64, Option<usize>)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Open {
    Heading(usize),
    TableHeader,
    Cell(usize),
    Term,
    Caption,
    Footnote,
    Artifact,
}

struct Walker {
    out: PageText,
    open: Vec<(Location, Open)>,
    markers: Vec<(Location, usize, f64, typst::syntax::Span)>,
    entries: Vec<(Location, usize, String)>,
    cells: usize,
    page: usize,
}

impl Walker {
    fn role(&self) -> (Role, Option<usize>) {
        let mut role = Role::Body;
        let mut cell = None;
        for (_, o) in &self.open {
            match o {
                Open::Footnote => return (Role::Footnote, None),
                Open::Artifact => return (Role::Artifact, None),
                Open::Heading(_) => role = Role::Heading,
                Open::TableHeader => role = Role::TableHeader,
                Open::Cell(i) => {
                    cell = Some(*i);
                    if role == Role::Body {
                        role = Role::Cell;
                    }
                }
                Open::Term => role = Role::Description,
                Open::Caption => role = Role::Caption,
            }
        }
        (role, cell)
    }

    fn start(&mut self, content: &Content, y: f64) {
        let Some(loc) = content.location() else { return };
        let open = if content.is::<ArtifactElem>() {
            Open::Artifact
        } else if let Some(h) = content.to_packed::<HeadingElem>() {
            Open::Heading(h.resolve_level(StyleChain::default()).get())
        } else if content.is::<TableHeader>() {
            Open::TableHeader
        } else if content.is::<TableCell>() {
            self.cells += 1;
            Open::Cell(self.cells)
        } else if content.is::<TermItem>() {
            Open::Term
        } else if content.is::<FigureCaption>() {
            Open::Caption
        } else if let Some(entry) = content.to_packed::<FootnoteEntry>() {
            if let Some(note) = entry.note.location() {
                self.entries.push((note, self.page, String::new()));
            }
            Open::Footnote
        } else {
            if let Some(meta) = content.to_packed::<MetadataElem>()
                && meta.value == Value::Str("u:moved".into())
            {
                self.out.moved.push(self.page);
            }
            if content.is::<FootnoteElem>() {
                self.markers.push((loc, self.page, y, content.span()));
            }
            return;
        };
        self.open.push((loc, open));
    }

    fn frame(&mut self, frame: &Frame, ts: Transform) {
        for (pos, item) in frame.items() {
            let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
            match item {
                FrameItem::Group(g) => {
                    self.frame(&g.frame, ts.pre_concat(g.transform));
                }
                FrameItem::Tag(Tag::Start(content, _)) => self.start(content, apply(ts, Point::zero()).1),
                FrameItem::Tag(Tag::End(loc, ..)) => {
                    if let Some(i) = self.open.iter().rposition(|(l, _)| l == loc) {
                        self.open.remove(i);
                    }
                }
                FrameItem::Text(t) => {
                    let p = apply(ts, Point::zero());
                    let size = t.size.to_pt() * ts.sy.get().abs();
                    let (top, bottom) = (p.1 - size * 0.8, p.1 + size * 0.25);
                    let text = t.text.to_string();
                    let (role, cell) = self.role();
                    // A term item prints its term, a separator (an artifact), then the
                    // description: what stands before the separator is the term.
                    if role == Role::Artifact
                        && self.open.iter().any(|(_, o)| *o == Open::Term)
                        && let Some(last) = self.out.lines.last_mut()
                        && last.role == Role::Description
                        && last.page == self.page
                        && (last.bottom - (p.1 + size * 0.25)).abs() < size * 0.6
                    {
                        last.role = Role::Term;
                    }
                    if role != Role::Artifact {
                        self.out.extents.push((self.page, top, bottom));
                    }
                    if role == Role::Footnote
                        && let Some(e) = self.entries.last_mut()
                    {
                        e.2.push_str(&text);
                    }
                    let width = t.width().to_pt() * ts.sx.get().abs();
                    self.push(role, cell, (p.0, p.0 + width), top, bottom, size, text);
                }
                FrameItem::Shape(shape, _) => {
                    let rect = shape.bbox(true);
                    let (a, b) = (apply(ts, rect.min), apply(ts, rect.max));
                    if self.role().0 != Role::Artifact {
                        self.out.extents.push((self.page, a.1.min(b.1), a.1.max(b.1)));
                    }
                }
                FrameItem::Image(_, size, _) => {
                    let (a, b) = (apply(ts, Point::zero()), apply(ts, Point::new(size.x, size.y)));
                    self.out.extents.push((self.page, a.1.min(b.1), a.1.max(b.1)));
                }
                FrameItem::Link(..) => {}
            }
        }
    }

    /// Joins a run of text to the line it continues (same baseline, same role) or starts
    /// a new line.
    #[allow(clippy::too_many_arguments)]
    fn push(&mut self, role: Role, cell: Option<usize>, (left, right): (f64, f64), top: f64, bottom: f64, size: f64, text: String) {
        if let Some(last) = self.out.lines.last_mut()
            && last.page == self.page
            && last.role == role
            && last.cell == cell
            && (last.bottom - bottom).abs() < size * 0.6
            && left >= last.right - size
            && left <= last.right + size * 1.5
        {
            last.right = last.right.max(right);
            last.left = last.left.min(left);
            if !last.text.ends_with(' ') && !text.starts_with(' ') {
                last.text.push(' ');
            }
            last.text.push_str(&text);
            last.top = last.top.min(top);
            last.size = last.size.max(size);
            return;
        }
        let level = self.open.iter().find_map(|(_, o)| if let Open::Heading(l) = o { Some(*l) } else { None }).unwrap_or(0);
        self.out.lines.push(Line { page: self.page, top, bottom, text, right, left, role, size, level, cell });
    }
}

fn apply(ts: Transform, p: Point) -> (f64, f64) {
    let (x, y) = (p.x.to_pt(), p.y.to_pt());
    (ts.sx.get() * x + ts.kx.get() * y + ts.tx.to_pt(), ts.ky.get() * x + ts.sy.get() * y + ts.ty.to_pt())
}

/// Reads every page of `document`. Running headers and footers are artifacts (Typst marks
/// them so for PDF/UA), told apart from the flow by that. `line_of` maps a span to its
/// line in the main source.
pub fn read(document: &PagedDocument, line_of: impl Fn(typst::syntax::Span) -> Option<usize>) -> PageText {
    let pages = document.pages();
    let height = pages.first().map_or(0.0, |p| p.frame.height().to_pt());
    let mut w = Walker {
        out: PageText { page_height: height, pages: pages.len(), ..PageText::default() },
        open: Vec::new(),
        markers: Vec::new(),
        entries: Vec::new(),
        cells: 0,
        page: 0,
    };
    for (i, page) in pages.iter().enumerate() {
        w.page = i + 1;
        w.frame(&page.frame, Transform::identity());
    }
    for line in &mut w.out.lines {
        line.text = line.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    w.out.lines.retain(|l| !l.text.is_empty());
    for (loc, page, y, span) in &w.markers {
        if let Some((_, note_page, text)) = w.entries.iter().find(|(l, _, _)| l == loc) {
            w.out.footnotes.push((*page, *note_page, text.clone()));
            w.out.marker_at.push((*page, *y, line_of(*span)));
        }
    }
    w.out
}
