//! The next unit laid out alone, for the search to tell that it cannot fit without laying
//! out the whole brief with it: a unit's estimate from its source size runs from half to
//! 1.4 times its height, too loose to rule a unit out when the room left is close to it
//! (the all-countries minister brief's next option: estimated 200 pt against 177 left, and
//! a layout to find it did not fit).
//!
//! Only a unit that stands whole at the top level of the generated source is measured: a
//! marker with the one call that follows it (an option, a quote) or a list item holding
//! the marker. Inside a call (a table row, a strip of figures, columns) its height depends
//! on what is around it, and a paragraph runs on into whatever follows; those are left to
//! the estimate.

use super::fit::weighted;
use typst::syntax::{SyntaxKind, SyntaxNode};

/// The room unit `key` would take in the brief: `with` is the candidate's source with it,
/// `without` the laid-out one's. The probe sets the unit after a block (so the gap above
/// it counts), at the page's width, with the source's own set-up (imports, show and set
/// rules, definitions), then the notes with it and without it, whose difference is what the
/// unit adds to them. Never more than the unit takes in the brief, where what else it
/// makes the template print counts too. `None` where the unit does not stand alone, or
/// where the source grew by less than the unit and its notes (the template dropped
/// something for it), or the probe ran onto a second page. `lay` lays the probe out and
/// gives its markers (as `Laid::markers`) and its page height.
pub fn need(without: &str, with: &str, key: &str, lay: &dyn Fn(String) -> Option<(Vec<(String, f64)>, f64)>) -> Option<f64> {
    let (preamble, unit) = segment(with, key)?;
    let notes = |s: &str| segment(s, "notes").map(|(_, n)| n).unwrap_or_default();
    let (after, before) = (notes(with), notes(without));
    let grew = weighted(with) as f64 - weighted(without) as f64;
    let parts = weighted(&unit) as f64 + weighted(&after) as f64 - weighted(&before) as f64;
    // A few characters of slack: the notes' numbers after the unit's change.
    if grew + 10.0 < parts {
        return None;
    }
    let m = |k: &str| format!("\n{}\n", super::marker(&format!("probe:{k}")));
    let source = format!("{preamble}#block(height: 1pt){}{unit}{}{after}{}{before}{}#block(height: 1pt)\n", m("a"), m("b"), m("c"), m("d"));
    let (markers, page) = lay(source)?;
    let y = |k: &str| markers.iter().find(|(m, _)| *m == format!("probe:{k}")).map(|(_, y)| *y);
    let (a, b, c, d) = (y("a")?, y("b")?, y("c")?, y("d")?);
    if (a / page).floor() != (d / page).floor() {
        return None;
    }
    Some((b - a) + (c - b) - (d - c))
}

/// The set-up statements before unit `key` (imports, show and set rules, definitions at the
/// top level) and the unit's own source, where it stands whole at the top level.
pub fn segment(source: &str, key: &str) -> Option<(String, String)> {
    let at = source.find(&super::marker(key))?;
    let root = typst::syntax::parse(source);
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
    let (from, to) = match kind(i)? {
        SyntaxKind::ListItem | SyntaxKind::EnumItem => (children[i].0, end_of(i)),
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
            (children[i].0, end_of(j + 1))
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
    Some((preamble, unit.to_string()))
}
