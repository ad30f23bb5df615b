//! One field of a serialisable struct as a template value, by its serde name, without
//! turning the rest of the struct into values: a template that filters a long list on one
//! attribute (`items | selectattr("kind", ...)`) then pays for that attribute alone.

use minijinja::Value;
use serde::ser::{self, Impossible, Serialize, SerializeStruct, Serializer};
use std::fmt;

/// What the walk over a struct's fields collects.
enum Want<'a> {
    /// The value of the field with this name, and the name as the struct gives it.
    Field(&'a str, Option<(&'static str, Value)>),
    /// Every field's name, in order.
    Names(Vec<&'static str>),
}

/// The struct's field `name` as a template value, with the name as the struct gives it;
/// `None` if it has no such field (or is not a struct).
pub fn field<T: Serialize + ?Sized>(value: &T, name: &str) -> Option<(&'static str, Value)> {
    let mut want = Want::Field(name, None);
    value.serialize(Walk(&mut want)).ok()?;
    match want {
        Want::Field(_, found) => found,
        Want::Names(_) => None,
    }
}

/// The struct's field names, in the order serde gives them.
pub fn names<T: Serialize + ?Sized>(value: &T) -> Vec<&'static str> {
    let mut want = Want::Names(Vec::new());
    if value.serialize(Walk(&mut want)).is_err() {
        return Vec::new();
    }
    match want {
        Want::Names(n) => n,
        Want::Field(..) => Vec::new(),
    }
}

#[derive(Debug)]
pub struct NotAStruct;

impl fmt::Display for NotAStruct {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("only a struct's fields can be looked up one by one")
    }
}

impl std::error::Error for NotAStruct {}

impl ser::Error for NotAStruct {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotAStruct
    }
}

struct Walk<'w, 'a>(&'w mut Want<'a>);

/// Everything but a struct is refused.
macro_rules! refuse {
    ($($name:ident($($t:ty),*)),* $(,)?) => {
        $(fn $name(self, $(_: $t),*) -> Result<(), NotAStruct> { Err(NotAStruct) })*
    };
}

impl<'w, 'a> Serializer for Walk<'w, 'a> {
    type Ok = ();
    type Error = NotAStruct;
    type SerializeSeq = Impossible<(), NotAStruct>;
    type SerializeTuple = Impossible<(), NotAStruct>;
    type SerializeTupleStruct = Impossible<(), NotAStruct>;
    type SerializeTupleVariant = Impossible<(), NotAStruct>;
    type SerializeMap = Impossible<(), NotAStruct>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Impossible<(), NotAStruct>;

    refuse!(
        serialize_bool(bool), serialize_i8(i8), serialize_i16(i16), serialize_i32(i32), serialize_i64(i64),
        serialize_u8(u8), serialize_u16(u16), serialize_u32(u32), serialize_u64(u64), serialize_f32(f32),
        serialize_f64(f64), serialize_char(char), serialize_str(&str), serialize_bytes(&[u8]), serialize_none(),
        serialize_unit(), serialize_unit_struct(&'static str), serialize_unit_variant(&'static str, u32, &'static str),
    );

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), NotAStruct> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotAStruct> {
        Err(NotAStruct)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, NotAStruct> {
        Ok(self)
    }
    fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, NotAStruct> {
        Err(NotAStruct)
    }
}

impl<'w, 'a> SerializeStruct for Walk<'w, 'a> {
    type Ok = ();
    type Error = NotAStruct;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), NotAStruct> {
        match &mut *self.0 {
            Want::Field(name, found) if found.is_none() && *name == key => *found = Some((key, Value::from(minijinja::value::Serde(value)))),
            Want::Field(..) => {}
            Want::Names(names) => names.push(key),
        }
        Ok(())
    }

    fn end(self) -> Result<(), NotAStruct> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Item {
        kind: String,
        themes: Vec<String>,
        lead: Option<String>,
    }

    #[test]
    fn a_field_is_the_value_the_whole_struct_would_give_it() {
        let item = Item { kind: "lesson".into(), themes: vec!["funding".into()], lead: None };
        let whole = Value::from(minijinja::value::Serde(&item));
        for name in names(&item) {
            assert_eq!(field(&item, name), Some((name, whole.get_attr(name).unwrap())), "{name}");
        }
        assert_eq!(names(&item), ["kind", "themes", "lead"]);
        assert_eq!(field(&item, "gist"), None);
        assert_eq!(field(&3, "kind"), None);
    }
}
