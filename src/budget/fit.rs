//! The page-budget search: keeps the longest prefix of an audience's ranking that fits its
//! page limit, then mends what a reader would correct in the chosen layout (a footnote torn
//! from its marker, a nearly empty last page) with page breaks or, sparingly, a few units less.

use super::Unit;
use crate::diagnostic::Diagnostic;
use crate::editorial;
use crate::select::Brief;
use crate::audience::Audience;
use crate::typeset;
use std::collections::HashMap;

/// One layout attempt: the brief as cut, its Typst source and its pages.
pub struct Attempt {
    pub brief: Brief,
    pub source: String,
    pub laid: typeset::Laid,
}

/// How the search lays out a candidate and judges it; the build supplies both.
pub struct Layouts<'a> {
    /// Renders and lays out a cut brief, with page breaks before the given places.
    pub lay: Box<dyn Fn(Brief, &[Break]) -> Result<Attempt, Vec<Diagnostic>> + 'a>,
    /// How many editorial findings a laid-out candidate has.
    pub findings: Box<dyn Fn(&Attempt) -> usize + 'a>,
    /// The spec, for the message when nothing fits.
    pub spec_path: std::path::PathBuf,
}

/// Keeps the longest prefix of the audience's ranking that fits the page budget.
///
/// Only layouts, no PDF export, until the choice is made. A selection is laid out whole
/// first (usually it fits: one layout). If it overflows, the templates' unit markers tell
/// how much room each unit took and how much runs past the budget, so the lowest-ranked
/// units that free that room are cut in one step; the result is checked, then grown back
/// one unit at a time or bisected until the largest prefix that fits is found. Very large
/// selections (over 48 units) are never laid out whole: the search gallops up from 16.
pub fn fit(full: &Brief, audience: &Audience, lay: &Layouts) -> Result<(Attempt, Vec<Unit>), Vec<Diagnostic>> {
    let limit = audience.pages;
    let ranking = super::ranking(full, audience);
    let n = ranking.len();
    let attempt_with = |keep: usize, breaks: &[Break]| -> Result<Attempt, Vec<Diagnostic>> {
        let brief = super::retain(full, &ranking, keep);
        let attempt = (lay.lay)(brief, breaks)?;
        // Candidates share little layout work; keeping their memoised results only grows
        // memory (150 MB for seven countries' funder brief without this).
        typst::comemo::evict(1);
        Ok(attempt)
    };
    let attempt = |keep: usize| attempt_with(keep, &[]);
    // The search brackets on the page count alone, which only grows with the units kept.
    let fits = |a: &Attempt| a.laid.pages() <= limit;
    // A footnote Typst could not keep on its marker's page (inside a list it cannot move
    // the line) reads as a mistake, and so does a last page holding almost nothing (two
    // references, a stray line). Neither grows steadily with the units kept, so they are
    // mended after the search (`finish`); real content is worth more than the look of a
    // page, so little is cut for them.
    let finish = |best: Attempt, known: usize| -> Result<(Attempt, Vec<Unit>), Vec<Diagnostic>> {
        let findings = |a: &Attempt| (lay.findings)(a);
        // The first torn footnote's marker: (page, y, source line), if any.
        let first_tear = |a: &Attempt| {
            let t = a.laid.text();
            t.footnotes.iter().position(|(m, n, _)| m != n).map(|i| t.marker_at[i])
        };
        let mut best = (findings(&best), best, known, Vec::<Break>::new());
        // First page breaks: before the unit that holds a torn
        // footnote's marker (and the headings right above it), or before the marker's own
        // line; a break that only moves the tear further on is kept and the next one mended.
        for _ in 0..4 {
            let Some((page, y, line)) = first_tear(&best.1) else { break };
            let at = best.1.laid.page_height() * (page - 1) as f64 + y;
            let mut tries: Vec<Break> = Vec::new();
            if let Some((key, _)) = best.1.laid.markers().into_iter().filter(|(k, y)| k != "end" && k != "moved" && *y <= at).last() {
                tries.push(Break::Unit(key));
            }
            tries.extend(line.map(Break::Line));
            let mut next = None;
            'tries: for b in tries {
                let mut breaks = best.3.clone();
                breaks.push(b);
                // A break takes room: if the brief then runs over its budget, up to three of
                // the lowest-ranked units make way for it.
                for keep in (best.2.saturating_sub(3)..=best.2).rev() {
                    // A break Typst refuses (inside a container) is simply not a candidate.
                    let Ok(a) = attempt_with(keep, &breaks) else { continue 'tries };
                    if !fits(&a) {
                        continue;
                    }
                    let n = findings(&a);
                    // Fewer findings, or as many with the tear moved further on (mended next).
                    let progress = n < best.0 || first_tear(&a).is_some_and(|(p, _, _)| p > page) && n == best.0;
                    if progress {
                        next = Some((n, a, keep, breaks));
                        break 'tries;
                    }
                    continue 'tries;
                }
            }
            match next {
                Some(n) => best = n,
                None => break,
            }
        }
        // Then cutting the lowest-ranked units: at most three, and for a nearly empty last
        // page only while what they take is small beside the spill (twice it, plus about a
        // short quote). The candidate with the fewest findings wins.
        if best.0 > 0 {
            let text = best.1.laid.text();
            let sparse = editorial::sparse_last(&text);
            let spill = if sparse { editorial::filled(&text, text.pages) } else { f64::INFINITY };
            let room = rooms(&best.1);
            let (from, breaks) = (best.2, best.3.clone());
            let mut cost = 0.0;
            for keep in (from.saturating_sub(3)..from).rev() {
                // The reference list is the one unit whose loss costs the reader little: every
                // note still names the report's section and pages.
                if ranking[keep] != Unit::References {
                    cost += room.get(ranking[keep].key().as_str()).copied().unwrap_or(0.0);
                }
                if sparse && cost > 2.0 * spill + 90.0 {
                    break;
                }
                let Ok(a) = attempt_with(keep, &breaks) else { continue };
                let n = findings(&a);
                if fits(&a) && n < best.0 {
                    best = (n, a, keep, breaks.clone());
                    if n == 0 {
                        break;
                    }
                }
            }
        }
        Ok((best.1, ranking[best.2..].to_vec()))
    };
    // Largest number of units known to fit, with its layout; smallest known not to.
    let mut lo: Option<(usize, Attempt)> = None;
    let mut k = if n <= 48 { n } else { 16 };
    let mut over = loop {
        let a = attempt(k)?;
        if !fits(&a) {
            break a;
        }
        if k == n {
            return finish(a, n);
        }
        lo = Some((k, a));
        k = (k * 2).min(n);
    };
    let mut hi = k;
    // Measured cuts from the latest overflowing layout, while they land inside the
    // bracket; a cut that fits ends them.
    for _ in 0..3 {
        let known = lo.as_ref().map(|(k, _)| *k);
        let cut = measured_cut(&over, &ranking, hi, limit);
        if hi == 0 || known.is_some_and(|k| cut <= k) {
            break;
        }
        let b = attempt(cut)?;
        if fits(&b) {
            lo = Some((cut, b));
            break;
        }
        hi = cut;
        over = b;
    }
    // Grow back from the best fit known: the next unit first (a measured cut is usually
    // within a unit or two of the best), then bisect. With no fit known, bisect down
    // towards the fixed sections alone.
    let mut known = lo.as_ref().map_or(0, |(k, _)| *k);
    let mut best = lo.map(|(_, a)| a);
    let mut next_first = best.is_some();
    while hi - known > 1 {
        let probe = if next_first { known + 1 } else { known + (hi - known) / 2 };
        next_first = false;
        let a = attempt(probe)?;
        if fits(&a) {
            known = probe;
            best = Some(a);
        } else {
            hi = probe;
        }
    }
    let best = match best {
        Some(b) => b,
        None => {
            let a = if hi == 0 { over } else { attempt(0)? };
            if !fits(&a) {
                return Err(vec![Diagnostic::new(format!(
                    "`{}` does not fit its {limit}-page budget even with only the title, summary and fixed sections ({} pages)",
                    full.meta.stem,
                    a.laid.pages()
                ))
                .in_file(&lay.spec_path)
                .hint("shorten the title or subtitle, or check the audience's template for fixed content")]);
            }
            a
        }
    };
    finish(best, known)
}

/// From a layout that runs past the budget: how many of the ranking's first `kept` units
/// to keep so that the room the dropped ones took covers the overflow. A unit's room runs
/// from its marker to the next marker; the overflow is what lies past the budget's last
/// page. Without markers every unit measures zero and everything is cut; the caller then
/// grows back by bisection.
fn measured_cut(a: &Attempt, ranking: &[Unit], kept: usize, limit: usize) -> usize {
    let page = a.laid.page_height();
    let end = a.laid.markers().iter().find(|(k, _)| k == "end").map_or(page * a.laid.pages() as f64, |(_, y)| *y);
    let room = rooms(a);
    let overflow = end - page * limit as f64;
    let mut cut = kept;
    let mut freed = 0.0;
    while cut > 0 && freed < overflow {
        cut -= 1;
        freed += room.get(ranking[cut].key().as_str()).copied().unwrap_or(0.0);
    }
    cut.min(kept.saturating_sub(1))
}

/// Where a page break may be asked for: before a unit (its marker starts a line at the top
/// level: a paragraph or list item of its own, not inside a call), or before a line of the
/// source.
#[derive(Debug, Clone, PartialEq)]
pub enum Break {
    Unit(String),
    Line(usize),
}

fn starts_unit(line: &str, key: &str) -> bool {
    let marker = format!("#metadata({})", crate::render::escape::typst_string(&format!("u:{key}")));
    line.starts_with(&marker) || line.strip_prefix("- ").is_some_and(|rest| rest.starts_with(&marker))
}

/// The source with a (weak) page break at each of `breaks`, moved up over the headings
/// right above it, which belong with what follows; a break before a list item ends the
/// list there and goes on with a new one.
pub fn with_breaks(source: String, breaks: &[Break]) -> String {
    if breaks.is_empty() {
        return source;
    }
    let lines: Vec<&str> = source.lines().collect();
    let mut at: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let hit = breaks.iter().any(|b| match b {
            Break::Unit(k) => starts_unit(line, k),
            Break::Line(l) => *l == i && (line.starts_with("- ") || line.starts_with("#metadata(")),
        });
        if hit {
            let mut j = i;
            while j > 0 && lines[j - 1].starts_with('=') {
                j -= 1;
            }
            at.push(j);
        }
    }
    let mut out = String::with_capacity(source.len() + 64);
    for (i, line) in lines.iter().enumerate() {
        if at.contains(&i) {
            // The marker tells the editorial check the page ends early on purpose.
            out.push_str("#pagebreak(weak: true)\n#metadata(\"u:moved\")\n");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The room each unit takes in a layout, by key: from its marker to the next one.
fn rooms(a: &Attempt) -> HashMap<String, f64> {
    let markers = a.laid.markers();
    let mut room: HashMap<String, f64> = HashMap::new();
    for w in markers.windows(2) {
        *room.entry(w[0].0.clone()).or_default() += w[1].1 - w[0].1;
    }
    room
}
