//! CSS selectors over a rendered mini-program page, for test scenarios and selector queries.
//!
//! A selector list is parsed by lightningcss and matched by its matcher (`parcel_selectors`)
//! on the virtual DOM, so a selector matches what it matches in CSS. Element names are the
//! template's tag names (`view`, `my-card`; case-sensitive), attributes are the element's
//! attributes (strings as they are, other values as their JSON text) with `id` and `class`
//! among them; text nodes are not elements. Matching crosses component boundaries, and a
//! class inside a component, which the renderer gives the component's scope prefix
//! (`components-card-card--title`), matches by its own name (`.title`) when a component of
//! that scope is on the page; any other class matches exactly (`.title` is not
//! `block--title`). Attribute selectors see the rendered value (`[class~=…]` the scoped
//! class).
//!
//! Supported: `tag`, `*`, `.class`, `#id`, `[attr]` with `=`, `~=`, `|=`, `^=`, `$=`, `*=`
//! (quoted or not, `i` for ASCII case-insensitive), compounds of those, the descendant (` `),
//! child (`>`), next-sibling (`+`) and subsequent-sibling (`~`) combinators, `,` lists,
//! `:not()`, `:is()`, `:where()`, `:nth-child(an+b [of S])`, `:nth-last-child()`,
//! `:first-child`, `:last-child`, `:only-child`, `:nth-of-type()`, `:nth-last-of-type()`,
//! `:first-of-type`, `:last-of-type`, `:only-of-type` and `:empty`.
//!
//! Refused when parsed, with a [`SelectorError`] naming it: pseudo-elements (`::before`),
//! every other pseudo-class (states such as `:hover`, `:focus`, `:checked`, and unknown
//! ones), `:has()`, `:root`, `:scope`, `:host`, `::slotted()`, `::part()`, `&`, `:-webkit-any()`
//! and namespaces, none of which selects anything on a page at rest; syntax errors and empty
//! selectors.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use lightningcss::error::{Error as CssError, ParserError};
use lightningcss::selector::{Component, PseudoClass, SelectorList};
use lightningcss::stylesheet::{ParserOptions, PrinterOptions};
use lightningcss::traits::{ParseWithOptions, ToCss};
use lightningcss::values::ident::Ident;
use lightningcss::values::string::{CSSString, CowArcStr};
use parcel_selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use parcel_selectors::context::{MatchingContext, MatchingMode, QuirksMode};
use parcel_selectors::matching::{
    ElementSelectorFlags, matches_complex_selector, matches_selector_list,
};
use parcel_selectors::parser::{NthType, SelectorImpl};
use parcel_selectors::visitor::SelectorVisitor;
use parcel_selectors::{Element, NthIndexCache, OpaqueElement};
use serde_json::Value;

use crate::diff::NodePath;
use crate::style::component_scope;
use crate::vdom::{VElement, VNode};

/// A selector this module cannot use, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(String);

/// Names the selector implementation of a selector list: lightningcss keeps its own in a
/// private module.
trait ImplOf<'i> {
    /// The list's selector implementation.
    type Impl: SelectorImpl<'i>;
}

impl<'i, I: SelectorImpl<'i>> ImplOf<'i> for parcel_selectors::SelectorList<'i, I> {
    type Impl = I;
}

/// lightningcss's selector implementation.
type Css<'i> = <SelectorList<'i> as ImplOf<'i>>::Impl;

/// A selector as lightningcss parses it.
type CssSelector<'i> = lightningcss::selector::Selector<'i>;

/// A parsed selector list, borrowing the text it was parsed from.
#[derive(Debug, Clone)]
pub struct Selector<'i> {
    list: SelectorList<'i>,
    /// The `:nth-child(An+B of S)` of `list`, each replaced there by the pseudo-class named
    /// by its index here (the matcher leaves them to the element).
    nth_of: Vec<NthOf<'i>>,
}

/// `:nth-child(An+B of S)` or `:nth-last-child(An+B of S)`.
#[derive(Debug, Clone)]
struct NthOf<'i> {
    a: i32,
    b: i32,
    from_end: bool,
    selectors: Vec<CssSelector<'i>>,
}

impl<'i> Selector<'i> {
    /// Parses `text`; errors say what is wrong or which part is not supported.
    pub fn parse(text: &'i str) -> Result<Self, SelectorError> {
        let fail = |reason: String| SelectorError(format!("selector '{text}': {reason}"));
        if text.trim().is_empty() {
            return Err(fail("empty selector".into()));
        }
        if let Some(open) = unclosed(text) {
            return Err(fail(format!("'{open}' is never closed")));
        }
        let mut list = SelectorList::parse_string_with_options(text, ParserOptions::default())
            .map_err(|error| {
                let error = CssError::from(error, String::new());
                let at = error.loc.map_or(0, |loc| loc.column);
                fail(format!("{} at column {at}", describe(&error.kind)))
            })?;
        let mut check = Refusal(None);
        for selector in list.0.iter() {
            selector.visit(&mut check);
        }
        if let Some(reason) = check.0 {
            return Err(fail(reason));
        }
        let mut nth_of = Vec::new();
        for selector in list.0.iter_mut() {
            take_nth_of(selector, &mut nth_of);
        }
        Ok(Self { list, nth_of })
    }

    /// Paths of the matching elements of `tree`, in document order.
    pub fn find(&self, tree: &[VNode]) -> Vec<NodePath> {
        self.find_among(&Arena::new(tree, tree, &[]))
    }

    /// Paths of the matching elements inside the element at `host` (a component's own query):
    /// its descendants are matched as a page of their own (the host and what is around it
    /// are not their ancestors or siblings), with the scopes of the whole `tree`.
    pub fn find_inside(&self, tree: &[VNode], host: &[u32]) -> Vec<NodePath> {
        match element_at(tree, host) {
            Some(element) => self.find_among(&Arena::new(tree, &element.children, host)),
            None => Vec::new(),
        }
    }

    /// Paths of the matching elements of `arena`, in its (document) order.
    fn find_among(&self, arena: &Arena<'_>) -> Vec<NodePath> {
        let mut cache = NthIndexCache::default();
        let mut context = MatchingContext::new(
            MatchingMode::Normal,
            None,
            Some(&mut cache),
            QuirksMode::NoQuirks,
        );
        (0..arena.entries.len())
            .filter(|&index| {
                let node = Node {
                    arena,
                    nth_of: &self.nth_of,
                    index,
                };
                matches_selector_list(&self.list, &node, &mut context)
            })
            .map(|index| arena.entries[index].path.clone())
            .collect()
    }
}

/// Moves the `:nth-child(… of S)` of `selector` (also nested) to `table`, leaving in their
/// place the pseudo-class named by their index there.
fn take_nth_of<'i>(selector: &mut CssSelector<'i>, table: &mut Vec<NthOf<'i>>) {
    for component in selector.iter_mut_raw_match_order() {
        match component {
            Component::NthOf(data) => {
                let nth = data.nth_data();
                let mut selectors = data.selectors().to_vec();
                for inner in &mut selectors {
                    take_nth_of(inner, table);
                }
                let entry = NthOf {
                    a: nth.a,
                    b: nth.b,
                    from_end: nth.ty.is_from_end(),
                    selectors,
                };
                *component = Component::NonTSPseudoClass(PseudoClass::Custom {
                    name: table.len().to_string().into(),
                });
                table.push(entry);
            }
            Component::Negation(list) | Component::Is(list) | Component::Where(list) => {
                for inner in list.iter_mut() {
                    take_nth_of(inner, table);
                }
            }
            _ => {}
        }
    }
}

/// The innermost bracket, parenthesis or quote of `text` left open at its end (CSS would close it
/// silently), ignoring escaped characters and comments.
fn unclosed(text: &str) -> Option<char> {
    let mut open: Vec<char> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let in_string = matches!(open.last(), Some('"' | '\''));
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\'' if open.last() == Some(&c) => {
                open.pop();
            }
            _ if in_string => {}
            '"' | '\'' | '[' | '(' => open.push(c),
            ']' | ')' => {
                open.pop();
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut star = false;
                for c in chars.by_ref() {
                    if star && c == '/' {
                        break;
                    }
                    star = c == '*';
                }
            }
            _ => {}
        }
    }
    open.last().copied()
}

/// What lightningcss found wrong with a selector.
fn describe(kind: &ParserError<'_>) -> String {
    match kind {
        ParserError::EndOfInput => "the selector ends too early".into(),
        other => crate::style::describe(other),
    }
}

/// Finds the first part of a selector that selects nothing on a page at rest, as the reason
/// it is refused.
struct Refusal(Option<String>);

impl<'i> SelectorVisitor<'i> for Refusal {
    type Impl = Css<'i>;

    fn visit_attribute_selector(
        &mut self,
        namespace: &NamespaceConstraint<&CowArcStr<'i>>,
        local_name: &Ident<'i>,
        _: &Ident<'i>,
    ) -> bool {
        match namespace {
            NamespaceConstraint::Specific(url) if !url.is_empty() => {
                self.0 = Some(format!(
                    "'[{url}|{}]': a mini-program page has no namespaces",
                    local_name.0
                ));
                false
            }
            _ => true,
        }
    }

    fn visit_simple_selector(&mut self, component: &Component<'i>) -> bool {
        let reason = match component {
            Component::NonTSPseudoClass(
                PseudoClass::Custom { .. } | PseudoClass::CustomFunction { .. },
            ) => "is not a known pseudo-class",
            Component::NonTSPseudoClass(_) => {
                "is a state or a pseudo-class without meaning on a page at rest"
            }
            Component::PseudoElement(_) | Component::Slotted(_) | Component::Part(_) => {
                "is a pseudo-element, not an element of the page"
            }
            Component::Has(_) => "is not supported",
            Component::Root | Component::Scope | Component::Host(_) => {
                "has no element to stand for on a mini-program page"
            }
            Component::Nesting => "only means something inside a stylesheet",
            Component::Any(..) => "is not supported (write ':is()')",
            Component::Nth(data) if matches!(data.ty, NthType::Col | NthType::LastCol) => {
                "is about table columns, which a mini-program page does not have"
            }
            Component::Namespace(..) | Component::DefaultNamespace(_) => {
                "names a namespace, and a mini-program page has none"
            }
            _ => return true,
        };
        let shown = match component {
            Component::Nth(data) if data.ty == NthType::Col => ":nth-col()".into(),
            Component::Nth(data) if data.ty == NthType::LastCol => ":nth-last-col()".into(),
            _ => {
                let mut css = CssSelector::from(component.clone())
                    .to_css_string(PrinterOptions::default())
                    .unwrap_or_else(|_| format!("{component:?}"));
                // lightningcss writes the older pseudo-elements with one colon.
                if matches!(component, Component::PseudoElement(_)) && !css.starts_with("::") {
                    css.insert(0, ':');
                }
                css
            }
        };
        self.0 = Some(format!("'{shown}' {reason}"));
        false
    }
}

/// One element of the tree being matched, with its neighbours as indexes into the arena.
struct Entry<'a> {
    element: &'a VElement,
    path: NodePath,
    parent: Option<usize>,
    previous: Option<usize>,
    next: Option<usize>,
}

/// The elements of a tree in document order, and the component scopes of the page.
struct Arena<'a> {
    entries: Vec<Entry<'a>>,
    scopes: HashSet<String>,
}

impl<'a> Arena<'a> {
    /// The elements of `roots` (found at `prefix` in `page`) and the scopes of `page`.
    fn new(page: &[VNode], roots: &'a [VNode], prefix: &[u32]) -> Self {
        let mut arena = Arena {
            entries: Vec::new(),
            scopes: HashSet::new(),
        };
        collect_scopes(page, &mut arena.scopes);
        arena.add(roots, &mut prefix.to_vec(), None);
        arena
    }

    /// Adds the elements of `nodes`, children of `parent` at `path`, and their descendants.
    fn add(&mut self, nodes: &'a [VNode], path: &mut NodePath, parent: Option<usize>) {
        let mut previous = None;
        for (index, node) in (0u32..).zip(nodes) {
            let VNode::Element(element) = node else {
                continue;
            };
            path.push(index);
            let me = self.entries.len();
            if let Some(previous) = previous {
                let entry: &mut Entry<'a> = &mut self.entries[previous];
                entry.next = Some(me);
            }
            self.entries.push(Entry {
                element,
                path: path.clone(),
                parent,
                previous,
                next: None,
            });
            self.add(&element.children, path, Some(me));
            path.pop();
            previous = Some(me);
        }
    }

    /// Whether `class` (a rendered class name) is `wanted`, or `wanted` with the scope prefix
    /// of a component on the page.
    fn class_is(&self, class: &str, wanted: &str) -> bool {
        class == wanted
            || class
                .strip_suffix(wanted)
                .and_then(|rest| rest.strip_suffix("--"))
                .is_some_and(|scope| self.scopes.contains(scope))
    }

    /// `class` without the scope prefix of a component on the page.
    fn unscoped<'c>(&self, class: &'c str) -> &'c str {
        class
            .match_indices("--")
            .find(|(at, _)| self.scopes.contains(&class[..*at]))
            .map_or(class, |(at, _)| &class[at + 2..])
    }
}

fn collect_scopes(nodes: &[VNode], scopes: &mut HashSet<String>) {
    for node in nodes {
        if let VNode::Element(element) = node {
            if let Some(component) = &element.component {
                scopes.insert(component_scope(component));
            }
            collect_scopes(&element.children, scopes);
        }
    }
}

/// An element of an [`Arena`], as the matcher sees it, with the `:nth-child(… of S)` of the
/// selector being matched.
#[derive(Clone, Copy)]
struct Node<'a, 'i> {
    arena: &'a Arena<'a>,
    nth_of: &'a [NthOf<'i>],
    index: usize,
}

impl<'a, 'i> Node<'a, 'i> {
    fn entry(&self) -> &'a Entry<'a> {
        &self.arena.entries[self.index]
    }

    fn at(&self, index: Option<usize>) -> Option<Self> {
        index.map(|index| Node { index, ..*self })
    }
}

impl fmt::Debug for Node<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let entry = self.entry();
        write!(f, "<{}> at {:?}", entry.element.tag, entry.path)
    }
}

impl<'i> Element<'i> for Node<'_, 'i> {
    type Impl = Css<'i>;

    fn opaque(&self) -> OpaqueElement {
        OpaqueElement::new(self.entry().element)
    }

    fn parent_element(&self) -> Option<Self> {
        self.at(self.entry().parent)
    }

    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }

    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }

    fn is_pseudo_element(&self) -> bool {
        false
    }

    fn prev_sibling_element(&self) -> Option<Self> {
        self.at(self.entry().previous)
    }

    fn next_sibling_element(&self) -> Option<Self> {
        self.at(self.entry().next)
    }

    fn is_html_element_in_html_document(&self) -> bool {
        false
    }

    fn has_local_name(&self, local_name: &Ident<'i>) -> bool {
        *local_name.0 == self.entry().element.tag
    }

    fn has_namespace(&self, namespace: &CowArcStr<'i>) -> bool {
        namespace.is_empty()
    }

    fn is_same_type(&self, other: &Self) -> bool {
        self.entry().element.tag == other.entry().element.tag
    }

    fn attr_matches(
        &self,
        namespace: &NamespaceConstraint<&CowArcStr<'i>>,
        local_name: &Ident<'i>,
        operation: &AttrSelectorOperation<&CSSString<'i>>,
    ) -> bool {
        if matches!(namespace, NamespaceConstraint::Specific(url) if !url.is_empty()) {
            return false;
        }
        let Some(value) = attr_text(self.entry().element, &local_name.0) else {
            return false;
        };
        match operation {
            AttrSelectorOperation::Exists => true,
            AttrSelectorOperation::WithValue {
                operator,
                case_sensitivity,
                expected_value,
            } => operator.eval_str(&value, &expected_value.0, *case_sensitivity),
        }
    }

    /// Only the stand-ins of `:nth-child(… of S)` are left when matching (see
    /// [`take_nth_of`]): the others are refused when parsed.
    fn match_non_ts_pseudo_class<F>(
        &self,
        pseudo_class: &PseudoClass<'i>,
        context: &mut MatchingContext<'_, 'i, Self::Impl>,
        flags_setter: &mut F,
    ) -> bool
    where
        F: FnMut(&Self, ElementSelectorFlags),
    {
        let PseudoClass::Custom { name } = pseudo_class else {
            return false;
        };
        let Some(nth) = name.parse::<usize>().ok().and_then(|i| self.nth_of.get(i)) else {
            return false;
        };
        let mut is_s = |node: &Self| {
            context.nest(|context| {
                nth.selectors.iter().any(|selector| {
                    matches_complex_selector(selector.iter(), node, context, flags_setter)
                })
            })
        };
        if !is_s(self) {
            return false;
        }
        let step = |node: &Self| {
            if nth.from_end {
                node.next_sibling_element()
            } else {
                node.prev_sibling_element()
            }
        };
        // Position among the siblings that match S, from 1.
        let mut position = 1;
        let mut sibling = step(self);
        while let Some(node) = sibling {
            if is_s(&node) {
                position += 1;
            }
            sibling = step(&node);
        }
        nth_matches(nth.a, nth.b, position)
    }

    fn match_pseudo_element(
        &self,
        _: &<Self::Impl as SelectorImpl<'i>>::PseudoElement,
        _: &mut MatchingContext<'_, 'i, Self::Impl>,
    ) -> bool {
        // Refused when parsed.
        false
    }

    fn is_link(&self) -> bool {
        false
    }

    fn is_html_slot_element(&self) -> bool {
        false
    }

    fn has_id(&self, id: &Ident<'i>, case_sensitivity: CaseSensitivity) -> bool {
        attr_text(self.entry().element, "id")
            .is_some_and(|own| case_sensitivity.eq(own.as_bytes(), id.0.as_bytes()))
    }

    fn has_class(&self, name: &Ident<'i>, _: CaseSensitivity) -> bool {
        attr_text(self.entry().element, "class").is_some_and(|classes| {
            classes
                .split_whitespace()
                .any(|class| self.arena.class_is(class, &name.0))
        })
    }

    fn imported_part(&self, _: &Ident<'i>) -> Option<Ident<'i>> {
        None
    }

    fn is_part(&self, _: &Ident<'i>) -> bool {
        false
    }

    fn is_empty(&self) -> bool {
        self.entry()
            .element
            .children
            .iter()
            .all(|child| match child {
                VNode::Text { text } => text.is_empty(),
                VNode::Element(_) => false,
            })
    }

    fn is_root(&self) -> bool {
        // `:root` and `:scope` are refused when parsed.
        false
    }
}

/// Whether `position` (from 1) is `a`n+`b` for some n ≥ 0.
fn nth_matches(a: i32, b: i32, position: i32) -> bool {
    let offset = position - b;
    match a {
        0 => offset == 0,
        a => offset % a == 0 && offset / a >= 0,
    }
}

/// An attribute's value as text: a string as it is, any other value as its JSON text.
fn attr_text<'e>(element: &'e VElement, name: &str) -> Option<Cow<'e, str>> {
    element.attrs.get(name).map(|value| match value {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        other => Cow::Owned(other.to_string()),
    })
}

/// The element at `path`.
pub fn element_at<'a>(tree: &'a [VNode], path: &[u32]) -> Option<&'a VElement> {
    let (last, parents) = path.split_last()?;
    let mut children = tree;
    for &index in parents {
        match children.get(index as usize)? {
            VNode::Element(element) => children = &element.children,
            VNode::Text { .. } => return None,
        }
    }
    match children.get(*last as usize)? {
        VNode::Element(element) => Some(element),
        VNode::Text { .. } => None,
    }
}

/// The path of the host element of component instance `id` (see [`VElement::instance`]).
pub fn path_of_instance(tree: &[VNode], id: &str) -> Option<NodePath> {
    tree.iter().enumerate().find_map(|(index, node)| {
        let VNode::Element(element) = node else {
            return None;
        };
        let index = u32::try_from(index).ok()?;
        if element.instance.as_ref().is_some_and(|i| i.id == id) {
            return Some(vec![index]);
        }
        let mut path = path_of_instance(&element.children, id)?;
        path.insert(0, index);
        Some(path)
    })
}

/// An element's rendered text: its text nodes in order, whitespace runs collapsed, trimmed.
pub fn text_of(element: &VElement) -> String {
    fn collect(nodes: &[VNode], out: &mut String) {
        for node in nodes {
            match node {
                VNode::Text { text } => out.push_str(text),
                VNode::Element(element) => collect(&element.children, out),
            }
        }
    }
    let mut raw = String::new();
    collect(&element.children, &mut raw);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How many elements [`closest`] shows at most.
const CLOSEST_SHOWN: usize = 8;

/// For a "no match" message: the elements of `tree` most like what `selector_text` asks for,
/// best first, at most eight, each as `tag#id.class` (scoped classes without their scope
/// prefix; the same entry seen again is shown once, with its count).
///
/// An element is like the selector when it has an id asked for, the tag of the rightmost
/// compound of one of its selectors, or a class similar to one asked for: the same once
/// scope prefixes are removed, at most two edits apart and fewer edits than half the shorter
/// name (an edit adds, removes or replaces a character, or swaps two adjacent ones), or one
/// containing the other (of three characters or more). The id counts most, then each class
/// asked for that the element has, then each similar one, then the tag; equals stay in
/// document order. When nothing is like the selector, the text says so with the number of
/// elements on the page.
pub fn closest(tree: &[VNode], selector_text: &str) -> String {
    let wanted = Wanted::of(selector_text);
    let arena = Arena::new(tree, tree, &[]);
    let mut scored: Vec<(u32, String)> = Vec::new();
    for entry in &arena.entries {
        let element = entry.element;
        let id = attr_text(element, "id").filter(|id| !id.is_empty());
        let mut classes: Vec<&str> = Vec::new();
        let class_text = attr_text(element, "class").unwrap_or_default();
        for class in class_text.split_whitespace() {
            let class = arena.unscoped(class);
            if !classes.contains(&class) {
                classes.push(class);
            }
        }
        let mut score = 0;
        if id
            .as_deref()
            .is_some_and(|id| wanted.ids.iter().any(|w| w == id))
        {
            score += 4;
        }
        if wanted.tags.contains(&element.tag) {
            score += 1;
        }
        for want in &wanted.classes {
            let want = arena.unscoped(want);
            score += classes
                .iter()
                .map(|class| match class_likeness(class, want) {
                    Likeness::Same => 3,
                    Likeness::Near => 2,
                    Likeness::Unlike => 0,
                })
                .max()
                .unwrap_or(0);
        }
        if score == 0 {
            continue;
        }
        let mut shown = element.tag.clone();
        if let Some(id) = &id {
            shown.push('#');
            shown.push_str(id);
        }
        for class in classes {
            shown.push('.');
            shown.push_str(class);
        }
        scored.push((score, shown));
    }
    if scored.is_empty() {
        let count = arena.entries.len();
        let elements = if count == 1 { "element" } else { "elements" };
        return format!("nothing on the page is like it ({count} {elements})");
    }
    // Stable: equal scores stay in document order.
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    let mut shown: Vec<(String, usize)> = Vec::new();
    for (_, text) in scored {
        match shown.iter_mut().find(|(seen, _)| *seen == text) {
            Some((_, count)) => *count += 1,
            None => shown.push((text, 1)),
        }
    }
    let more = shown.len().saturating_sub(CLOSEST_SHOWN);
    let mut text = shown
        .iter()
        .take(CLOSEST_SHOWN)
        .map(|(text, count)| match count {
            1 => text.clone(),
            n => format!("{text} ×{n}"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    format!("the closest: {text}")
}

/// The tags, classes and ids a selector asks for (not those under `:not()`).
#[derive(Default)]
struct Wanted {
    tags: Vec<String>,
    classes: Vec<String>,
    ids: Vec<String>,
}

impl Wanted {
    /// What `text` asks for; nothing when it is not a selector.
    fn of(text: &str) -> Self {
        let mut wanted = Wanted::default();
        if let Ok(list) = SelectorList::parse_string_with_options(text, ParserOptions::default()) {
            for selector in list.0.iter() {
                wanted.add(selector, true);
            }
        }
        wanted
    }

    /// Adds what `selector` asks for; its rightmost compound's tag when `rightmost`.
    fn add(&mut self, selector: &CssSelector<'_>, rightmost: bool) {
        let mut in_rightmost = rightmost;
        for component in selector.iter_raw_match_order() {
            match component {
                Component::Combinator(_) => in_rightmost = false,
                Component::LocalName(name) if in_rightmost => {
                    self.tags.push(name.name.0.to_string());
                }
                Component::Class(name) => self.classes.push(name.0.to_string()),
                Component::ID(id) => self.ids.push(id.0.to_string()),
                Component::Is(list) | Component::Where(list) => {
                    for inner in list.iter() {
                        self.add(inner, in_rightmost);
                    }
                }
                _ => {}
            }
        }
    }
}

/// How alike two class names (without scope prefixes) are.
enum Likeness {
    Same,
    Near,
    Unlike,
}

fn class_likeness(a: &str, b: &str) -> Likeness {
    if a == b {
        return Likeness::Same;
    }
    let (shorter, longer) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let distance = edit_distance(a, b);
    if (distance <= 2 && 2 * distance < shorter.chars().count())
        || (shorter.chars().count() >= 3 && longer.contains(shorter))
    {
        Likeness::Near
    } else {
        Likeness::Unlike
    }
}

/// How many edits turn `a` into `b`: characters added, removed or replaced, and two
/// adjacent characters swapped (the optimal string alignment distance).
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Rows i - 2, i - 1 and i of the distances between the prefixes of a and b.
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (previous[j - 1] + cost)
                .min(previous[j] + 1)
                .min(row[j - 1] + 1);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(before[j - 2] + 1);
            }
        }
        before = std::mem::replace(&mut previous, row);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::test_tree as tree;

    fn find(selector: &str, tree: &[VNode]) -> Vec<NodePath> {
        Selector::parse(selector).expect("test value").find(tree)
    }

    /// The tags of what `selector` finds, with their `id`s when they have one.
    fn names(selector: &str, tree: &[VNode]) -> Vec<String> {
        find(selector, tree)
            .iter()
            .map(|path| {
                let element = element_at(tree, path).expect("test value");
                match attr_text(element, "id") {
                    Some(id) => format!("{}#{id}", element.tag),
                    None => element.tag.clone(),
                }
            })
            .collect()
    }

    fn error(selector: &str) -> String {
        Selector::parse(selector).expect_err(selector).to_string()
    }

    /// A page with the host of component `path` at its top, rendering `inner`.
    fn with_component(path: &str, inner: &str) -> Vec<VNode> {
        let mut page = tree(&format!("<my-card>{inner}</my-card>"));
        if let Some(VNode::Element(host)) = page.first_mut() {
            host.component = Some(path.to_owned());
        }
        page
    }

    #[test]
    fn compounds_and_combinators() {
        let page = tree(
            r#"<view class="list"><view class="todo done" id="a"><text class="label">x</text></view><view class="todo"><view><text class="label">y</text></view></view></view><input class="new" type="text"/>"#,
        );
        assert_eq!(find(".todo", &page), [vec![0, 0], vec![0, 1]]);
        assert_eq!(find(".todo.done", &page), [vec![0, 0]]);
        assert_eq!(find("view#a", &page), [vec![0, 0]]);
        assert!(find("text#a", &page).is_empty());
        assert_eq!(
            find(".todo .label", &page),
            [vec![0, 0, 0], vec![0, 1, 0, 0]]
        );
        assert_eq!(find(".todo > .label", &page), [vec![0, 0, 0]]);
        assert_eq!(find("input.new", &page), [vec![1]]);
        assert_eq!(find("*", &page).len(), 7);
        assert!(find(".missing", &page).is_empty());
        assert_eq!(
            text_of(element_at(&page, &[0, 1]).expect("test value")),
            "y"
        );
    }

    #[test]
    fn element_names_are_tag_names_and_case_sensitive() {
        let page = tree(r#"<my-card id="c"/><view id="v"/>"#);
        assert_eq!(names("my-card", &page), ["my-card#c"]);
        assert!(find("MY-CARD", &page).is_empty());
        assert!(find("View", &page).is_empty());
        assert!(find("my", &page).is_empty());
    }

    #[test]
    fn attribute_selectors() {
        let page = tree(
            r#"<view id="a" class="x y" lang="en-US" data-k="1"/><view id="b" lang="en" href="https://a.example/b.png"/><view id="c" lang="english" title="A B"/>"#,
        );
        assert_eq!(names("[lang]", &page), ["view#a", "view#b", "view#c"]);
        assert!(find("[missing]", &page).is_empty());
        assert_eq!(names("[lang=en]", &page), ["view#b"]);
        assert_eq!(names(r#"[lang="en"]"#, &page), ["view#b"]);
        assert_eq!(names("[lang='en-US']", &page), ["view#a"]);
        assert_eq!(names("[lang|=en]", &page), ["view#a", "view#b"]);
        assert_eq!(names("[lang^=en]", &page), ["view#a", "view#b", "view#c"]);
        assert_eq!(names("[href^='https:']", &page), ["view#b"]);
        assert_eq!(names("[href$='.png']", &page), ["view#b"]);
        assert!(find("[href$='.jpg']", &page).is_empty());
        assert_eq!(names("[href*='a.example']", &page), ["view#b"]);
        assert_eq!(names("[lang*=gli]", &page), ["view#c"]);
        assert_eq!(names("[class~=y]", &page), ["view#a"]);
        assert!(find("[class~='x y']", &page).is_empty());
        assert!(find("[class=x]", &page).is_empty());
        assert_eq!(names("[class='x y']", &page), ["view#a"]);
        assert_eq!(names("[title~=B]", &page), ["view#c"]);
        assert!(find("[title~=b]", &page).is_empty());
        assert_eq!(names("[title~=b i]", &page), ["view#c"]);
        assert!(find("[lang=EN]", &page).is_empty());
    }

    #[test]
    fn attribute_values_that_are_not_strings_compare_as_json() {
        let mut page = tree(r#"<view id="a"/><view id="b"/>"#);
        if let Some(VNode::Element(element)) = page.first_mut() {
            element.attrs.insert("checked".into(), Value::Bool(true));
            element.attrs.insert("count".into(), Value::from(3));
        }
        assert_eq!(names("[checked=true]", &page), ["view#a"]);
        assert_eq!(names("[count='3']", &page), ["view#a"]);
        assert!(find("[checked=false]", &page).is_empty());
    }

    #[test]
    fn sibling_combinators() {
        let page = tree(
            r#"<view><text id="t1"/><view id="v2"/>between<text id="t3"/><text id="t4"/></view>"#,
        );
        // `+`: the next element (text between does not count); `~`: any later one.
        assert_eq!(names("#t1 + view", &page), ["view#v2"]);
        assert_eq!(names("view + text", &page), ["text#t3"]);
        assert_eq!(names("view ~ text", &page), ["text#t3", "text#t4"]);
        assert!(find("#t1 + text", &page).is_empty());
        assert_eq!(names("text ~ text", &page), ["text#t3", "text#t4"]);
        assert!(find("#t4 ~ *", &page).is_empty());
        assert!(find("#t3 + view", &page).is_empty());
    }

    #[test]
    fn lists_are_in_document_order_without_duplicates() {
        let page = tree(r#"<view id="a" class="x"><text id="b" class="x"/></view><text id="c"/>"#);
        assert_eq!(names("text, view", &page), ["view#a", "text#b", "text#c"]);
        assert_eq!(names(".x, view, #a", &page), ["view#a", "text#b"]);
    }

    #[test]
    fn negation_is_and_where() {
        let page = tree(
            r#"<view id="1" class="a"/><view id="2" class="a b"/><view id="3" class="b"/><text id="4" class="a"/>"#,
        );
        assert_eq!(names(".a:not(.b)", &page), ["view#1", "text#4"]);
        assert_eq!(names("view:not(.a, .b)", &page), Vec::<String>::new());
        assert_eq!(names(":not(view)", &page), ["text#4"]);
        assert_eq!(
            names(":is(view, text).a", &page),
            ["view#1", "view#2", "text#4"]
        );
        assert_eq!(names("view:where(.b)", &page), ["view#2", "view#3"]);
        assert!(find(":is(input)", &page).is_empty());
    }

    #[test]
    fn child_position_pseudo_classes_skip_text_nodes() {
        let page = tree(
            r#"<view> lead <text id="e1">a</text><view id="e2"/><text id="e3"/><text id="e4"/><text id="e5"/> tail </view>"#,
        );
        assert_eq!(names("text:first-child", &page), ["text#e1"]);
        assert!(find("view > view:first-child", &page).is_empty());
        assert_eq!(names("view > :last-child", &page), ["text#e5"]);
        assert_eq!(
            names(":nth-child(2n+1)", &page),
            ["view", "text#e1", "text#e3", "text#e5"]
        );
        assert_eq!(
            names("text:nth-child(odd)", &page),
            ["text#e1", "text#e3", "text#e5"]
        );
        assert_eq!(
            names("view > :nth-child(even)", &page),
            ["view#e2", "text#e4"]
        );
        assert_eq!(names("view > :nth-child(3)", &page), ["text#e3"]);
        assert_eq!(
            names("view > :nth-child(-n+2)", &page),
            ["text#e1", "view#e2"]
        );
        assert_eq!(names("view > :nth-last-child(2)", &page), ["text#e4"]);
        assert_eq!(names("text:nth-child(2 of text)", &page), ["text#e3"]);
        assert_eq!(
            names("view > :nth-child(1 of #e2, #e4)", &page),
            ["view#e2"]
        );
        assert_eq!(
            names("view > :nth-last-child(1 of view)", &page),
            ["view#e2"]
        );
        assert!(find("view > :nth-child(2 of view)", &page).is_empty());
        assert_eq!(
            names("text:not(:nth-child(2n+1 of text))", &page),
            ["text#e3", "text#e5"]
        );
        assert_eq!(names("text:nth-of-type(2)", &page), ["text#e3"]);
        assert_eq!(names("view > view:first-of-type", &page), ["view#e2"]);
        assert_eq!(names("text:first-of-type", &page), ["text#e1"]);
        assert_eq!(names("text:last-of-type", &page), ["text#e5"]);
        assert!(find("text:only-child", &page).is_empty());
        assert_eq!(names("view > view:only-of-type", &page), ["view#e2"]);
    }

    #[test]
    fn only_child_and_empty() {
        let page = tree(
            r#"<view id="a"><text id="t">x</text></view><view id="b"></view><view id="c"><view id="d"/></view>"#,
        );
        assert_eq!(names(":only-child", &page), ["text#t", "view#d"]);
        // :empty: no element child and no text.
        assert_eq!(names(":empty", &page), ["view#b", "view#d"]);
        assert!(find("#a:empty, #c:empty, #t:empty", &page).is_empty());
    }

    #[test]
    fn scoped_component_classes_match_by_their_own_name() {
        let page = with_component(
            "components/card/card.wxml",
            r#"<view id="t" class="components-card-card--title">t</view><view id="n" class="title"/>"#,
        );
        assert_eq!(names(".title", &page), ["view#t", "view#n"]);
        assert!(find(".card--title", &page).is_empty());
        assert!(find(".components-card--title", &page).is_empty());
        assert_eq!(names(".components-card-card--title", &page), ["view#t"]);
        assert_eq!(names("my-card .title:first-child", &page), ["view#t"]);
    }

    #[test]
    fn other_double_dash_classes_match_exactly() {
        // BEM modifiers, and a prefix that is the scope of no component on the page.
        let page = with_component(
            "components/card/card",
            r#"<view id="bem" class="block--title"/><view id="other" class="other--title"/>"#,
        );
        assert!(find(".title", &page).is_empty());
        assert_eq!(names(".block--title", &page), ["view#bem"]);
        assert!(find(".block", &page).is_empty());
        // The same class with no component at all on the page.
        let page = tree(r#"<view class="components-card-card--title"/>"#);
        assert!(find(".title", &page).is_empty());
    }

    #[test]
    fn a_components_own_query_sees_its_scope() {
        let page = with_component(
            "components/card/card.wxml",
            r#"<view id="t" class="components-card-card--title"/>"#,
        );
        let selector = Selector::parse(".title:first-child").expect("test value");
        assert_eq!(selector.find_inside(&page, &[0]), [vec![0, 0]]);
        let outside = Selector::parse("my-card .title").expect("test value");
        assert!(outside.find_inside(&page, &[0]).is_empty());
        assert_eq!(outside.find(&page), [vec![0, 0]]);
    }

    #[test]
    fn unusable_selectors_are_clear_errors() {
        for (bad, says) in [
            ("", "empty selector"),
            ("  ", "empty selector"),
            ("a:hover", "':hover'"),
            ("view:focus", "':focus'"),
            (".a:not(:hover)", "':hover'"),
            (":is(.a, .b:active)", "':active'"),
            (":nth-child(1 of :checked)", "':checked'"),
            (
                "a:unknown-thing",
                "':unknown-thing' is not a known pseudo-class",
            ),
            ("a:unknown(1)", "':unknown(1)' is not a known pseudo-class"),
            ("a::before", "'::before' is a pseudo-element"),
            ("a::after", "'::after' is a pseudo-element"),
            ("a::placeholder", "'::placeholder' is a pseudo-element"),
            (":nth-col(1)", "':nth-col()'"),
            (":nth-last-col(1)", "':nth-last-col()'"),
            (":root", "':root'"),
            (":has(.a)", "':has("),
            ("&.a", "'&'"),
            ("a >", "dangling combinator"),
            ("> a", "selector '> a'"),
            ("a,,b", "selector 'a,,b'"),
            ("[x", "'[' is never closed"),
            (".", "selector '.'"),
            ("[]", "selector '[]'"),
            (":is(a", "'(' is never closed"),
            ("[title='a]", "''' is never closed"),
        ] {
            let message = error(bad);
            assert!(message.contains(says), "{bad}: {message}");
        }
        // Brackets in strings, escaped and in comments are not counted.
        for fine in [r#"[title="a[b"]"#, r".a\[", "a /* [ */"] {
            assert!(Selector::parse(fine).is_ok(), "{fine}");
        }
    }

    #[test]
    fn closest_lists_similar_elements_best_first() {
        let page = with_component(
            "components/card/card",
            r#"<view class="components-card-card--todo-item components-card-card--done" id="first"/><view class="todo-item"/><view class="todo-item"/><text class="todo-label"/><input class="new"/>"#,
        );
        let text = closest(&page, ".todo-itme");
        assert_eq!(
            text,
            "the closest: view#first.todo-item.done, view.todo-item ×2"
        );
        // A class containing the one asked for, then the same tag as a rightmost compound.
        assert_eq!(
            closest(&page, ".list input, .label"),
            "the closest: text.todo-label, input.new"
        );
        assert_eq!(
            closest(&page, "#first"),
            "the closest: view#first.todo-item.done"
        );
        assert_eq!(
            closest(&page, ".zzz, button"),
            "nothing on the page is like it (6 elements)"
        );
        // The same class once unscoped comes before the same tag; "nope" is not like "done".
        assert_eq!(
            closest(&page, "text.todo-item"),
            "the closest: view#first.todo-item.done, view.todo-item ×2, text.todo-label"
        );
        assert_eq!(
            closest(&page, ".nope"),
            "nothing on the page is like it (6 elements)"
        );
        // At most eight, then how many more.
        let rows: String = (0..11)
            .map(|i| format!(r#"<view class="row{i}"/>"#))
            .collect();
        let text = closest(&tree(&rows), ".row");
        assert!(
            text.starts_with("the closest: view.row0, view.row1,"),
            "{text}"
        );
        assert!(text.ends_with("view.row7 and 3 more"), "{text}");
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("todo", "todo"), 0);
        assert_eq!(edit_distance("todo", "todos"), 1);
        assert_eq!(edit_distance("itme", "item"), 1);
        assert_eq!(edit_distance("lable", "label"), 1);
        assert_eq!(edit_distance("nope", "done"), 2);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
