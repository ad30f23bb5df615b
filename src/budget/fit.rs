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

/// The vertical spacing a brief is laid out with. `Tight` (`sys.inputs."fit.tight"`, for
/// the template to read) closes up the gaps between paragraphs and above headings: a
/// typesetter's way with a brief that runs a few lines onto an otherwise empty last page,
/// rather than cutting what it says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spacing {
    Usual,
    Tight,
}

/// One layout attempt: the brief as cut, its Typst source and its pages.
pub struct Attempt {
    pub brief: Brief,
    pub source: String,
    pub laid: typeset::Laid,
}

/// How the search lays out a candidate and judges it; the build supplies both.
pub struct Layouts<'a> {
    /// Renders a brief's Typst source (completing the brief with what the source shows,
    /// its glossary).
    pub source: Box<dyn Fn(&mut Brief) -> Result<String, Vec<Diagnostic>> + 'a>,
    /// Lays out a rendered candidate, with the template's usual spacing or its tighter one.
    pub lay: Box<dyn Fn(Brief, String, Spacing) -> Result<Attempt, Vec<Diagnostic>> + 'a>,
    /// The editorial findings of a laid-out candidate.
    pub findings: Box<dyn Fn(&Attempt) -> Vec<editorial::Finding> + 'a>,
    /// Lays out a probe's source: its markers (as `Laid::markers`) and its page height.
    pub probe: Box<dyn Fn(String) -> Option<(Vec<(String, f64)>, f64)> + 'a>,
    /// The spec, for the message when nothing fits.
    pub spec_path: std::path::PathBuf,
}

/// What the search chose: the layout, what was left out, the layout's editorial findings,
/// where the search ended (which a later build of the brief starts from) and whether it
/// started from a `Start`.
pub struct Fitted {
    pub attempt: Attempt,
    pub dropped: Vec<Unit>,
    pub findings: Vec<editorial::Finding>,
    pub searched: Start,
    pub started: bool,
}

/// How many of the ranked units a search found to fit (before `finish` mended the look of
/// the pages), of how many ranked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Start {
    pub units: usize,
    pub ranked: usize,
}

/// Keeps the longest prefix of the audience's ranking that fits the page budget.
///
/// `start`, where given, is the first candidate: the units the last build of this brief
/// found to fit (`Fitted::searched`). A rebuild after an edit to the data or a template
/// usually keeps about as many, so its first layout is usually the answer; the search
/// still lays out and measures every candidate, so a start that is wrong costs layouts,
/// never the choice (the 80 outputs checked are the same bytes either way). A start from
/// a ranking more than a tenth longer or shorter (another dataset built into the same
/// folder: 47 units of the 20 x funder brief's 2,143 as the start of the real one's 167
/// cost two layouts more) is no nearer than the estimate, and is not used.
///
/// Only layouts, no PDF export, until the choice is made. The first candidate is sized
/// before anything is laid out: each unit's share of the generated source against what a
/// page of the audience's body size holds, so it is about the budget's length, not the
/// selection's (with the next unit too when the candidate shows none of its kind). Each
/// layout then measures the room its units took and the room left on its last page; the
/// next candidate follows from those (more units, as many as the growth of the candidate's
/// own source says the room left holds; or the lowest-ranked ones that free the overflow),
/// and the search stops when the next unit is known not to fit: laid out, or measured to
/// need clearly more room than the last page has left.
pub fn fit(full: &Brief, audience: &Audience, lay: &Layouts, start: Option<Start>) -> Result<Fitted, Vec<Diagnostic>> {
    let limit = audience.pages;
    let ranking = super::ranking(full, audience);
    let n = ranking.len();
    let start = start.filter(|s| s.ranked.abs_diff(n) * 10 <= n).map(|s| s.units);
    // The candidates last rendered to size them (two: a growth step renders the next unit
    // and probes the one after), one of which is usually the next laid out.
    let sized: std::cell::RefCell<Vec<(usize, Brief, String)>> = std::cell::RefCell::new(Vec::new());
    let keep_sized = |k: usize, brief: Brief, source: String| {
        let mut sized = sized.borrow_mut();
        sized.retain(|(s, _, _)| *s != k);
        if sized.len() == 2 {
            sized.remove(0);
        }
        sized.push((k, brief, source));
    };
    let render = |keep: usize| -> Result<(Brief, String), Vec<Diagnostic>> {
        let mut sized = sized.borrow_mut();
        if let Some(i) = sized.iter().position(|(k, _, _)| *k == keep) {
            let (_, brief, source) = sized.remove(i);
            return Ok((brief, source));
        }
        drop(sized);
        let mut brief = super::retain(full, &ranking, keep);
        let source = (lay.source)(&mut brief)?;
        Ok((brief, source))
    };
    let attempt_with = |keep: usize, breaks: &[Break], spacing: Spacing| -> Result<Attempt, Vec<Diagnostic>> {
        let (brief, source) = render(keep)?;
        let attempt = (lay.lay)(brief, with_breaks(source, breaks), spacing)?;
        Ok(attempt)
    };
    // The search brackets on the page count alone, which only grows with the units kept.
    let fits = |a: &Attempt| a.laid.pages() <= limit;
    // A footnote Typst could not keep on its marker's page (inside a list it cannot move
    // the line) reads as a mistake, and so does a last page holding almost nothing (two
    // references, a stray line). Neither grows steadily with the units kept, so they are
    // mended after the search (`finish`); real content is worth more than the look of a
    // page, so little is cut for them.
    let finish = |best: Attempt, known: usize| -> Result<Fitted, Vec<Diagnostic>> {
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
            if let Some((key, _)) = best.1.laid.markers().into_iter().filter(|(k, y)| !["end", "foot", "moved"].contains(&k.as_str()) && *y <= at).last() {
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
                    let Ok(a) = attempt_with(keep, &breaks, Spacing::Usual) else { continue 'tries };
                    if !fits(&a) {
                        continue;
                    }
                    let n = findings(&a);
                    // Fewer findings; or as many, with the tear moved further on (mended next)
                    // or turned into a nearly empty last page (mended below, by the cuts).
                    let tear = first_tear(&a);
                    let sparse_only = tear.is_none() && n.iter().all(|f| f.check == "sparse-page") && editorial::sparse_last(a.laid.text());
                    let progress = n.len() < best.0.len() || n.len() == best.0.len() && (tear.is_some_and(|(p, _, _)| p > page) || sparse_only);
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
        // A nearly empty last page (the notes after the content, a stray line) is mended
        // next without cutting: first by the template's tighter spacing, which pulls those
        // lines back onto the page above; else by a page break before one of the last units
        // of the page above, which then fill the last page with it (the page above ends
        // early on purpose; the units are tried from the last up, so the fewest move).
        let sparse_only = |b: &(Vec<editorial::Finding>, Attempt, usize, Vec<Break>)| {
            !b.0.is_empty() && b.0.iter().all(|f| f.check == "sparse-page") && editorial::sparse_last(b.1.laid.text())
        };
        if sparse_only(&best) {
            if let Ok(a) = attempt_with(best.2, &best.3, Spacing::Tight) {
                let n = findings(&a);
                if fits(&a) && n.is_empty() {
                    best = (n, a, best.2, best.3.clone());
                }
            }
        }
        if sparse_only(&best) {
            let above = best.1.laid.pages() - 1;
            let page = best.1.laid.page_height();
            let units: Vec<String> = ranking[..best.2].iter().map(Unit::key).collect();
            let keys: Vec<String> = best.1.laid.markers().into_iter().filter(|(k, y)| (y / page).floor() as usize + 1 == above && units.contains(k)).map(|(k, _)| k).collect();
            for key in keys.into_iter().rev().take(3) {
                let mut breaks = best.3.clone();
                breaks.push(Break::Unit(key));
                let Ok(a) = attempt_with(best.2, &breaks, Spacing::Usual) else { continue };
                let n = findings(&a);
                if fits(&a) && n.len() < best.0.len() {
                    best = (n, a, best.2, breaks);
                    break;
                }
            }
        }
        // Then cutting the lowest-ranked units: at most three, and for a nearly empty last
        // page only while what they take is small beside the spill (twice it, plus about a
        // short quote). The candidate with the fewest findings wins.
        if !best.0.is_empty() {
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
                let Ok(a) = attempt_with(keep, &breaks, Spacing::Usual) else { continue };
                let n = findings(&a);
                if fits(&a) && n.len() < best.0.len() {
                    let done = n.is_empty();
                    best = (n, a, keep, breaks.clone());
                    if done {
                        break;
                    }
                }
            }
        }
        Ok(Fitted { attempt: best.1, dropped: ranking[best.2..].to_vec(), findings: best.0, searched: Start { units: known, ranked: n }, started: start.is_some() })
    };
    // What a page holds at the audience's body size, in characters of generated source
    // (about 3,800 at 10 pt on the built-in templates; laid out, the minister's and the
    // funder's briefs hold a median 3,750 a page, the community's 2,490 at 12 pt), and the
    // first candidate: as many of the highest-ranked units as come to 98% of the budget,
    // or every unit if the whole selection does. Where the search starts never decides
    // what it keeps: over 178 briefs (the matrix, all/all and editorial briefs, the
    // examples, the second project's, the 20x all/all briefs and 63 two-country ones),
    // every share tried, from 94 to 104%, gave the same bytes. At 98% they took 257 layouts and
    // laid out 831 pages; at 97.5, 98.5 and 100%: 262, 260 and 270 layouts, 850, 846 and
    // 902 pages. (Before a cut counted the blank band the last page leaves, 100% did best:
    // the first 104 briefs took 140 layouts, 145 at 98%.)
    let per_page = 3800.0 * (10.0 / f64::from(audience.body_size.max(1))).powi(2);
    let room = 0.98 * per_page * limit as f64;
    // Units are sized on a prefix of the ranking that holds half as much again as the
    // budget (64 units, then four times as many while it does not), not on the whole
    // selection: rendering every selected unit costs more than a layout on a large
    // dataset, and a third of one on the real all-countries funder brief (167 units, of
    // which 33 fit; at 1, 1.25, 1.5 and 2 times the budget the 104 briefs took the same
    // layouts, to the byte). A search with a start sizes the candidate after it, which it
    // renders next in any case to size or probe the next unit.
    let sizes = {
        let mut m = start.map_or(64, |s| s + 1).min(n);
        loop {
            let mut prefix = super::retain(full, &ranking, m);
            let source = (lay.source)(&mut prefix)?;
            let sizes = Sizes::of(&source, &ranking, m);
            if m == n || start.is_some() || (sizes.fixed + sizes.unit[..m].iter().sum::<usize>()) as f64 > 1.5 * room {
                keep_sized(m, prefix, source);
                break sizes;
            }
            m = (m * 4).min(n);
        }
    };
    // The first candidate from the estimate: as many units as the room holds.
    let estimated = || -> Result<usize, Vec<Diagnostic>> {
        let mut k = {
            let mut used = sizes.fixed as f64;
            let mut k = 0;
            while k < n && used + sizes.unit[k] as f64 <= room {
                used += sizes.unit[k] as f64;
                k += 1;
            }
            k
        };
        // A cut brief can show what the whole one did not (a figure shown with its service
        // goes to the figures table when the service is left out), and its notes and glossary
        // are those of its own units, not of the prefix's: size the candidate itself, and step
        // down while it is over, up while the room left holds more units (rendering costs
        // little beside a layout). The largest candidate sized within the room is kept.
        let mut within: Option<usize> = None;
        let mut beyond = n + 1;
        for _ in 0..3 {
            let (brief, source) = render(k)?;
            let total = weighted(&source) as f64;
            keep_sized(k, brief, source);
            let next = if total <= room {
                within = Some(k);
                let (mut next, mut spare) = (k, room - total);
                while next + 1 < beyond && next < n && sizes.unit[next] as f64 <= spare {
                    spare -= sizes.unit[next] as f64;
                    next += 1;
                }
                next
            } else {
                beyond = k;
                let (mut next, mut excess) = (k, total - room);
                while next > 0 && excess > 0.0 {
                    next -= 1;
                    excess -= sizes.unit[next].max(1) as f64;
                }
                next.max(within.unwrap_or(0))
            };
            if next == k || Some(next) == within {
                break;
            }
            k = next;
        }
        k = within.unwrap_or(k);
        // When the next unit is of a kind the candidate does not show (the references list,
        // most often), no layout of the candidate can size it: the search would lay it out
        // next whatever the room left. Laid out with the candidate instead, it costs nothing
        // more if it does not fit (the cut then finds the candidate) and saves a layout if it
        // does. Unless the unit can be laid out alone (`probe`): then the candidate is laid
        // out without it, and a probe of a few milliseconds rules it out where it needs more
        // than the room left (the all-countries community brief's first passage: 2 layouts
        // became 1).
        if k < n && !ranking[..k].iter().any(|u| u.parts().0 == ranking[k].parts().0) {
            let (brief, source) = render(k + 1)?;
            let alone = super::probe::segment(&source, &ranking[k].key()).is_some();
            keep_sized(k + 1, brief, source);
            if !alone {
                k += 1;
            }
        }
        Ok(k)
    };
    // The first candidate: where the last build of the brief ended, or the estimate.
    let mut k = match start {
        Some(s) => s.min(n),
        None => estimated()?,
    };
    // Largest number of units known to fit, with its layout; smallest known not to.
    let mut best: Option<(usize, Attempt)> = None;
    let mut over: Option<(usize, Attempt)> = None;
    loop {
        let (brief, source) = render(k)?;
        let a = (lay.lay)(brief, source, Spacing::Usual)?;
        let fitted = fits(&a);
        if fitted {
            best = Some((k, a));
        } else {
            over = Some((k, a));
        }
        let known = best.as_ref().map(|(k, _)| *k);
        let hi = over.as_ref().map_or(n + 1, |(k, _)| *k);
        if known == Some(n) || known.is_some_and(|lo| hi == lo + 1) || hi == 0 {
            break;
        }
        let lo = known.map_or(0, |lo| lo + 1);
        k = if fitted {
            let (_, a) = best.as_ref().expect("just laid out");
            let model = Model::of(a, &ranking, k, &sizes);
            let free = model.free(limit);
            // As many more units as the room left holds, with a tenth to spare.
            let mut more = 0;
            let mut used = 0.0;
            while k + more < n && used + model.estimate(k + more) <= 0.9 * free {
                used += model.estimate(k + more);
                more += 1;
            }
            // What a template prints for units outside their own markers (a theme it also
            // names in a list of what the brief leaves out) shows only in the candidate's
            // source: its growth over this layout's, at the rate of all units measured, caps
            // the step at the room left.
            let base = weighted(&a.source) as f64;
            let grown = |m: usize| -> Result<f64, Vec<Diagnostic>> {
                let (brief, source) = render(k + m)?;
                let g = (weighted(&source) as f64 - base).max(0.0) * model.all;
                keep_sized(k + m, brief, source);
                Ok(g)
            };
            if more <= 1 && k < n {
                // The next unit needs clearly more room than is left at the end, in the
                // blank bands it could push into and in columns: it cannot fit. Otherwise,
                // or where no unit of its kind has been measured yet, lay it out. "Clearly"
                // is half as much again: a theme's estimate from its kind's rate has run to
                // 1.4 times its height, and a layout after the first costs a fifth of it.
                let need = if model.grounded(k) { model.estimate(k).max(grown(1)?) } else { 0.0 };
                if a.laid.pages() == limit && need > 1.5 * model.most(k, limit) + 10.0 {
                    break;
                }
                // Else the unit laid out alone (`probe`), where it stands alone in the
                // source: needing more than the most room it could find, it cannot fit. A
                // probe costs a few milliseconds; a layout of the brief, ten or more.
                if a.laid.pages() == limit {
                    let (brief, source) = render(k + 1)?;
                    let need = super::probe::need(&a.source, &source, &ranking[k].key(), &lay.probe);
                    keep_sized(k + 1, brief, source);
                    if need.is_some_and(|h| h > model.most(k, limit)) {
                        break;
                    }
                }
                more = 1;
            }
            // Then one unit more if the room left holds it by the source's growth (a unit's
            // own estimate counts what its marker is followed by, which can be more). One
            // render only: on a large selection a render costs a good part of a layout.
            if k + more < n && k + more + 1 < hi && grown(more + 1)? <= 0.95 * free {
                more += 1;
            }
            (k + more).min(hi - 1)
        } else {
            let (_, a) = over.as_ref().expect("just laid out");
            measured_cut(a, &ranking, k, limit).clamp(lo, hi - 1)
        };
    }
    let (known, best) = match best {
        Some(b) => b,
        None => {
            let (_, a) = over.expect("a layout was made");
            return Err(vec![Diagnostic::new(format!(
                "`{}` does not fit its {limit}-page budget even with only the title, summary and fixed sections ({} pages)",
                full.meta.stem,
                a.laid.pages()
            ))
            .in_file(&lay.spec_path)
            .hint("shorten the title or subtitle, or check the audience's template for fixed content")]);
        }
    };
    finish(best, known)
}

/// How much generated source each ranked unit takes (characters from its marker to the
/// next marker), and the rest.
struct Sizes {
    unit: Vec<usize>,
    fixed: usize,
    /// Every marker of the source in source order, by key (`end` included).
    order: Vec<String>,
}

impl Sizes {
    /// Sizes from a source that shows the first `shown` units of the ranking; the rest
    /// are given their average size until a layout measures them.
    fn of(source: &str, ranking: &[Unit], shown: usize) -> Sizes {
        let weights = weights(source);
        let mut at: Vec<(usize, &str)> = Vec::new();
        let open = super::MARKER_OPEN;
        let mut from = 0;
        while let Some(i) = source[from..].find(open) {
            let start = from + i;
            let key_start = start + open.len();
            let key_end = source[key_start..].find('"').map_or(key_start, |j| key_start + j);
            at.push((start, &source[key_start..key_end]));
            from = key_end;
        }
        let mut by_key: HashMap<&str, usize> = HashMap::new();
        for (i, (start, key)) in at.iter().enumerate() {
            let end = at.get(i + 1).map_or(source.len(), |(s, _)| *s);
            *by_key.entry(key).or_default() += weights[end] - weights[*start];
        }
        let mut unit: Vec<usize> = ranking[..shown].iter().map(|u| by_key.get(u.key().as_str()).copied().unwrap_or(0)).collect();
        let fixed = weights[source.len()].saturating_sub(unit.iter().sum());
        let average = unit.iter().sum::<usize>() / shown.max(1);
        unit.resize(ranking.len(), average);
        Sizes { unit, fixed, order: at.iter().map(|(_, k)| k.to_string()).collect() }
    }
}

/// How much a whole source counts, as `weights` counts it.
pub(super) fn weighted(source: &str) -> usize {
    weights(source).last().copied().unwrap_or(0)
}

/// Running totals of how much each byte of a Typst source counts towards the room it
/// takes, in tenths: a note's text is set small at the page foot, and a note's number small
/// and raised (3 of 10 for either: `#footnote[..]`, `#super[..]`), an escaping
/// backslash prints nothing (0), anything else 10 per character. `weights[i]` is the total before byte i.
fn weights(source: &str) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + 1);
    let (mut total, mut depth, mut in_note) = (0usize, 0usize, false);
    let mut i = 0;
    while i < bytes.len() {
        if !in_note && (bytes[i..].starts_with(b"#footnote[") || bytes[i..].starts_with(b"#super[")) {
            in_note = true;
            depth = 0;
        }
        let b = bytes[i];
        // A character counts once: UTF-8 continuation bytes count nothing.
        let w = if b == b'\\' || b & 0xC0 == 0x80 {
            0
        } else if in_note {
            3
        } else {
            10
        };
        if in_note {
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        in_note = false;
                    }
                }
                _ => {}
            }
        }
        out.push(total);
        total += w;
        i += 1;
    }
    out.push(total);
    out.into_iter().map(|t| t / 10).collect()
}

/// What one layout says about the room units take: their measured heights, points per
/// character of source for the units not laid out, and the room left.
struct Model {
    measured: HashMap<String, f64>,
    /// Points per character of source over all kinds of unit measured.
    all: f64,
    /// Points per character of source, for each ranked unit's kind.
    per_char: Vec<f64>,
    /// Whether that rate was measured on units of the same kind (else it is the rate of
    /// all kinds, which can be far off: a references list is set small, in columns).
    rated: Vec<bool>,
    keys: Vec<String>,
    chars: Vec<usize>,
    /// Room left on the last page below the end of the content, and a page's text area.
    left: f64,
    /// The widest blank band of each earlier page: content inserted above it can push a
    /// block into it rather than onto a new page.
    gaps: Vec<f64>,
    /// The page each laid-out marker is on.
    marker_page: HashMap<String, usize>,
    /// The room each page's columns hide from its blank bands (`column_room`).
    columns: Vec<f64>,
    /// Every marker of the full source, in source order.
    order: Vec<String>,
    area: f64,
    pages: usize,
}

impl Model {
    fn of(a: &Attempt, ranking: &[Unit], kept: usize, sizes: &Sizes) -> Model {
        let page = a.laid.page_height();
        let markers = a.laid.markers();
        let text = a.laid.text();
        // Heights only of units that start and end on one page (a page break adds margins).
        let mut measured = HashMap::new();
        for w in markers.windows(2) {
            if (w[0].1 / page).floor() == (w[1].1 / page).floor() {
                *measured.entry(w[0].0.clone()).or_insert(0.0) += w[1].1 - w[0].1;
            }
        }
        // Points per character, by kind of unit (a figure in a strip of key figures is
        // denser than a passage), and over all kinds.
        let mut by_kind: HashMap<&'static str, (f64, usize)> = HashMap::new();
        for (i, u) in ranking[..kept].iter().enumerate() {
            if let Some(h) = measured.get(u.key().as_str()) {
                for k in [u.parts().0, ""] {
                    let e = by_kind.entry(k).or_insert((0.0, 0));
                    e.0 += h;
                    e.1 += sizes.unit[i];
                }
            }
        }
        let foot = text_foot(&markers, page, &text);
        let area = (foot - editorial::head(&text)).max(0.0);
        let rate = |(h, c): (f64, usize)| (c > 0).then(|| h / c as f64);
        let all = by_kind.get("").copied().and_then(rate).unwrap_or(area / 3800.0);
        let of_kind: Vec<Option<f64>> = ranking.iter().map(|u| by_kind.get(u.parts().0).copied().and_then(rate)).collect();
        let per_char: Vec<f64> = of_kind.iter().map(|r| r.unwrap_or(all)).collect();
        let rated: Vec<bool> = of_kind.iter().map(Option::is_some).collect();
        // The room left at the end: from the end of the content down to the foot of the
        // text area, where the page set-up (`brief.typ`) sets a float of no height (`foot`)
        // on the last page. Without the two on one page, the widest blank band of the last
        // page.
        let last = a.laid.pages();
        let y = |k: &str| markers.iter().find(|(m, _)| m == k).map(|(_, y)| *y);
        let left = match (y("end"), y("foot")) {
            (Some(end), Some(at)) if (end / page).floor() == (at / page).floor() => (at - end).max(0.0),
            _ => editorial::widest_gap(&text, last, foot),
        };
        Model {
            measured,
            all,
            per_char,
            rated,
            keys: ranking.iter().map(Unit::key).collect(),
            chars: sizes.unit.clone(),
            left,
            gaps: (1..last).map(|p| editorial::widest_gap(&text, p, foot)).collect(),
            marker_page: markers.iter().map(|(k, y)| (k.clone(), (y / page).floor() as usize + 1)).collect(),
            order: sizes.order.clone(),
            columns: (1..=last).map(|p| column_room(&text, p)).collect(),
            area,
            pages: a.laid.pages(),
        }
    }

    /// A unit's height: as measured, else from its source size.
    fn estimate(&self, i: usize) -> f64 {
        self.measured.get(&self.keys[i]).copied().unwrap_or(self.chars[i] as f64 * self.per_char[i])
    }

    /// Whether `estimate(i)` rests on a measurement of the unit or of its kind.
    fn grounded(&self, i: usize) -> bool {
        self.rated[i] || self.measured.contains_key(&self.keys[i])
    }

    /// Room left within a budget of `limit` pages, at the end.
    fn free(&self, limit: usize) -> f64 {
        self.left + limit.saturating_sub(self.pages) as f64 * self.area
    }

    /// The most room unit `i` could find where it goes: at the end, and in the blank
    /// bands of the pages from the one it would be set on (that of the next marker laid
    /// out after it in the source; without one, the last page), and in their columns.
    fn most(&self, i: usize, limit: usize) -> f64 {
        let key = &self.keys[i];
        let from = self
            .order
            .iter()
            .skip_while(|k| *k != key)
            .skip(1)
            .find_map(|k| self.marker_page.get(k))
            .copied()
            .unwrap_or(self.pages);
        let hidden: f64 = self.columns.iter().skip(from.saturating_sub(1)).sum();
        self.free(limit) + self.gaps.iter().skip(from.saturating_sub(1)).sum::<f64>() + hidden
    }
}

/// The room a page's columns (a references list) hide from the blank bands across the
/// page: Typst fills the first column before the second, so the second ends higher, and
/// content pushed down by h costs two columns h each, so the room is half the difference of
/// their ends. Zero where there are no columns. Lines side by side that are not columns do
/// not count: a table's (a row is as tall as its tallest cell), a term and its description
/// (lines of two roles), and a quote's attribution set at the end of its last line (right
/// aligned, it starts wherever its text does, where a column's lines share their left
/// edge). Counted as columns, a glossary on the last page put the most room the
/// all-countries community brief's next unit could find at 189 pt, where 21 were left, and
/// cost a layout.
fn column_room(text: &crate::typeset::text::PageText, page: usize) -> f64 {
    use crate::typeset::text::Role;
    let mut lines: Vec<&crate::typeset::text::Line> =
        text.lines.iter().filter(|l| l.page == page && l.cell.is_none() && !matches!(l.role, Role::Artifact | Role::Footnote)).collect();
    lines.sort_by(|a, b| a.top.total_cmp(&b.top));
    let mut beside = vec![false; lines.len()];
    for i in 0..lines.len() {
        for j in i + 1..lines.len() {
            if lines[j].top >= lines[i].bottom {
                break;
            }
            if lines[j].top < lines[i].bottom - 0.5 * (lines[i].bottom - lines[i].top) && lines[j].role == lines[i].role {
                beside[i] = true;
                beside[j] = true;
            }
        }
    }
    if beside.iter().filter(|b| **b).count() < 6 {
        return 0.0;
    }
    let block: Vec<&&crate::typeset::text::Line> = lines.iter().zip(&beside).filter(|(_, b)| **b).map(|(l, _)| l).collect();
    let top = block.iter().map(|l| l.top).fold(f64::INFINITY, f64::min);
    // Where the second column starts: the rightmost left edge that three or more of these
    // lines share. The first holds the lines that end before it (a line across the page
    // below the columns is in neither).
    let shared = |x: f64| block.iter().filter(|l| (l.left - x).abs() < 1.0).count() >= 3;
    let first = block.iter().map(|l| l.left).fold(f64::INFINITY, f64::min);
    let second = block.iter().map(|l| l.left).filter(|x| shared(*x)).fold(f64::NEG_INFINITY, f64::max);
    if second <= first + 1.0 {
        return 0.0;
    }
    let end = |column: &dyn Fn(&crate::typeset::text::Line) -> bool| lines.iter().filter(|l| l.top >= top && column(l)).map(|l| l.bottom).fold(top, f64::max);
    let first_end = end(&|l| l.left < second - 1.0 && l.right <= second);
    let second_end = end(&|l| l.left >= second - 1.0);
    (first_end - second_end).max(0.0) / 2.0
}

/// The foot of a page's text area: where the page set-up (`brief.typ`) sets a float of no
/// height (`foot`) on the last page; else the lowest line any page reaches, which is short
/// of the foot where every page ends early (a short brief's room was undercounted so).
fn text_foot(markers: &[(String, f64)], page: f64, text: &typeset::text::PageText) -> f64 {
    match markers.iter().find(|(k, _)| k == "foot") {
        Some((_, y)) if page > 0.0 => y - (y / page).floor() * page,
        _ => editorial::foot(text),
    }
}

/// From a layout that runs past the budget: how many of the ranking's first `kept` units
/// to keep so that the room the dropped ones took covers the overflow. A unit's room runs
/// from its marker to the next marker; the overflow is what lies past the budget's last
/// page. Without markers every unit measures zero and everything is cut; the caller then
/// grows back by bisection.
fn measured_cut(a: &Attempt, ranking: &[Unit], kept: usize, limit: usize) -> usize {
    let room = rooms(a);
    // What is drawn past the budget's last page (not where the end marker is: a template
    // may set a line at the foot of the last page, after the content), less the widest
    // blank band that page leaves (where it ended early, above its notes or at its foot):
    // what moves up fills that first. The all-countries community brief draws 78 pt past
    // page 4, which leaves 29 pt blank: one 62 pt passage less fits, where counting the
    // 78 pt alone cut two and took a layout more. Over the 104 briefs, the 63 two-country
    // ones, the examples and the 20x all/all briefs no other search changed, and any share
    // of the band from three quarters to twice it does the same.
    let text = a.laid.text();
    let drawn: f64 = (limit + 1..=text.pages).map(|p| editorial::filled(&text, p)).sum();
    let overflow = drawn - editorial::widest_gap(&text, limit, text_foot(&a.laid.markers(), a.laid.page_height(), &text));
    let mut cut = kept;
    let mut freed = 0.0;
    while cut > 0 && freed < overflow {
        cut -= 1;
        freed += room.get(ranking[cut].key().as_str()).copied().unwrap_or(0.0);
    }
    cut.min(kept.saturating_sub(1))
}

/// Where a page break may be asked for: before a unit or a line of the source (before the
/// statement that holds it: see `statement_start`).
#[derive(Debug, Clone, PartialEq)]
pub enum Break {
    Unit(String),
    Line(usize),
}

/// Where a page break may go for a place in the source: the line itself when it begins a
/// paragraph, a list item or a call at the top level; for a line inside a call (a table
/// row, a block), the line that opens the call, since Typst moves a footnote with its
/// marker only when the break comes before what holds both.
fn statement_start(lines: &[&str], at: usize) -> Option<usize> {
    let mut i = at;
    while i > 0 && lines[i].starts_with(char::is_whitespace) {
        i -= 1;
    }
    let line = lines[i];
    (line.starts_with("- ") || line.starts_with('#') && !line.starts_with("#pagebreak")).then_some(i)
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
    for b in breaks {
        let place = match b {
            Break::Unit(key) => {
                let marker = super::marker(key);
                lines.iter().position(|l| l.contains(&marker))
            }
            Break::Line(l) => Some(*l).filter(|l| *l < lines.len()),
        };
        if let Some(mut j) = place.and_then(|p| statement_start(&lines, p)) {
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
            out.push_str(&format!("#pagebreak(weak: true)\n{}\n", super::marker("moved")));
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
