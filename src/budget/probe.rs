//! The next unit laid out alone, for the search to tell that it cannot fit without laying
//! out the whole brief with it: a unit's estimate from its source size runs from half to
//! 1.4 times its height, too loose to rule a unit out when the room left is close to it
//! (an option of the all-countries minister brief was estimated at 200 pt; it takes 176.5).
//!
//! Only a unit that stands whole at the top level of the generated source is measured: a
//! marker with the one call that follows it (an option, a quote) or a list item holding
//! the marker, between blocks that stand alone too (headings, list items, calls on lines of
//! their own). Inside a call (a table row, a strip of figures, columns) its height depends
//! on what is around it, and a paragraph runs on into whatever follows; those are left to
//! the estimate.

use super::fit::weighted;
use typst::syntax::{SyntaxKind, SyntaxNode};

/// The room unit `key` would take in the brief: `with` is the candidate's source with it,
/// `without` the laid-out one's. The probe sets, at the page's width and with the source's
/// own set-up (imports, show and set rules, definitions), the unit between the blocks it
/// stands between in the brief, then the notes with it; and in the next column (the next
/// page) those two blocks alone, then the notes without it. The difference is what the
/// unit adds to the brief, with the gap it makes and the one it closes, and its notes. (Set
/// after a block of its own, the all-countries minister brief's ninth unit measured 3.2 pt
/// more than it takes between the option and the heading around it, and was ruled out
/// though it fitted.) What else the unit makes the template print is not counted. `None`
/// where the unit does not stand alone, or where the source grew by less than the unit and
/// its notes (the template dropped something for it), or a part of the probe ran onto a
/// further page. `lay` lays the probe out and gives its markers (as `Laid::markers`) and
/// its page height.
pub fn need(without: &str, with: &str, key: &str, lay: &dyn Fn(String) -> Option<(Vec<(String, f64)>, f64)>) -> Option<f64> {
    let parsed = typst::syntax::parse(with);
    let unit = parts(with, &parsed, key)?;
    let notes = |s: &str, root: &SyntaxNode| parts(s, root, "notes").map(|p| p.unit).unwrap_or_default();
    let (after, before) = (notes(with, &parsed), notes(without, &typst::syntax::parse(without)));
    let grew = weighted(with) as f64 - weighted(without) as f64;
    let adds = weighted(&unit.unit) as f64 + weighted(&after) as f64 - weighted(&before) as f64;
    // A few characters of slack: the notes' numbers after the unit's change.
    if grew + 10.0 < adds {
        return None;
    }
    let m = |k: &str| format!("\n{}\n", super::marker(&format!("probe:{k}")));
    let (x, u, y) = (&unit.before, &unit.unit, &unit.after);
    // The block after the unit may be the notes themselves; else they follow it, after a
    // gap that is the same with the unit and without it.
    let y = if !y.is_empty() && after.ends_with(y.as_str()) { "" } else { y.as_str() };
    // A column break, not a page break: Typst lays out the runs of pages between page breaks
    // in parallel on its thread pool, where a probe's second run could wait behind another
    // brief's layout at -j2. (The matrix at -j2 with page breaks: 404 against 373 ms in one
    // spell of 15 rounds; in the next 13, no difference.)
    let source = format!("{}{}{x}\n{u}\n{y}\n{after}{}#colbreak()\n{}{x}\n{y}\n{before}{}", unit.preamble, m("a"), m("b"), m("c"), m("d"));
    let (markers, page) = lay(source)?;
    let at = |k: &str| markers.iter().find(|(m, _)| *m == format!("probe:{k}")).map(|(_, y)| *y);
    // The height from one marker to the next, where both are on one page.
    let span = |from: &str, to: &str| -> Option<f64> {
        let (a, b) = (at(from)?, at(to)?);
        ((a / page).floor() == (b / page).floor()).then_some(b - a)
    };
    Some(span("a", "b")? - span("c", "d")?)
}

/// The set-up statements before unit `key` (imports, show and set rules, definitions at the
/// top level) and the unit's own source, where it stands whole at the top level.
pub fn segment(source: &str, key: &str) -> Option<(String, String)> {
    parts(source, &typst::syntax::parse(source), key).map(|p| (p.preamble, p.unit))
}

/// A unit standing whole at the top level of a source, with what it needs to be laid out
/// as in the brief.
struct Parts {
    /// The set-up statements before it.
    preamble: String,
    unit: String,
    /// The blocks just before and after it (`neighbour`).
    before: String,
    after: String,
}

/// Unit `key` of `source`, whose syntax tree is `root`.
fn parts(source: &str, root: &SyntaxNode, key: &str) -> Option<Parts> {
    let at = source.find(&super::marker(key))?;
    let children: Vec<(usize, &SyntaxNode)> = root
        .children()
        .scan(0, |offset, c| {
            let start = *offset;
            *offset += c.len();
            Some((start, c))
        })
        .collect();
    let i = children.iter().position(|(start, c)| *start <= at && at < start + c.len())?;
    let kind = |j: usize| children.get(j).map(|(_, c)| c.kind());
    let end_of = |j: usize| children[j].0 + children[j].1.len();
    let spaces = |mut j: usize| {
        while kind(j) == Some(SyntaxKind::Space) {
            j += 1;
        }
        j
    };
    let (from, to, last) = match kind(i)? {
        SyntaxKind::ListItem | SyntaxKind::EnumItem => (children[i].0, end_of(i), i),
        // `#` then `metadata(..)`: the unit is the call after it, on its own.
        SyntaxKind::Hash if kind(i + 1) == Some(SyntaxKind::FuncCall) => {
            let j = spaces(i + 2);
            if kind(j) != Some(SyntaxKind::Hash) || kind(j + 1) != Some(SyntaxKind::FuncCall) {
                return None;
            }
            // What follows must be another statement, a paragraph break or the end, not
            // text the call's line runs on into.
            if !matches!(kind(spaces(j + 2)), None | Some(SyntaxKind::Hash | SyntaxKind::Parbreak | SyntaxKind::Heading)) {
                return None;
            }
            (children[i].0, end_of(j + 1), j + 1)
        }
        _ => return None,
    };
    let unit = &source[from..to];
    if unit.matches(super::MARKER_OPEN).count() != 1 {
        return None;
    }
    let mut preamble = String::new();
    for w in children[..i].windows(2) {
        let ((_, hash), (start, node)) = (w[0], w[1]);
        if hash.kind() == SyntaxKind::Hash
            && matches!(node.kind(), SyntaxKind::ModuleImport | SyntaxKind::ShowRule | SyntaxKind::SetRule | SyntaxKind::LetBinding)
        {
            preamble.push('#');
            preamble.push_str(&source[start..start + node.len()]);
            preamble.push('\n');
        }
    }
    let before = neighbour(source, &children, i, true);
    let after = neighbour(source, &children, last, false);
    Some(Parts { preamble, unit: unit.to_string(), before, after })
}

/// The block next to child `from` on one side (`back`: before it), past spaces, set-up and
/// invisible markers: a heading, a list item, a `#` call on lines of its own, or the
/// paragraph of text it is in (up to a blank line or a block). Empty where there is none.
fn neighbour(source: &str, children: &[(usize, &SyntaxNode)], from: usize, back: bool) -> String {
    let n = children.len();
    let kind = |j: usize| children[j].1.kind();
    let raw = |a: usize, b: usize| &source[children[a].0..children[b].0 + children[b].1.len()];
    let text = |a: usize, b: usize| raw(a, b).trim();
    let newline = |j: usize| kind(j) == SyntaxKind::Parbreak || (kind(j) == SyntaxKind::Space && raw(j, j).contains('\n'));
    let call = |j: usize| j > 0 && kind(j - 1) == SyntaxKind::Hash;
    // A call on lines of its own: a block, not a part of a paragraph.
    let own_lines = |j: usize| call(j) && kind(j) == SyntaxKind::FuncCall && (j < 2 || newline(j - 2)) && (j + 1 >= n || newline(j + 1));
    let block = |j: usize| matches!(kind(j), SyntaxKind::Heading | SyntaxKind::ListItem | SyntaxKind::EnumItem) || own_lines(j);
    // Where a paragraph stops: a blank line, a block, or the line break beside one.
    let stop = |k: usize| {
        kind(k) == SyntaxKind::Parbreak || block(k) || (newline(k) && ((k > 0 && block(k - 1)) || (k + 2 < n && kind(k + 1) == SyntaxKind::Hash && block(k + 2))))
    };
    let mut j = from;
    loop {
        let next = if back { j.checked_sub(1) } else { Some(j + 1).filter(|&k| k < n) };
        let Some(k) = next else { return String::new() };
        j = k;
        match kind(j) {
            SyntaxKind::Space | SyntaxKind::Parbreak | SyntaxKind::Hash => continue,
            SyntaxKind::SetRule | SyntaxKind::ShowRule | SyntaxKind::LetBinding | SyntaxKind::ModuleImport if call(j) => continue,
            SyntaxKind::FuncCall if call(j) && text(j, j).starts_with("metadata(") => continue,
            _ if block(j) => return if call(j) { format!("#{}", text(j, j)) } else { text(j, j).to_string() },
            _ => {
                // Text: its whole paragraph, from a `#` that starts a call in it.
                let (mut a, mut b) = (j, j);
                if back {
                    while a > 0 && !stop(a - 1) {
                        a -= 1;
                    }
                } else {
                    if call(j) {
                        a = j - 1;
                    }
                    while b + 1 < n && !stop(b + 1) {
                        b += 1;
                    }
                }
                return text(a, b).to_string();
            }
        }
    }
}
