//! What each built-in component accepts and reports, as its library folder declares it.

use std::fmt::Write as _;

include!(concat!(env!("OUT_DIR"), "/library.rs"));

/// A built-in component: its tag, its properties and the events it reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Component {
    /// The tag templates write, as both dialects spell it (`scroll-view`).
    pub tag: &'static str,
    /// One line on what it is.
    pub summary: &'static str,
    /// What it takes, in the order the reference lists them.
    pub properties: &'static [Property],
    /// What it reports, by event name (`change`: WeChat `bindchange`, Alipay `onChange`).
    pub events: &'static [Event],
}

/// A property of a built-in component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Property {
    /// Its names: WeChat's (`show-value`) first, then the spellings Alipay documents
    /// (`showValue`) where they differ.
    pub names: &'static [&'static str],
    /// What its value is.
    pub kind: PropertyKind,
    /// The value when the template leaves it out, as the platforms document it ("" when it
    /// has none).
    pub default: &'static str,
}

/// What a property's value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PropertyKind {
    /// `true` or `false`; a bare attribute is `true`.
    Boolean,
    /// A number.
    Number,
    /// Text.
    String,
    /// One of the listed words.
    OneOf(&'static [&'static str]),
    /// A CSS colour.
    Color,
    /// A length: a number of px, or with a unit (`rpx`, `px`, `%`).
    Length,
    /// A file of the package (relative to the template, or from its root) or a URL; the
    /// template layer resolves it.
    Path,
    /// An array or object, as data binding gives it.
    Data,
}

/// An event a built-in component reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Its name (`change`), bound as `bind<name>` / `catch<name>` in WeChat and `on<Name>` /
    /// `catch<Name>` in Alipay.
    pub name: &'static str,
    /// What its `detail` holds.
    pub detail: &'static str,
}

impl Property {
    /// A property with these names, kind and default.
    pub(crate) const fn new(
        names: &'static [&'static str],
        kind: PropertyKind,
        default: &'static str,
    ) -> Self {
        Property {
            names,
            kind,
            default,
        }
    }

    /// Whether `name` is one of its spellings.
    pub fn is_named(&self, name: &str) -> bool {
        self.names.contains(&name)
    }
}

impl Event {
    /// An event with this name and detail.
    pub(crate) const fn new(name: &'static str, detail: &'static str) -> Self {
        Event { name, detail }
    }
}

impl Component {
    /// Its property named `name` (in either dialect's spelling).
    pub fn property(&self, name: &str) -> Option<&'static Property> {
        self.properties
            .iter()
            .find(|property| property.is_named(name))
    }
}

/// Every built-in component of the library, in library order.
pub fn components() -> impl Iterator<Item = &'static Component> {
    MODULES.iter().flat_map(|module| module.iter())
}

/// The built-in component with tag `tag`, if the library has it.
pub fn component(tag: &str) -> Option<&'static Component> {
    components().find(|component| component.tag.eq_ignore_ascii_case(tag))
}

/// The component reference (`docs/COMPONENTS.md`): every component with its properties,
/// defaults and events, in Markdown.
pub fn reference() -> String {
    let mut text = String::from(
        "# Built-in components\n\n\
         Generated from the descriptors in `components/library/*/mod.rs` \
         (`cargo test -p capsule-components` checks it; \
         `CAPSULE_WRITE_REFERENCE=1 cargo test -p capsule-components` rewrites it).\n\
         Properties are listed by their WeChat name, then Alipay's spelling where it differs; \
         an event `change` is bound as `bindchange` in WeChat and `onChange` in Alipay.\n",
    );
    for component in components() {
        let _ = write!(text, "\n## `{}`\n\n{}\n", component.tag, component.summary);
        if !component.properties.is_empty() {
            text.push_str("\n| property | kind | default |\n|---|---|---|\n");
            for property in component.properties {
                let names: Vec<String> = property.names.iter().map(|n| format!("`{n}`")).collect();
                let default = if property.default.is_empty() {
                    String::new()
                } else {
                    format!("`{}`", property.default)
                };
                let _ = writeln!(
                    text,
                    "| {} | {} | {default} |",
                    names.join(" / "),
                    kind_text(property.kind)
                );
            }
        }
        if !component.events.is_empty() {
            text.push_str("\n| event | detail |\n|---|---|\n");
            for event in component.events {
                let _ = writeln!(text, "| `{}` | {} |", event.name, event.detail);
            }
        }
    }
    text
}

fn kind_text(kind: PropertyKind) -> String {
    match kind {
        PropertyKind::Boolean => "boolean".into(),
        PropertyKind::Number => "number".into(),
        PropertyKind::String => "string".into(),
        PropertyKind::OneOf(words) => {
            let words: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
            words.join(", ")
        }
        PropertyKind::Color => "colour".into(),
        PropertyKind::Length => "length".into(),
        PropertyKind::Path => "package path or URL".into(),
        PropertyKind::Data => "array or object".into(),
    }
}
