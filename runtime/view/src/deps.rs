//! The dependency map: which page data paths each rendered part of a page read, so that a
//! `setData` re-renders only the parts whose bindings read a changed path.
//!
//! A render records a [`Rec`] per template node of the page (elements, `if` chains, blocks,
//! includes and `for` loops keep their structure; text, template calls, slots and component
//! instances are units; an element whose own bindings changed renders again without its
//! children). A `for` over a data path keeps, per item, the paths under its own
//! item (`list.500.title`) apart from the paths any item reads elsewhere, so that a change
//! under one item re-renders that item alone, and items set past the end of the list render
//! alone too.

/// A page data path as reads and changes are compared: its segments joined by `.`, an index
/// as its decimal digits (`list.500.title`); the empty path is the whole data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataPath(String);

/// Whether `key` can be one segment of a [`DataPath`] standing for the same member however
/// it is written: not empty, no `.`, and a number only in its shortest form (`"01"` reads
/// item 1 of an array but key `01` of an object).
fn is_segment(key: &str) -> bool {
    let canonical = match key.parse::<usize>() {
        Ok(n) => n.to_string() == key,
        Err(_) => true,
    };
    canonical && !key.is_empty() && !key.contains('.')
}

impl DataPath {
    /// The whole data.
    #[cfg(test)]
    pub(crate) fn whole() -> Self {
        Self(String::new())
    }

    /// Top-level key `key`; `None` when it cannot be a segment.
    pub(crate) fn root(key: &str) -> Option<Self> {
        is_segment(key).then(|| Self(key.to_owned()))
    }

    /// Member `key` of the value at this path; `None` when it cannot be a segment.
    pub(crate) fn child(&self, key: &str) -> Option<Self> {
        if !is_segment(key) {
            return None;
        }
        Some(self.joined(key))
    }

    /// Item `i` of the array at this path.
    pub(crate) fn index(&self, i: usize) -> Self {
        self.joined(&i.to_string())
    }

    /// This path and one more segment.
    fn joined(&self, segment: &str) -> Self {
        if self.0.is_empty() {
            return Self(segment.to_owned());
        }
        let mut path = String::with_capacity(self.0.len() + 1 + segment.len());
        path.push_str(&self.0);
        path.push('.');
        path.push_str(segment);
        Self(path)
    }

    /// A path from segments already checked (`set_path`'s, which never hold a `.`).
    pub(crate) fn from_joined(joined: String) -> Self {
        Self(joined)
    }

    /// Whether a change at one of the paths can change what is read at the other: one is
    /// the other or lies under it.
    pub(crate) fn overlaps(&self, other: &DataPath) -> bool {
        let (short, long) = if self.0.len() <= other.0.len() {
            (&self.0, &other.0)
        } else {
            (&other.0, &self.0)
        };
        short.is_empty()
            || (long.starts_with(short.as_str())
                && (long.len() == short.len() || long.as_bytes()[short.len()] == b'.'))
    }

    /// Whether this path is `base` or lies under it.
    pub(crate) fn within(&self, base: &DataPath) -> bool {
        self.0.len() >= base.0.len() && self.overlaps(base)
    }

    /// When this path lies strictly under `base`: the segment right under it
    /// (`list.5.title` under `list` → `5`).
    pub(crate) fn segment_under(&self, base: &DataPath) -> Option<&str> {
        let rest = if base.0.is_empty() {
            self.0.as_str()
        } else {
            self.0.strip_prefix(base.0.as_str())?.strip_prefix('.')?
        };
        if rest.is_empty() {
            return None;
        }
        Some(rest.split('.').next().unwrap_or(rest))
    }
}

/// One path a `setData` changed, as `set_path` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// The outermost value it replaced, created or resized.
    pub(crate) path: DataPath,
    /// When that value is an array that only grew: its length before.
    pub(crate) grown_from: Option<usize>,
}

/// The paths one part of a page read, each once.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Deps(Vec<DataPath>);

impl Deps {
    /// Adds `path` unless it is there already.
    pub(crate) fn insert(&mut self, path: DataPath) {
        if !self.0.contains(&path) {
            self.0.push(path);
        }
    }

    /// Adds every path of `paths`.
    pub(crate) fn extend(&mut self, paths: impl IntoIterator<Item = DataPath>) {
        for path in paths {
            self.insert(path);
        }
    }

    /// Whether a change at `change` can change what these reads saw.
    pub(crate) fn affected_by(&self, change: &DataPath) -> bool {
        self.0.iter().any(|path| path.overlaps(change))
    }

    /// Whether any of `changes` can.
    pub(crate) fn affected_by_any(&self, changes: &[Change]) -> bool {
        changes.iter().any(|c| self.affected_by(&c.path))
    }

    /// The paths.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &DataPath> {
        self.0.iter()
    }
}

/// Nodes and bytes of text a part of a page charged against a render's budget, and the
/// component instances it numbered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Cost {
    pub(crate) nodes: usize,
    pub(crate) bytes: usize,
    pub(crate) instances: usize,
}

impl Cost {
    /// `self - old + new`.
    pub(crate) fn replace(self, old: Cost, new: Cost) -> Cost {
        Cost {
            nodes: (self.nodes + new.nodes).saturating_sub(old.nodes),
            bytes: (self.bytes + new.bytes).saturating_sub(old.bytes),
            instances: (self.instances + new.instances).saturating_sub(old.instances),
        }
    }
}

/// What one template node rendered: how many sibling nodes, at what cost, reading what.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rec {
    /// Nodes it put among its parent's children (or the page's roots).
    pub(crate) len: usize,
    pub(crate) cost: Cost,
    /// Every path read by it or anything inside, except the items' own paths of `for` loops
    /// inside (which lie under the loop's list path, itself here).
    pub(crate) summary: Deps,
    pub(crate) kind: RecKind,
}

/// How a [`Rec`] can be brought up to date.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum RecKind {
    /// Rendered again whole when a path of its summary changes.
    Whole,
    /// A plain element (one node): when `own` (what its attributes, dataset, handlers and key
    /// read) changes, it renders again without its children (whole when its key changed);
    /// then its children are brought up to date.
    Element { own: Deps, children: Vec<Rec> },
    /// An `if` chain: `conds` are the paths its evaluated conditions read; `branch` the
    /// index and record of the branch taken.
    If {
        conds: Deps,
        branch: Option<(usize, Box<Rec>)>,
    },
    /// A block or an include: its nodes in turn.
    Seq(Vec<Rec>),
    /// A `for` loop.
    For(Box<ForRec>),
}

/// What a `for` loop rendered.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForRec {
    /// The paths its list expression read.
    pub(crate) list: Deps,
    /// The page data path of the list (an array).
    pub(crate) path: DataPath,
    /// Paths items read outside their own item (`{{title}}`, `{{list[0].x}}`).
    pub(crate) shared: Deps,
    pub(crate) items: Vec<ItemRec>,
    /// Where each item's nodes start among the loop's, and the loop's length last.
    pub(crate) starts: Vec<usize>,
}

/// What one item of a `for` loop rendered.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ItemRec {
    pub(crate) len: usize,
    pub(crate) cost: Cost,
    /// Paths it read under its own item (`list.5`, `list.5.title`).
    pub(crate) own: Deps,
}

/// Which parts of a `for` loop a set of changes reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reach {
    /// None: the loop stays as it is.
    Nothing,
    /// These items (ascending, each once), and the items past the last rendered one when
    /// `append` (the array grew), and nothing else.
    Items { items: Vec<usize>, append: bool },
    /// The list itself or what all items read: the whole loop renders again.
    Whole,
}

impl ForRec {
    /// Builds the record of a loop from its items' (`starts` follows from their lengths).
    pub(crate) fn new(list: Deps, path: DataPath, shared: Deps, items: Vec<ItemRec>) -> Self {
        let mut rec = Self {
            list,
            path,
            shared,
            items,
            starts: Vec::new(),
        };
        rec.restart();
        rec
    }

    /// Recomputes `starts` after an item's length changed.
    pub(crate) fn restart(&mut self) {
        self.starts.clear();
        let mut at = 0;
        for item in &self.items {
            self.starts.push(at);
            at += item.len;
        }
        self.starts.push(at);
    }

    /// Nodes the loop rendered.
    pub(crate) fn len(&self) -> usize {
        self.starts.last().copied().unwrap_or(0)
    }

    /// Which parts of the loop `changes` reach. A change under item `i` of the list path
    /// (which leaves the array's length as it was: `set_path` reports a change that resizes
    /// it at the list itself) reaches that item when it read there; the list growing (and
    /// keeping its items) reaches the items past the last rendered; any other change that
    /// the list or the shared reads saw reaches the whole loop.
    pub(crate) fn reach(&self, changes: &[Change]) -> Reach {
        let mut items = Vec::new();
        let (mut append, mut past_end) = (false, false);
        for change in changes {
            let path = &change.path;
            if self.shared.affected_by(path) {
                return Reach::Whole;
            }
            if *path == self.path {
                match change.grown_from {
                    Some(from) if from >= self.items.len() => append = true,
                    _ => return Reach::Whole,
                }
                continue;
            }
            let item = path
                .segment_under(&self.path)
                .and_then(|segment| segment.parse::<usize>().ok());
            match item {
                Some(i) if i >= self.items.len() => past_end = true,
                Some(i) if self.items[i].own.affected_by(path) => items.push(i),
                None if self.list.affected_by(path) => return Reach::Whole,
                _ => {}
            }
        }
        if past_end && !append {
            return Reach::Whole;
        }
        if items.is_empty() && !append {
            return Reach::Nothing;
        }
        items.sort_unstable();
        items.dedup();
        Reach::Items { items, append }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> DataPath {
        DataPath::from_joined(s.to_owned())
    }

    /// Changes at `paths`, none of them a list that grew.
    fn c(paths: &[&str]) -> Vec<Change> {
        paths
            .iter()
            .map(|s| Change {
                path: p(s),
                grown_from: None,
            })
            .collect()
    }

    fn items(items: &[usize]) -> Reach {
        Reach::Items {
            items: items.to_vec(),
            append: false,
        }
    }

    #[test]
    fn paths_overlap_along_their_segments() {
        assert!(p("list").overlaps(&p("list.5.title")));
        assert!(p("list.5.title").overlaps(&p("list")));
        assert!(p("list.5").overlaps(&p("list.5")));
        assert!(!p("list.5").overlaps(&p("list.50")));
        assert!(!p("list").overlaps(&p("lists")));
        assert!(!p("a.b").overlaps(&p("a.c")));
        assert!(DataPath::whole().overlaps(&p("a")));
        assert_eq!(p("list.5.title").segment_under(&p("list")), Some("5"));
        assert_eq!(p("list").segment_under(&p("list")), None);
        assert_eq!(p("lists.1").segment_under(&p("list")), None);
        assert_eq!(p("a.b").segment_under(&DataPath::whole()), Some("a"));
        assert!(p("list.5").within(&p("list")));
        assert!(p("list").within(&p("list")));
        assert!(!p("list").within(&p("list.5")));
        assert!(!p("lists").within(&p("list")));
    }

    #[test]
    fn segments_are_written_one_way() {
        let list = DataPath::root("list").expect("a segment");
        assert_eq!(list.child("7"), Some(p("list.7")));
        assert_eq!(list.index(7), p("list.7"));
        for bad in ["", "a.b", "07", "+7"] {
            assert_eq!(list.child(bad), None, "{bad}");
        }
        assert_eq!(DataPath::root("x.y"), None);
        assert_eq!(DataPath::whole().child("a"), Some(p("a")));
    }

    fn deps(paths: &[&str]) -> Deps {
        let mut d = Deps::default();
        d.extend(paths.iter().map(|s| p(s)));
        d
    }

    fn item(own: &[&str]) -> ItemRec {
        ItemRec {
            len: 1,
            cost: Cost::default(),
            own: deps(own),
        }
    }

    fn list_loop(shared: &[&str]) -> ForRec {
        ForRec::new(
            deps(&["list"]),
            p("list"),
            deps(shared),
            (0..4)
                .map(|i| item(&[&format!("list.{i}.title"), &format!("list.{i}.id")]))
                .collect(),
        )
    }

    #[test]
    fn a_change_under_one_item_reaches_that_item() {
        let rec = list_loop(&["title"]);
        assert_eq!(rec.reach(&c(&["list.2.title"])), items(&[2]));
        assert_eq!(
            rec.reach(&c(&["list.3", "list.0.id", "list.3.title"])),
            items(&[0, 3])
        );
        // Read by no item.
        assert_eq!(rec.reach(&c(&["list.2.other"])), Reach::Nothing);
        assert_eq!(rec.reach(&c(&["other"])), Reach::Nothing);
        // Past the items (set_path reports a resize at the list), the list, what all read.
        assert_eq!(rec.reach(&c(&["list.9.title"])), Reach::Whole);
        assert_eq!(rec.reach(&c(&["list"])), Reach::Whole);
        assert_eq!(rec.reach(&c(&["title"])), Reach::Whole);
        assert_eq!(rec.reach(&c(&[""])), Reach::Whole);
    }

    #[test]
    fn an_item_read_by_another_reaches_the_whole_loop() {
        let rec = list_loop(&["list.1.title"]);
        assert_eq!(rec.reach(&c(&["list.1.title"])), Reach::Whole);
        assert_eq!(rec.reach(&c(&["list.2.title"])), items(&[2]));
    }

    #[test]
    fn a_list_that_grew_reaches_the_items_past_its_end() {
        let rec = list_loop(&[]);
        let mut changes = vec![Change {
            path: p("list"),
            grown_from: Some(4),
        }];
        changes.extend(c(&["list.5.title", "list.1.id"]));
        assert_eq!(
            rec.reach(&changes),
            Reach::Items {
                items: vec![1],
                append: true
            }
        );
        // Then replaced whole.
        changes.extend(c(&["list"]));
        assert_eq!(rec.reach(&changes), Reach::Whole);
        // Something read its length.
        let rec = list_loop(&["list.length"]);
        assert_eq!(rec.reach(&changes[..1]), Reach::Whole);
    }

    #[test]
    fn starts_follow_item_lengths() {
        let mut rec = list_loop(&[]);
        assert_eq!(rec.starts, vec![0, 1, 2, 3, 4]);
        rec.items[1].len = 3;
        rec.restart();
        assert_eq!(rec.starts, vec![0, 1, 4, 5, 6]);
        assert_eq!(rec.len(), 6);
    }
}
