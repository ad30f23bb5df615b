//! Render stage: the brief's content through Minijinja templates, into Typst source
//! (`<audience>.typ.j2`) and DOCX block markup (`<audience>.docx.j2`). Every value a
//! template prints is escaped for its output by a custom auto-escape.

pub mod blocks;
pub mod escape;
pub mod trace;

use crate::diagnostic::Diagnostic;
use crate::select::Brief;
use minijinja::value::{Enumerator, Object, ObjectRepr, Rest, Serde, Value, ValueOrKwargs};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use minijinja::{AutoEscape, Environment, Error, ErrorKind, State, UndefinedBehavior};
use crate::audience::Audience;
use crate::data::Dataset;
use crate::spec::Spec;
use crate::templates::Templates;

const TYPST: &str = "typst";
const DOCX: &str = "docx";

/// The notes of one render, in number order (`note`, `notes`).
#[derive(Default)]
struct Notes(Vec<Value>);

/// A brief as a template's context, noting whether the template looks up one field (by
/// name, or by going over every field).
#[derive(Debug)]
struct Watched {
    brief: Value,
    field: Option<&'static str>,
    read: AtomicBool,
}

impl Object for Watched {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        if self.field.is_some() && key.as_str() == self.field {
            self.read.store(true, Ordering::Relaxed);
        }
        self.brief.get_item(key).ok().filter(|v| !v.is_undefined())
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        self.read.store(true, Ordering::Relaxed);
        match self.brief.try_iter() {
            Ok(keys) => Enumerator::Values(keys.collect()),
            Err(_) => Enumerator::Empty,
        }
    }
}

/// `items | selectattr("themes", "contains", "funding")`: a list that holds a value.
fn contains(seq: Value, item: Value) -> bool {
    seq.try_iter().is_ok_and(|mut it| it.any(|x| x == item))
}

/// `selectattr` and `rejectattr` where the test compares an attribute with one value
/// (`eq`, `in`, `contains`), as the built-ins give them but without their cost per item (a
/// path parsed, the test looked up and called with its arguments gathered anew): a brief's
/// plan filters every selected passage on each render, and on a large dataset those calls
/// were most of the rendering. `None` where the built-in must decide (another test, a
/// dotted attribute, a missing one, a container that is not a list of values).
fn pick(value: &Value, attr: &str, test: Option<&str>, args: &[ValueOrKwargs], invert: bool) -> Option<Vec<Value>> {
    let [arg] = args else { return None };
    let arg: &Value = arg;
    if attr.contains('.') || arg.as_object().is_some_and(|o| matches!(o.repr(), ObjectRepr::Map)) {
        return None;
    }
    // A list joined with `+` is an iterable, not a list (`plan.shown + [...]`): both are
    // gone through as the built-in `in` goes through them.
    let holds = |seq: &Value, x: &Value| -> Option<bool> {
        match seq.as_object()?.repr() {
            ObjectRepr::Seq | ObjectRepr::Iterable => Some(seq.try_iter().ok()?.any(|v| v == *x)),
            _ => None,
        }
    };
    let mut out = Vec::new();
    for item in value.try_iter().ok()? {
        let v = item.get_attr(attr).ok().filter(|v| !v.is_undefined())?;
        let passed = match test? {
            "eq" | "==" | "equalto" => v == *arg,
            "in" => match arg.as_str() {
                Some(s) => s.contains(v.as_str()?),
                None => holds(arg, &v)?,
            },
            "contains" => holds(&v, arg)?,
            _ => return None,
        };
        if passed != invert {
            out.push(item);
        }
    }
    Some(out)
}

/// What `pick` picked, by list, attribute, test, argument and direction. A brief's plan
/// picks from the same lists for every candidate the page-budget search renders (the
/// brief's lists are shared by the candidates that keep them whole, `select::List`), and
/// then the DOCX: on a large dataset that was most of each render after the first (2.5 ms
/// of the minister's at 20 x the report, 0.4 ms now). Picked once, a list is the same value in the next render,
/// so what is picked from it is found again too. Kept per thread, for one brief at a time
/// (`forget_picks`); each key holds its list, so no other list can take its address.
#[derive(PartialEq, Eq, Hash)]
struct Picking {
    list: usize,
    attr: String,
    test: String,
    arg: Value,
    invert: bool,
}

thread_local! {
    static PICKED: std::cell::RefCell<rustc_hash::FxHashMap<Picking, (Value, Value)>> = Default::default();
}

/// A new brief: what was picked for the last one on this thread is let go.
pub fn forget_picks() {
    PICKED.with(|p| p.borrow_mut().clear());
}

/// The address of a list that stays the same value from one render to the next: a
/// brief's own, or one that `pick` or `list` gave.
fn list_address(v: &Value) -> Option<usize> {
    match v.downcast_object_ref::<Vec<Value>>() {
        Some(l) => Some(std::ptr::from_ref(l) as usize),
        None => crate::select::list_address(v),
    }
}

/// `pick`, once per list, attribute, test, argument and direction.
fn pick_once(value: &Value, attr: &str, test: Option<&str>, args: &[ValueOrKwargs], invert: bool) -> Option<Value> {
    let fresh = || pick(value, attr, test, args, invert).map(Value::from);
    let (Some(list), [arg]) = (list_address(value), args) else { return fresh() };
    let key = Picking { list, attr: attr.to_string(), test: test?.to_string(), arg: Value::clone(arg), invert };
    if let Some((_, picked)) = PICKED.with(|p| p.borrow().get(&key).cloned()) {
        return Some(picked);
    }
    let picked = fresh()?;
    PICKED.with(|p| p.borrow_mut().insert(key, (value.clone(), picked.clone())));
    Some(picked)
}

/// Puts `pick` in front of the built-in `selectattr` and `rejectattr`, and lets `list`
/// give a list back as it is (values cannot change, so a copy differs only in being
/// another value, which `pick_once` would not know again).
fn add_picking_filters(env: &mut Environment<'static>) {
    env.add_filter("selectattr", |state: &mut State, value: Value, attr: Cow<'_, str>, test: Option<Cow<'_, str>>, args: Rest<ValueOrKwargs>| {
        match pick_once(&value, &attr, test.as_deref(), &args, false) {
            Some(picked) => Ok(picked),
            None => minijinja::filters::selectattr(state, value, attr, test, args).map(Value::from),
        }
    });
    env.add_filter("rejectattr", |state: &mut State, value: Value, attr: Cow<'_, str>, test: Option<Cow<'_, str>>, args: Rest<ValueOrKwargs>| {
        match pick_once(&value, &attr, test.as_deref(), &args, true) {
            Some(picked) => Ok(picked),
            None => minijinja::filters::rejectattr(state, value, attr, test, args).map(Value::from),
        }
    });
    env.add_filter("list", |state: &State, value: Value| {
        if value.downcast_object_ref::<Vec<Value>>().is_some() {
            return Ok(value);
        }
        minijinja::filters::list(state, value)
    });
}

/// One template environment, shared by every brief (and every worker thread).
pub struct Renderer {
    env: Environment<'static>,
    templates: Templates,
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

impl Renderer {
    pub fn new(templates: &Templates) -> Result<Renderer, Diagnostic> {
        let mut env = Environment::new();
        // The user's file, else the built-in one (`templates`); `builtin/<name>` is always
        // the built-in one, so a user's template can extend the file it replaces.
        let layers = templates.clone();
        env.set_loader(move |name: &str| match layers.read(name) {
            Ok(found) => found
                .map(|f| String::from_utf8(f.bytes).map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("template `{name}` is not UTF-8 text"))))
                .transpose(),
            Err(why) => Err(Error::new(ErrorKind::InvalidOperation, format!("template {why}"))),
        });
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
        // A count in running prose: "sets out three options" (words up to twelve, as the
        // selection's own counts are written, `meta.countries_count_word`).
        env.add_filter("in_words", |n: usize| crate::select::number_word(n));
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
        // Notes are numbered while rendering, not by Typst: a Typst footnote (or any
        // counter read in context) makes every layout of the brief after it costlier, and
        // the page-budget search lays a brief out several times (a 4-page brief with 28
        // footnotes: 150 ms a layout, 57 ms with fixed numbers; a unit added near its top:
        // 100 ms, 9 ms). `note(text)` is the number of the note saying `text`, one number
        // per distinct text; `notes()` their texts in number order, for the list a
        // template prints after the content. The texts stay values, so printing them
        // escapes them for the template's output like any other value.
        env.add_function("note", |state: &mut State, text: Value| -> usize {
            let notes = state.get_or_insert_extension(Notes::default());
            match notes.0.iter().position(|n| *n == text) {
                Some(i) => i + 1,
                None => {
                    notes.0.push(text);
                    notes.0.len()
                }
            }
        });
        env.add_function("notes", |state: &mut State| -> Vec<Value> { state.get_or_insert_extension(Notes::default()).0.clone() });
        env.add_test("contains", contains);
        add_picking_filters(&mut env);
        // `f is stated_in(texts)`: one of the texts gives figure `f` (`select::stated`).
        env.add_test("stated_in", |figure: Value, texts: Value| -> bool {
            let (Ok(value), Ok(unit)) = (figure.get_attr("value"), figure.get_attr("unit")) else { return false };
            let value = f64::try_from(value).unwrap_or(f64::NAN);
            let unit = unit.as_str().unwrap_or("").to_string();
            texts.try_iter().is_ok_and(|mut it| it.any(|t| t.as_str().is_some_and(|t| crate::select::stated(t, value, &unit))))
        });
        Ok(Renderer { env, templates: templates.clone() })
    }

    /// The report's short title for every template (citations name it): `report_title`.
    pub fn set_report(&mut self, report: &crate::data::model::Report) {
        self.env.add_global("report_title", Value::from(report.short_title.as_deref().unwrap_or(&report.title)));
    }

    pub fn templates(&self) -> &Templates {
        &self.templates
    }

    /// The brief's content for `spec`, with the audience's default title and subtitle
    /// (templates in `audience.yaml`) where the spec gives none.
    pub fn brief(&self, spec: &Spec, data: &Dataset, audience: &Audience) -> Result<Brief, Diagnostic> {
        forget_picks();
        let mut brief = crate::select::select(spec, data, audience);
        let file = crate::audience::file(&audience.id);
        let context = Value::from(Serde(&brief));
        let line = |text: &str| -> Result<String, Diagnostic> {
            let out = self.env.render_named_str(&file, text, context.clone()).map_err(|e| self.diagnostic(&e))?;
            Ok(out.split_whitespace().collect::<Vec<_>>().join(" "))
        };
        let title = if spec.title.is_none() { Some(line(&audience.title)?) } else { None };
        let subtitle = match (&spec.subtitle, &audience.subtitle) {
            (None, Some(s)) => Some(line(s)?).filter(|s| !s.is_empty()),
            _ => None,
        };
        if let Some(t) = title {
            brief.meta.title = t;
        }
        if subtitle.is_some() {
            brief.meta.subtitle = subtitle;
        }
        Ok(brief)
    }

    fn render(&self, name: &str, brief: &Brief) -> Result<String, Diagnostic> {
        self.render_watching(name, brief, None).map(|(text, _)| text)
    }

    /// Renders `name` for the brief, and says whether the template (or anything it
    /// imports, includes or calls) looked up the brief's field `field`.
    fn render_watching(&self, name: &str, brief: &Brief, field: Option<&'static str>) -> Result<(String, bool), Diagnostic> {
        let template = self.env.get_template(name).map_err(|e| self.diagnostic(&e))?;
        let watched = Arc::new(Watched { brief: Value::from(Serde(brief)), field, read: AtomicBool::new(false) });
        let text = template.render(Value::from_dyn_object(watched.clone())).map_err(|e| self.diagnostic(&e))?;
        Ok((text, watched.read.load(Ordering::Relaxed)))
    }

    /// Typst source for one chart on a page of its own (rendered to PNG for the DOCX).
    pub fn chart(&self, series: &crate::select::SeriesView) -> Result<String, Diagnostic> {
        let template = self.env.get_template("chart.typ.j2").map_err(|e| self.diagnostic(&e))?;
        template.render(minijinja::context! { s => Value::from(Serde(series)) }).map_err(|e| self.diagnostic(&e))
    }

    /// Typst source for the brief's audience.
    pub fn typst(&self, brief: &Brief) -> Result<String, Diagnostic> {
        self.render(&format!("audiences/{}/brief.typ.j2", brief.meta.audience), brief)
    }

    /// Typst source for the brief's audience, and whether the template read the brief's
    /// field `field`: if it did not, the source is the same whatever that field holds.
    pub fn typst_watching(&self, brief: &Brief, field: &'static str) -> Result<(String, bool), Diagnostic> {
        self.render_watching(&format!("audiences/{}/brief.typ.j2", brief.meta.audience), brief, Some(field))
    }

    /// DOCX block markup for the brief's audience, parsed.
    pub fn docx(&self, brief: &Brief) -> Result<Vec<blocks::Block>, Diagnostic> {
        let name = format!("audiences/{}/brief.docx.j2", brief.meta.audience);
        let markup = self.render(&name, brief)?;
        blocks::parse(&markup).map_err(|e| {
            let line = markup.lines().nth(e.line - 1).unwrap_or_default();
            Diagnostic::new(format!("{}\n  rendered line: {line}", e))
                .in_file(&self.templates.shown(&name))
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
            d = d.in_file(&self.templates.shown(name));
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
            ErrorKind::UndefinedError => d.hint("the template uses a name the brief does not have (or the dataset leaves out); guard it with `{% if x is defined %}`, or see README, \"What templates see\""),
            ErrorKind::TemplateNotFound => d.hint("each audience needs `audiences/<id>/brief.typ.j2` and `brief.docx.j2`; `briefgen templates list` names the built-in files"),
            _ => d,
        }
    }
}

#[cfg(test)]
mod picking_tests {
    use super::*;

    /// The same filters, through the built-ins and through `pick`, give the same lists, and
    /// the same errors where the built-ins refuse.
    #[test]
    fn picking_gives_what_the_built_in_filters_give() {
        let mut plain = Environment::new();
        plain.set_undefined_behavior(UndefinedBehavior::Strict);
        plain.add_test("contains", contains);
        let mut ours = plain.clone();
        add_picking_filters(&mut ours);
        let items = serde_json::json!([
            {"id": "a", "kind": "key-message", "themes": ["funding", "roles"], "n": 1, "lead": "Money", "sub": {"x": 1}},
            {"id": "b", "kind": "lesson", "themes": ["roles"], "n": 2, "lead": null, "sub": {"x": 2}},
            {"id": "c", "kind": "finding", "themes": [], "n": 1, "lead": "money matters", "sub": {"x": 1}},
        ]);
        let cases = [
            "items | selectattr('kind', 'eq', 'lesson')",
            "items | rejectattr('kind', 'eq', 'lesson')",
            "items | selectattr('kind', 'in', ['lesson', 'finding'])",
            "items | selectattr('kind', 'in', 'a key-message list')",
            "items | selectattr('themes', 'contains', 'roles')",
            "items | rejectattr('themes', 'contains', 'roles')",
            "items | rejectattr('id', 'in', ['a'])",
            "items | rejectattr('id', 'in', ['a'] + ['c'])",
            "items | selectattr('themes', 'contains', 'roles') | rejectattr('id', 'in', [] + ['b'])",
            "items | selectattr('n', 'eq', 1)",
            "items | selectattr('n', 'in', [2])",
            "items | selectattr('lead', 'in', 'Money and more')",
            "items | selectattr('sub.x', 'eq', 1)",
            "items | selectattr('lead')",
            "items | selectattr('id', 'in', {'a': 1})",
            "items | selectattr('missing', 'eq', 1)",
            "items | selectattr('kind', 'odd')",
        ];
        for case in cases {
            let render = |env: &Environment| {
                env.render_str(&format!("{{{{ {case} | map(attribute='id') | join(',') }}}}"), minijinja::context! { items => Value::from(Serde(&items)) })
                    .map_err(|e| e.to_string())
            };
            assert_eq!(render(&ours), render(&plain), "{case}");
        }
        // The comparisons are picked without the built-ins; the rest is left to them.
        let items = Value::from(Serde(&items));
        let one = |v: Value| [ValueOrKwargs::from(v)];
        assert_eq!(pick(&items, "themes", Some("contains"), &one(Value::from("roles")), false).map(|v| v.len()), Some(2));
        assert_eq!(pick(&items, "kind", Some("in"), &one(Value::from(vec!["lesson", "finding"])), true).map(|v| v.len()), Some(1));
        let joined = Environment::new().compile_expression("['a'] + ['c']").unwrap().eval(()).unwrap();
        assert_eq!(pick(&items, "id", Some("in"), &one(joined), true).map(|v| v.len()), Some(1));
        assert!(pick(&items, "sub.x", Some("eq"), &one(Value::from(1)), false).is_none());
        assert!(pick(&items, "kind", Some("odd"), &one(Value::from(1)), false).is_none());
    }

    /// A list picked from again gives the very value it gave (which is then known again
    /// itself), another argument or direction is picked afresh, and `list` hands a list
    /// back as it is.
    #[test]
    fn a_pick_is_made_once_per_list_and_question() {
        forget_picks();
        let rows = serde_json::json!([{"id": "a", "kind": "lesson"}, {"id": "b", "kind": "finding"}, {"id": "c", "kind": "lesson"}]);
        let items = Value::from(rows.as_array().unwrap().iter().map(|r| Value::from(Serde(r))).collect::<Vec<_>>());
        let one = |v: &str| [ValueOrKwargs::from(Value::from(v))];
        let ids = |v: &Value| v.try_iter().unwrap().map(|i| i.get_attr("id").unwrap().to_string()).collect::<Vec<_>>().join(",");
        let lessons = pick_once(&items, "kind", Some("eq"), &one("lesson"), false).unwrap();
        let again = pick_once(&items, "kind", Some("eq"), &one("lesson"), false).unwrap();
        assert_eq!(list_address(&lessons), list_address(&again));
        assert_eq!(ids(&lessons), "a,c");
        assert_eq!(ids(&pick_once(&items, "kind", Some("eq"), &one("finding"), false).unwrap()), "b");
        assert_eq!(ids(&pick_once(&items, "kind", Some("eq"), &one("lesson"), true).unwrap()), "b");
        let from_lessons = pick_once(&lessons, "id", Some("eq"), &one("c"), false).unwrap();
        assert_eq!(list_address(&from_lessons), list_address(&pick_once(&again, "id", Some("eq"), &one("c"), false).unwrap()));
        assert_eq!(ids(&from_lessons), "c");
        let mut env = Environment::new();
        add_picking_filters(&mut env);
        let listed = env.compile_expression("items | list").unwrap().eval(minijinja::context! { items => lessons.clone() }).unwrap();
        assert_eq!(list_address(&listed), list_address(&lessons));
        // A string or a map is still made a list of its characters or keys.
        let chars = env.compile_expression("'ab' | list").unwrap().eval(()).unwrap();
        assert_eq!(chars.to_string(), "['a', 'b']");
        forget_picks();
        assert!(PICKED.with(|p| p.borrow().is_empty()));
    }
}
