//! Render stage: the brief's content through Minijinja templates, into Typst source
//! (`<audience>.typ.j2`) and DOCX block markup (`<audience>.docx.j2`). Every value a
//! template prints is escaped for its output by a custom auto-escape.

pub mod blocks;
pub mod escape;
pub mod trace;

use crate::diagnostic::Diagnostic;
use crate::select::Brief;
use minijinja::value::{Serde, Value};
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};
use std::path::{Path, PathBuf};

const TYPST: &str = "typst";
const DOCX: &str = "docx";

/// One template environment, shared by every brief (and every worker thread).
pub struct Renderer {
    env: Environment<'static>,
    dir: PathBuf,
}

fn formatter(out: &mut minijinja::Output, state: &mut State, value: &Value) -> Result<(), Error> {
    if value.is_none() || value.is_undefined() {
        return Err(Error::new(ErrorKind::InvalidOperation, "the template prints a missing value (none); guard it with `{% if ... %}`"));
    }
    let text = value.to_string();
    let escaped = if value.is_safe() {
        text
    } else {
        match state.auto_escape() {
            AutoEscape::Custom(name) if name == TYPST => escape::typst_markup(&text),
            AutoEscape::Custom(name) if name == DOCX => escape::docx_markup(&text),
            _ => text,
        }
    };
    out.write_str(&escaped).map_err(Error::from)
}

/// Loads templates from inside `dir` only: a name with `..` or a symbolic link that
/// resolves outside the folder is refused, as Typst's own reads are (see `typeset::world`).
fn confined_loader(dir: &Path) -> impl Fn(&str) -> Result<Option<String>, Error> + Send + Sync + 'static {
    let root = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    move |name: &str| {
        let refuse = |why: &str| Error::new(ErrorKind::InvalidOperation, format!("template `{name}` {why}"));
        let rel = Path::new(name);
        if rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(refuse("is not a plain path inside the templates folder"));
        }
        let real = match root.join(rel).canonicalize() {
            Ok(p) => p,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(refuse(&format!("cannot be read: {e}"))),
        };
        if !real.starts_with(&root) {
            return Err(refuse("leads outside the templates folder (through a symbolic link); copy the file into the folder instead"));
        }
        match std::fs::read(&real) {
            Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|_| refuse("is not UTF-8 text")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(refuse(&format!("cannot be read: {e}"))),
        }
    }
}

impl Renderer {
    pub fn new(dir: &Path) -> Result<Renderer, Diagnostic> {
        if !dir.is_dir() {
            return Err(Diagnostic::new(format!("templates folder `{}` not found", dir.display()))
                .hint("run briefgen from the project folder, or pass --templates DIR"));
        }
        let mut env = Environment::new();
        env.set_loader(confined_loader(dir));
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_debug(true);
        env.set_syntax(minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build().expect("default delimiters"));
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".typ.j2") {
                AutoEscape::Custom(TYPST.into())
            } else if name.ends_with(".docx.j2") {
                AutoEscape::Custom(DOCX.into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(formatter);
        // For code positions in Typst (`set document(title: ...)`): a string literal.
        env.add_filter("typst_str", |v: Value| Value::from_safe_string(escape::typst_string(&v.to_string())));
        // For numbers in code positions (chart values), where markup escaping would break them.
        env.add_filter("typst_num", |v: f64| Value::from_safe_string(escape::typst_number(v)));
        // `items | selectattr("themes", "contains", "funding")`: a list that holds a value.
        // First letter in capitals, the rest as written (`capitalize` would lower "NHS").
        env.add_filter("upper_first", |v: String| {
            let mut c = v.chars();
            c.next().map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
        });
        // "Named leaders" inside a sentence; "NHS roles" keeps its capitals.
        env.add_filter("lower_first", |v: String| {
            let mut c = v.chars();
            match (c.next(), c.next()) {
                (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => a.to_lowercase().chain(v.chars().skip(1)).collect(),
                _ => v,
            }
        });
        env.add_test("contains", |seq: Value, item: Value| seq.try_iter().is_ok_and(|mut it| it.any(|x| x == item)));
        Ok(Renderer { env, dir: dir.to_path_buf() })
    }

    /// The report's title for every template (citations name it): `report_title`.
    pub fn set_report_title(&mut self, title: &str) {
        self.env.add_global("report_title", Value::from(title));
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn render(&self, name: &str, brief: &Brief) -> Result<String, Diagnostic> {
        let template = self.env.get_template(name).map_err(|e| self.diagnostic(&e))?;
        template.render(Value::from(Serde(brief))).map_err(|e| self.diagnostic(&e))
    }

    /// Typst source for one chart on a page of its own (rendered to PNG for the DOCX).
    pub fn chart(&self, series: &crate::select::SeriesView) -> Result<String, Diagnostic> {
        let template = self.env.get_template("chart.typ.j2").map_err(|e| self.diagnostic(&e))?;
        template.render(minijinja::context! { s => Value::from(Serde(series)) }).map_err(|e| self.diagnostic(&e))
    }

    /// The brief's default title, from `title.j2` (plain text, one line).
    pub fn title(&self, brief: &Brief) -> Result<String, Diagnostic> {
        Ok(self.render("title.j2", brief)?.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// Typst source for the brief's audience.
    pub fn typst(&self, brief: &Brief) -> Result<String, Diagnostic> {
        self.render(&format!("{}.typ.j2", brief.meta.audience), brief)
    }

    /// DOCX block markup for the brief's audience, parsed.
    pub fn docx(&self, brief: &Brief) -> Result<Vec<blocks::Block>, Diagnostic> {
        let name = format!("{}.docx.j2", brief.meta.audience);
        let markup = self.render(&name, brief)?;
        blocks::parse(&markup).map_err(|e| {
            let line = markup.lines().nth(e.line - 1).unwrap_or_default();
            Diagnostic::new(format!("{}\n  rendered line: {line}", e))
                .in_file(&self.dir.join(&name))
                .hint("the template produced a line that is not valid block markup; see src/render/blocks.rs for the syntax")
        })
    }

    /// A Minijinja error as `templates/<name>:<line>`, following includes and macros
    /// down to the innermost template that failed.
    fn diagnostic(&self, err: &Error) -> Diagnostic {
        let mut inner: &Error = err;
        while let Some(next) = std::error::Error::source(inner).and_then(|s| s.downcast_ref::<Error>()) {
            if next.name().is_none() {
                break;
            }
            inner = next;
        }
        let message = match (inner.kind(), inner.detail()) {
            (ErrorKind::TemplateNotFound, _) => format!("template not found: {}", inner.detail().unwrap_or_default()),
            (kind, Some(detail)) => format!("{kind}: {detail}"),
            (kind, None) => kind.to_string(),
        };
        let mut d = Diagnostic::new(message);
        if let Some(name) = inner.name() {
            d = d.in_file(&self.dir.join(name));
            if let (Some(line), Some(src)) = (inner.line(), inner.template_source()) {
                let col = inner.range().map_or(1, |r| {
                    let start = src.lines().take(line - 1).map(|l| l.len() + 1).sum::<usize>();
                    src.get(start..r.start).map_or(1, |s| s.chars().count() + 1)
                });
                let len = inner.range().map_or(1, |r| src.get(r).map_or(1, |s| s.chars().count()));
                d = d.at(src, line, col, len.min(60));
            }
        }
        match inner.kind() {
            ErrorKind::UndefinedError => d.hint("the template uses a name the brief does not have; see src/select.rs (Brief) for what templates can use"),
            ErrorKind::TemplateNotFound => d.hint(format!("each audience needs `<audience>.typ.j2` and `<audience>.docx.j2` in {}", self.dir.display())),
            _ => d,
        }
    }
}
