//! The DOCX templates' output: a small line-based block markup that `docx` turns into
//! docx-rs calls. Templates decide the structure; data arrives escaped (`escape::docx_markup`).
//!
//! ```text
//! @title Peer support            @h1 / @h2 / @h3 Heading text
//! @subtitle ...  @meta ...       @p Paragraph text, continued on following lines
//! @li Bullet item                @quote Quoted words   @attrib — who, where
//! @small Small print             @table / @row a | b | c / @end   (first row is the header)
//! @image file.png | alt text     @chart series-id | alt text      @pagebreak
//! @panel Shaded paragraph (consecutive @panel paragraphs make one box)
//! @caption Text of a figure caption (the writer puts "Figure N: " before it)
//! @stats / @stat number | unit | caption / @end   (key figures: one column each; unit may be empty)
//! @footer Running footer text (one line; the writer adds "Page n of N")
//! inline: *bold*  _italic_  ^[footnote text]  \* literal star
//! ```
//!
//! As in Typst markup, a straight `'` or `"` typed in a template becomes a typographic
//! quote (’ ‘ ” “, by what precedes it), while an escaped one (`\'`, `\"`, which is how
//! every inserted value arrives) stays as it is: the DOCX shows what the PDF shows.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Span {
    Text { text: String, bold: bool, italic: bool },
    Note(Vec<Span>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Title,
    Subtitle,
    Meta,
    Heading(u8),
    Para,
    Bullet,
    Quote,
    Attribution,
    Small,
    /// A paragraph of a shaded panel (Typst's `#panel`).
    Panel,
    /// A figure caption; the writer numbers it.
    Caption,
}

/// One key figure: a big number, its unit (may be empty) and a caption.
#[derive(Debug, Clone, PartialEq)]
pub struct Stat {
    pub number: Vec<Span>,
    pub unit: Vec<Span>,
    pub caption: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Text(Kind, Vec<Span>),
    Table(Vec<Vec<Vec<Span>>>),
    /// Key figures side by side (Typst's `#stats`).
    Stats(Vec<Stat>),
    /// The running footer's text, for every page.
    Footer(Vec<Span>),
    Image { path: String, alt: String },
    /// A chart the build rendered to PNG, by series id.
    Chart { id: String, alt: String },
    PageBreak,
}

impl Block {
    /// The runs of text the block holds in the body, where its notes are (the running
    /// footer's are not: Word gives a footer no footnotes).
    pub fn spans(&self) -> Vec<&[Span]> {
        match self {
            Block::Text(_, spans) => vec![spans],
            Block::Table(rows) => rows.iter().flatten().map(Vec::as_slice).collect(),
            Block::Stats(stats) => stats.iter().flat_map(|s| [&s.number[..], &s.unit, &s.caption]).collect(),
            Block::Footer(_) | Block::Image { .. } | Block::Chart { .. } | Block::PageBreak => Vec::new(),
        }
    }
}

/// A markup error at a line of the rendered DOCX markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for MarkupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} of the rendered DOCX markup: {}", self.line, self.message)
    }
}

fn kind_of(directive: &str) -> Option<Kind> {
    Some(match directive {
        "title" => Kind::Title,
        "subtitle" => Kind::Subtitle,
        "meta" => Kind::Meta,
        "h1" => Kind::Heading(1),
        "h2" => Kind::Heading(2),
        "h3" => Kind::Heading(3),
        "p" => Kind::Para,
        "li" => Kind::Bullet,
        "quote" => Kind::Quote,
        "attrib" => Kind::Attribution,
        "small" => Kind::Small,
        "panel" => Kind::Panel,
        "caption" => Kind::Caption,
        _ => return None,
    })
}

enum Open {
    Nothing,
    Text(Kind, String, usize),
    Table(Vec<Vec<Vec<Span>>>, usize),
    Stats(Vec<Stat>, usize),
}

/// Parses the rendered markup into blocks.
pub fn parse(markup: &str) -> Result<Vec<Block>, MarkupError> {
    let mut blocks = Vec::new();
    let mut open = Open::Nothing;
    let flush = |open: &mut Open, blocks: &mut Vec<Block>| -> Result<(), MarkupError> {
        if let Open::Text(kind, text, line) = std::mem::replace(open, Open::Nothing) {
            blocks.push(Block::Text(kind, inline(&text).map_err(|m| MarkupError { line, message: m })?));
        }
        Ok(())
    };
    for (i, raw) in markup.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if let Open::Table(rows, start) = &mut open {
            match line {
                "" => {}
                "@end" => {
                    let rows = std::mem::take(rows);
                    open = Open::Nothing;
                    blocks.push(Block::Table(rows));
                }
                _ if line.starts_with("@row") => {
                    let cells = split_cells(line["@row".len()..].trim())
                        .iter()
                        .map(|c| inline(c.trim()))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|m| MarkupError { line: line_no, message: m })?;
                    rows.push(cells);
                }
                _ => {
                    return Err(MarkupError {
                        line: line_no,
                        message: format!("inside the table opened at line {start}, expected `@row` or `@end`"),
                    });
                }
            }
            continue;
        }
        if let Open::Stats(stats, start) = &mut open {
            match line {
                "" => {}
                "@end" => {
                    let stats = std::mem::take(stats);
                    open = Open::Nothing;
                    blocks.push(Block::Stats(stats));
                }
                _ if line.starts_with("@stat ") || line == "@stat" => {
                    let cells = split_cells(line["@stat".len()..].trim())
                        .iter()
                        .map(|c| inline(c.trim()))
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(|m| MarkupError { line: line_no, message: m })?;
                    let Ok([number, unit, caption]) = <[Vec<Span>; 3]>::try_from(cells) else {
                        return Err(MarkupError { line: line_no, message: "write `@stat number | unit | caption` (the unit may be empty)".into() });
                    };
                    stats.push(Stat { number, unit, caption });
                }
                _ => {
                    return Err(MarkupError {
                        line: line_no,
                        message: format!("inside the key figures opened at line {start}, expected `@stat` or `@end`"),
                    });
                }
            }
            continue;
        }
        if line.is_empty() {
            flush(&mut open, &mut blocks)?;
            continue;
        }
        let Some(rest) = line.strip_prefix('@') else {
            match &mut open {
                Open::Text(_, text, _) => {
                    text.push(' ');
                    text.push_str(line);
                }
                _ => open = Open::Text(Kind::Para, line.to_string(), line_no),
            }
            continue;
        };
        flush(&mut open, &mut blocks)?;
        let (directive, arg) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let arg = arg.trim();
        if let Some(kind) = kind_of(directive) {
            open = Open::Text(kind, arg.to_string(), line_no);
            continue;
        }
        match directive {
            "table" => open = Open::Table(Vec::new(), line_no),
            "stats" => open = Open::Stats(Vec::new(), line_no),
            "footer" => {
                let spans = inline(arg).map_err(|m| MarkupError { line: line_no, message: m })?;
                if spans.iter().any(|s| matches!(s, Span::Note(_))) {
                    return Err(MarkupError { line: line_no, message: "a footer cannot hold a footnote".into() });
                }
                blocks.push(Block::Footer(spans));
            }
            "pagebreak" => blocks.push(Block::PageBreak),
            "image" | "chart" => {
                let cells = split_cells(arg);
                let [target, alt] = cells.as_slice() else {
                    return Err(MarkupError { line: line_no, message: format!("write `@{directive} target | alt text`") });
                };
                let (target, alt) = (unescape(target.trim()), unescape(alt.trim()));
                if alt.is_empty() {
                    return Err(MarkupError { line: line_no, message: format!("`@{directive}` needs alt text after `|`") });
                }
                blocks.push(if directive == "chart" { Block::Chart { id: target, alt } } else { Block::Image { path: target, alt } });
            }
            other => {
                return Err(MarkupError {
                    line: line_no,
                    message: format!("unknown block `@{other}`; known: @title @subtitle @meta @h1 @h2 @h3 @p @li @quote @attrib @small @panel @caption @table @row @stats @stat @end @image @chart @footer @pagebreak"),
                });
            }
        }
    }
    match open {
        Open::Table(_, start) => return Err(MarkupError { line: start, message: "table not closed with `@end`".into() }),
        Open::Stats(_, start) => return Err(MarkupError { line: start, message: "key figures not closed with `@end`".into() }),
        _ => {}
    }
    flush(&mut open, &mut blocks)?;
    Ok(blocks)
}

/// Splits at unescaped `|`.
fn split_cells(s: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                cells.last_mut().unwrap().push('\\');
                if let Some(n) = chars.next() {
                    cells.last_mut().unwrap().push(n);
                }
            }
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses inline markup: `*bold*`, `_italic_`, `^[note]`, `\x`; an unescaped `'` or `"`
/// becomes a typographic quote (see the module docs).
pub fn inline(s: &str) -> Result<Vec<Span>, String> {
    let chars: Vec<char> = s.chars().collect();
    let (spans, rest) = spans(&chars, 0, false)?;
    debug_assert_eq!(rest, chars.len());
    Ok(spans)
}

fn spans(chars: &[char], mut i: usize, in_note: bool) -> Result<(Vec<Span>, usize), String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let (mut bold, mut italic) = (false, false);
    // The last character of text so far, which decides between opening and closing quotes.
    let mut last: Option<char> = None;
    let push = |out: &mut Vec<Span>, text: &mut String, bold: bool, italic: bool| {
        if !text.is_empty() {
            out.push(Span::Text { text: std::mem::take(text), bold, italic });
        }
    };
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    text.push(n);
                    last = Some(n);
                }
                i += 2;
                continue;
            }
            c @ ('\'' | '"') => {
                let c = smart_quote(c, last);
                text.push(c);
                last = Some(c);
            }
            '*' => {
                push(&mut out, &mut text, bold, italic);
                bold = !bold;
            }
            '_' => {
                push(&mut out, &mut text, bold, italic);
                italic = !italic;
            }
            '^' if chars.get(i + 1) == Some(&'[') => {
                if in_note {
                    return Err("a footnote cannot contain another footnote".into());
                }
                push(&mut out, &mut text, bold, italic);
                let (note, end) = spans(chars, i + 2, true)?;
                out.push(Span::Note(note));
                i = end + 1;
                continue;
            }
            ']' if in_note => {
                push(&mut out, &mut text, bold, italic);
                return Ok((out, i));
            }
            c => {
                text.push(c);
                last = Some(c);
            }
        }
        i += 1;
    }
    if in_note {
        return Err("footnote `^[` is not closed with `]`".into());
    }
    push(&mut out, &mut text, bold, italic);
    Ok((out, i))
}

/// A typographic quote for a straight one, as Typst's smart quotes choose: opening at the
/// start or after a space, an opening bracket or quote or a dash; closing (and the
/// apostrophe) otherwise.
fn smart_quote(c: char, before: Option<char>) -> char {
    let opening = before.is_none_or(|b| b.is_whitespace() || matches!(b, '(' | '[' | '{' | '‘' | '“' | '—' | '–' | '/'));
    match (c, opening) {
        ('\'', true) => '‘',
        ('\'', false) => '’',
        (_, true) => '“',
        (_, false) => '”',
    }
}

/// The plain text of spans, footnotes left out.
pub fn plain(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match s {
            Span::Text { text, .. } => text.as_str(),
            Span::Note(_) => "",
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::escape::docx_markup;

    fn t(text: &str) -> Span {
        Span::Text { text: text.into(), bold: false, italic: false }
    }

    #[test]
    fn parses_blocks_and_inline() {
        let doc = "@h1 Title\n@p Some *bold* text^[Wales, p. 5]\ncontinued\n\n@li one\n@table\n@row a | b\n@end\n";
        let blocks = parse(doc).unwrap();
        assert_eq!(blocks[0], Block::Text(Kind::Heading(1), vec![t("Title")]));
        assert_eq!(
            blocks[1],
            Block::Text(
                Kind::Para,
                vec![t("Some "), Span::Text { text: "bold".into(), bold: true, italic: false }, t(" text"), Span::Note(vec![t("Wales, p. 5")]), t(" continued")]
            )
        );
        assert_eq!(blocks[3], Block::Table(vec![vec![vec![t("a")], vec![t("b")]]]));
    }

    #[test]
    fn parses_panels_captions_stats_and_footer() {
        let doc = "@footer Ministers · 1 May\n@panel *Summary.* text\n@stats\n@stat 7 | boards | Health boards^[Wales, p. 5]\n@stat 71% |  | of staff\n@end\n@caption Peer workers, Wales\n";
        let blocks = parse(doc).unwrap();
        assert_eq!(blocks[0], Block::Footer(vec![t("Ministers · 1 May")]));
        assert_eq!(blocks[1], Block::Text(Kind::Panel, vec![Span::Text { text: "Summary.".into(), bold: true, italic: false }, t(" text")]));
        let Block::Stats(stats) = &blocks[2] else { panic!("{:?}", blocks[2]) };
        assert_eq!(stats.len(), 2);
        assert_eq!((&stats[0].number, &stats[0].unit), (&vec![t("7")], &vec![t("boards")]));
        assert_eq!(stats[0].caption, vec![t("Health boards"), Span::Note(vec![t("Wales, p. 5")])]);
        assert!(stats[1].unit.is_empty());
        assert_eq!(blocks[3], Block::Text(Kind::Caption, vec![t("Peer workers, Wales")]));
        assert!(parse("@stats\n@stat 1 | x\n@end").unwrap_err().message.contains("@stat number | unit | caption"));
        assert!(parse("@stats\n@p x\n@end").is_err());
        assert_eq!(parse("@stats\n@stat 1 | | x\n").unwrap_err().line, 1);
        assert!(parse("@footer a^[b]").is_err());
    }

    #[test]
    fn template_quotes_are_typographic_and_escaped_ones_literal() {
        assert_eq!(inline("In people's own words").unwrap(), vec![t("In people’s own words")]);
        assert_eq!(inline("the 'fourth' \"service\" (as 'said')").unwrap(), vec![t("the ‘fourth’ “service” (as ‘said’)")]);
        assert_eq!(inline("*report*'s").unwrap()[1], t("’s"));
        let data = "Ireland's 'x' \"y\" https://e.org/a'b";
        assert_eq!(inline(&docx_markup(data)).unwrap(), vec![t(data)]);
    }

    #[test]
    fn escaped_values_stay_text() {
        let hostile = "@h1 *x* _y_ ^[z] a|b \\ ]\n@pagebreak";
        let doc = format!("@p {}", docx_markup(hostile));
        let blocks = parse(&doc).unwrap();
        assert_eq!(blocks, vec![Block::Text(Kind::Para, vec![t("@h1 *x* _y_ ^[z] a|b \\ ] @pagebreak")])]);
    }
}
