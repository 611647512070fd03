//! Page data paths (`a.b[2].c`) as `setData` uses them.

use serde_json::{Map, Value};

/// A `setData` path that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad data path '{path}': {reason}")]
pub struct DataPathError {
    /// The path as given.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

/// Largest array index a path may name, and largest sum of its indexes (each `[n]` may
/// make an array of `n + 1` items, so `a[1000000][1000000]...` would allocate without bound).
const MAX_INDEX: usize = 1 << 20;

fn segments(path: &str) -> Result<Vec<Segment<'_>>, DataPathError> {
    let err = |reason: &str| DataPathError {
        path: path.to_owned(),
        reason: reason.to_owned(),
    };
    let mut out = Vec::new();
    let mut rest = path;
    let mut indexes: usize = 0;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').ok_or_else(|| err("'[' without ']'"))?;
            let index: usize = after[..end]
                .trim()
                .parse()
                .map_err(|_| err("index is not a number"))?;
            if index > MAX_INDEX {
                return Err(err("index too large"));
            }
            indexes += index;
            if indexes > MAX_INDEX {
                return Err(err("indexes add up to too much"));
            }
            out.push(Segment::Index(index));
            rest = &after[end + 1..];
            rest = rest.strip_prefix('.').unwrap_or(rest);
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return Err(err("empty key"));
            }
            out.push(Segment::Key(&rest[..end]));
            rest = &rest[end..];
            if let Some(r) = rest.strip_prefix('.') {
                if r.is_empty() {
                    return Err(err("ends with '.'"));
                }
                rest = r;
            }
        }
    }
    if out.is_empty() {
        return Err(err("empty path"));
    }
    Ok(out)
}

/// Sets `value` at `path` in `data`, creating missing objects (and arrays for `[n]`).
pub fn set_path(data: &mut Value, path: &str, value: Value) -> Result<(), DataPathError> {
    set_path_changed(data, path, value).map(|_| ())
}

/// [`set_path`], returning the path of the outermost value it replaced, created or resized,
/// its segments joined by `.` (`list.2.done`; `list` when `list[7]` grew the array, or when
/// `list` was no array; empty when the data itself was no object), and when that value is
/// an array that grew (and kept its items): its length before.
pub(crate) fn set_path_changed(
    data: &mut Value,
    path: &str,
    value: Value,
) -> Result<(String, Option<usize>), DataPathError> {
    let segs = segments(path)?;
    // How many segments the changed path has, once known.
    let mut changed: Option<usize> = None;
    let mut grown_from = None;
    if !data.is_object() {
        *data = Value::Object(Map::new());
        changed = Some(0);
    }
    let mut cur = data;
    for (i, seg) in segs.iter().enumerate() {
        let last = i + 1 == segs.len();
        let fresh = || match segs.get(i + 1) {
            Some(Segment::Index(_)) => Value::Array(Vec::new()),
            _ => Value::Object(Map::new()),
        };
        cur = match seg {
            Segment::Key(k) => {
                if !cur.is_object() {
                    *cur = Value::Object(Map::new());
                    changed.get_or_insert(i);
                }
                let map = cur.as_object_mut().expect("made an object above");
                if last {
                    map.insert((*k).to_owned(), value);
                    break;
                }
                let slot = map.entry((*k).to_owned()).or_insert_with(|| {
                    changed.get_or_insert(i + 1);
                    Value::Null
                });
                if slot.is_null() {
                    *slot = fresh();
                    changed.get_or_insert(i + 1);
                }
                slot
            }
            Segment::Index(n) => {
                if !cur.is_array() {
                    *cur = Value::Array(Vec::new());
                    changed.get_or_insert(i);
                }
                let list = cur.as_array_mut().expect("made an array above");
                if list.len() <= *n {
                    if changed.is_none() {
                        changed = Some(i);
                        grown_from = Some(list.len());
                    }
                    list.resize(*n + 1, Value::Null);
                }
                if last {
                    list[*n] = value;
                    break;
                }
                if list[*n].is_null() {
                    list[*n] = fresh();
                    changed.get_or_insert(i + 1);
                }
                &mut list[*n]
            }
        };
    }
    let depth = changed.unwrap_or(segs.len());
    let mut joined = String::new();
    for seg in &segs[..depth] {
        if !joined.is_empty() {
            joined.push('.');
        }
        match seg {
            Segment::Key(k) => joined.push_str(k),
            Segment::Index(n) => joined.push_str(&n.to_string()),
        }
    }
    Ok((joined, grown_from))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_create_what_is_missing() {
        let mut d = json!({"list": [{"done": false}, {"done": false}]});
        set_path(&mut d, "list[1].done", json!(true)).expect("sets");
        set_path(&mut d, "a.b.c", json!(1)).expect("sets");
        set_path(&mut d, "m[2]", json!("x")).expect("sets");
        set_path(&mut d, "list[0]", json!({"done": 1})).expect("sets");
        assert_eq!(
            d,
            json!({"list": [{"done": 1}, {"done": true}], "a": {"b": {"c": 1}}, "m": [null, null, "x"]})
        );
    }

    #[test]
    fn bad_paths_are_errors() {
        let mut d = json!({});
        for bad in [
            "",
            "a[",
            "a[x]",
            "a.",
            ".a",
            "a[99999999999]",
            "a[1048576][1]",
            "a[700000].b[700000]",
        ] {
            assert!(set_path(&mut d, bad, json!(1)).is_err(), "{bad}");
        }
        assert_eq!(d, json!({}));
        set_path(&mut d, "a[1048575][1]", json!(1)).expect("indexes up to the limit in all");
    }

    #[test]
    fn the_changed_path_is_the_outermost_value_replaced() {
        let mut d = json!({"list": [{"t": 1}, null], "s": "text", "o": {"a": 1}});
        let mut changed = |path: &str| {
            let (path, grown) = set_path_changed(&mut d, path, json!(2)).expect("sets");
            assert_eq!(grown, None, "{path}");
            path
        };
        assert_eq!(changed("list[0].t"), "list.0.t");
        assert_eq!(changed("list[1].t"), "list.1");
        assert_eq!(changed("list.x"), "list");
        assert_eq!(changed("s.length"), "s");
        assert_eq!(changed("o.b.c"), "o.b");
        assert_eq!(changed("o.a"), "o.a");
        assert_eq!(changed("new[0]"), "new");
        let mut d = json!({"list": [1, 2], "m": {"a": [1]}});
        let mut grown = |path: &str| set_path_changed(&mut d, path, json!(2)).expect("sets");
        assert_eq!(grown("list[4].t"), ("list".to_owned(), Some(2)));
        assert_eq!(grown("m.a[1]"), ("m.a".to_owned(), Some(1)));
        assert_eq!(grown("m.b[3]"), ("m.b".to_owned(), None));
        let mut not_object = json!(3);
        assert_eq!(
            set_path_changed(&mut not_object, "a", json!(1)).expect("sets"),
            (String::new(), None)
        );
    }
}
