//! What a scenario's `change` may set a `<picker>` or `<picker-view>` to, checked as the
//! page host's wheels would allow it, and the `change` detail each reports (see
//! `components/library/picker/picker.js`): a selector takes an index into `range`, a
//! multiSelector an index per column, a time "hh:mm" and a date "YYYY-MM-DD" (shorter by
//! `fields`) between `start` and `end`, a region its names (reported with their codes), a
//! picker-view a row index per column.

use serde_json::{Value, json};

use crate::view::{VElement, VNode, to_number};

/// The range a date picker offers without `start` or `end`.
const DATE_START: (u32, u32, u32) = (1900, 1, 1);
const DATE_END: (u32, u32, u32) = (2100, 12, 31);

/// Whether a user could choose `value` on picker `element` (its `disabled` is checked by
/// `controls::check_change`).
pub(super) fn check_picker(element: &VElement, value: &Value) -> Result<(), String> {
    let mode = mode(element);
    let range = match element.attrs.get("range") {
        Some(Value::Array(items)) => items.as_slice(),
        _ => &[],
    };
    match mode {
        "multiSelector" => {
            let indices = value.as_array().ok_or_else(|| {
                format!("a multiSelector <picker> change takes an index per column, not {value}")
            })?;
            if indices.len() != range.len() {
                return Err(format!(
                    "the multiSelector <picker> has {} columns, the change gives {}",
                    range.len(),
                    indices.len()
                ));
            }
            for (column, (index, items)) in indices.iter().zip(range).enumerate() {
                let count = items.as_array().map_or(0, Vec::len);
                check_index(index, count, &format!("column {column}"))?;
            }
            Ok(())
        }
        "time" => {
            let wanted = value
                .as_str()
                .and_then(parse_time)
                .ok_or_else(|| format!("a time <picker> change takes \"hh:mm\", not {value}"))?;
            let start = attr_text(element, "start")
                .and_then(parse_time)
                .unwrap_or(0);
            let end = attr_text(element, "end")
                .and_then(parse_time)
                .unwrap_or(23 * 60 + 59);
            within(wanted, start, end, value)
        }
        "date" => {
            let fields = date_fields(element);
            let wanted = value
                .as_str()
                .and_then(|text| parse_date(text, fields))
                .ok_or_else(|| {
                    let shape = ["YYYY", "YYYY-MM", "YYYY-MM-DD"][fields - 1];
                    format!("a date <picker> change takes \"{shape}\", not {value}")
                })?;
            let bound = |name, default: (u32, u32, u32)| {
                attr_text(element, name)
                    .and_then(|text| parse_date(text, 3).or_else(|| parse_date(text, fields)))
                    .unwrap_or(default)
            };
            // A shorter value stands for its first day; a bound for as much as it names.
            let key = |(year, month, day): (u32, u32, u32)| year * 10_000 + month * 100 + day;
            let (start, end) = (bound("start", DATE_START), bound("end", DATE_END));
            let last = |(year, month, day)| match fields {
                1 => key((year, 12, 31)),
                2 => key((year, month, 31)),
                _ => key((year, month, day)),
            };
            if last(wanted) < key(start) || key(wanted) > key(end) {
                return Err(format!("{value} is outside the <picker>'s start and end"));
            }
            Ok(())
        }
        "region" => match value.as_array() {
            Some(names) if (1..=3).contains(&names.len()) && names.iter().all(Value::is_string) => {
                Ok(())
            }
            _ => Err(format!(
                "a region <picker> change takes the names of a province, city and district, not {value}"
            )),
        },
        _ => check_index(value, range.len(), "its range"),
    }
}

/// Whether a user could turn picker-view `element` to `value`, a row index per column.
pub(super) fn check_picker_view(element: &VElement, value: &Value) -> Result<(), String> {
    let indices = value.as_array().ok_or_else(|| {
        format!("a <picker-view> change takes a row index per column, not {value}")
    })?;
    let columns: Vec<&VElement> = element
        .children
        .iter()
        .filter_map(|child| match child {
            VNode::Element(column) if column.tag == "picker-view-column" => Some(column),
            _ => None,
        })
        .collect();
    if indices.len() > columns.len() {
        return Err(format!(
            "the <picker-view> has {} columns, the change gives {}",
            columns.len(),
            indices.len()
        ));
    }
    for (at, (index, column)) in indices.iter().zip(&columns).enumerate() {
        let rows = column
            .children
            .iter()
            .filter(|row| matches!(row, VNode::Element(_)))
            .count();
        check_index(index, rows, &format!("column {at}"))?;
    }
    Ok(())
}

/// The `change` detail picker `element` reports for a checked `value`: `{value}`, and a
/// region's division `code`s.
pub(super) fn picker_detail(element: &VElement, value: &Value) -> Value {
    if mode(element) != "region" {
        return json!({ "value": value });
    }
    let names: Vec<&str> = value
        .as_array()
        .map(|names| names.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    json!({ "value": value, "code": capsule_components::region_codes(&names) })
}

/// The columns a multiSelector picker `element` turns to go from what it shows (`shown`,
/// the value chosen last or its `value`) to `value` (checked), each with its new index, in
/// column order: what it reports as `columnchange`. None for the other modes.
pub(super) fn turned_columns(
    element: &VElement,
    shown: Option<&Value>,
    value: &Value,
) -> Vec<(usize, u64)> {
    let (Some(Value::Array(range)), Some(wanted)) = (element.attrs.get("range"), value.as_array())
    else {
        return Vec::new();
    };
    if mode(element) != "multiSelector" {
        return Vec::new();
    }
    let shown = shown.and_then(Value::as_array);
    range
        .iter()
        .zip(wanted)
        .enumerate()
        .filter_map(|(column, (items, wanted))| {
            let count = items.as_array().map_or(0, Vec::len);
            let at = shown.and_then(|shown| shown.get(column));
            let wanted = wanted.as_u64()?;
            (shown_index(at, count) != wanted).then_some((column, wanted))
        })
        .collect()
}

/// The row a column of `count` rows shows for index `index`, as the page host's
/// `clampIndex` reads it: the whole number, brought into the column (0 for none).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn shown_index(index: Option<&Value>, count: usize) -> u64 {
    let number = index.map_or(f64::NAN, to_number).trunc();
    let last = count.saturating_sub(1) as f64;
    // A whole number between 0 and the column's last row.
    if number.is_nan() {
        0
    } else {
        number.clamp(0.0, last) as u64
    }
}

fn mode(element: &VElement) -> &str {
    match attr_text(element, "mode") {
        Some(mode @ ("multiSelector" | "time" | "date" | "region")) => mode,
        _ => "selector",
    }
}

fn attr_text<'a>(element: &'a VElement, name: &str) -> Option<&'a str> {
    element.attrs.get(name).and_then(Value::as_str)
}

fn check_index(index: &Value, count: usize, of: &str) -> Result<(), String> {
    match index.as_u64() {
        Some(index) if usize::try_from(index).is_ok_and(|index| index < count) => Ok(()),
        _ => Err(format!(
            "{index} is not an index into {of} (it has {count} items)"
        )),
    }
}

fn within(wanted: u32, start: u32, end: u32, value: &Value) -> Result<(), String> {
    if wanted < start || wanted > end {
        return Err(format!("{value} is outside the <picker>'s start and end"));
    }
    Ok(())
}

/// "hh:mm" as minutes.
fn parse_time(text: &str) -> Option<u32> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let (hours, minutes): (u32, u32) = (number(hours, 2)?, number(minutes, 2)?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// A date of `fields` parts ("YYYY", "YYYY-MM", "YYYY-MM-DD"), the parts left out 1.
fn parse_date(text: &str, fields: usize) -> Option<(u32, u32, u32)> {
    let parts: Vec<&str> = text.trim().split('-').collect();
    if parts.len() != fields || parts[0].len() != 4 {
        return None;
    }
    let year = number(parts[0], 4)?;
    let month = parts.get(1).map_or(Some(1), |part| number(part, 2))?;
    let day = parts.get(2).map_or(Some(1), |part| number(part, 2))?;
    ((1..=12).contains(&month) && day >= 1 && day <= days_in(year, month))
        .then_some((year, month, day))
}

fn days_in(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Digits only, at most `width` of them.
fn number(text: &str, width: usize) -> Option<u32> {
    (!text.is_empty() && text.len() <= width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn date_fields(element: &VElement) -> usize {
    match attr_text(element, "fields") {
        Some("year") => 1,
        Some("month") => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn picker(attrs: Value) -> VElement {
        let attrs: BTreeMap<String, Value> = serde_json::from_value(attrs).expect("attributes");
        VElement {
            tag: "picker".into(),
            attrs,
            ..VElement::default()
        }
    }

    #[test]
    fn a_selector_takes_an_index_into_its_range() {
        let fruit = picker(json!({ "range": ["a", "b", "c"] }));
        assert!(check_picker(&fruit, &json!(2)).is_ok());
        let refused = check_picker(&fruit, &json!(3)).expect_err("past the end");
        assert!(
            refused.contains("3 is not an index into its range (it has 3 items)"),
            "{refused}"
        );
        assert!(check_picker(&fruit, &json!("b")).is_err());
    }

    #[test]
    fn a_multi_selector_takes_an_index_per_column() {
        let route =
            picker(json!({ "mode": "multiSelector", "range": [["a", "b"], ["p", "q", "r"]] }));
        assert!(check_picker(&route, &json!([1, 2])).is_ok());
        assert!(
            check_picker(&route, &json!([1]))
                .expect_err("short")
                .contains("2 columns")
        );
        assert!(
            check_picker(&route, &json!([2, 0]))
                .expect_err("past")
                .contains("column 0")
        );
    }

    #[test]
    fn a_multi_selector_turns_the_columns_that_change() {
        let route =
            picker(json!({ "mode": "multiSelector", "range": [["a", "b"], ["p", "q", "r"]] }));
        let shown = json!([0, 1]);
        assert_eq!(
            turned_columns(&route, Some(&shown), &json!([1, 2])),
            [(0, 1), (1, 2)]
        );
        assert_eq!(
            turned_columns(&route, Some(&shown), &json!([0, 2])),
            [(1, 2)]
        );
        assert!(turned_columns(&route, Some(&shown), &json!([0, 1])).is_empty());
        // Without a value the wheels stand on the first rows; past the end, on the last.
        assert_eq!(turned_columns(&route, None, &json!([0, 1])), [(1, 1)]);
        assert!(turned_columns(&route, Some(&json!([5, "2"])), &json!([1, 2])).is_empty());
        let fruit = picker(json!({ "range": ["a", "b"] }));
        assert!(turned_columns(&fruit, Some(&json!(0)), &json!(1)).is_empty());
    }

    #[test]
    fn times_and_dates_are_checked_against_start_and_end() {
        let clock = picker(json!({ "mode": "time", "start": "08:00", "end": "20:45" }));
        assert!(check_picker(&clock, &json!("09:30")).is_ok());
        assert!(
            check_picker(&clock, &json!("20:46"))
                .expect_err("late")
                .contains("outside")
        );
        assert!(
            check_picker(&clock, &json!("9.30"))
                .expect_err("shape")
                .contains("\"hh:mm\"")
        );
        let day = picker(json!({ "mode": "date", "start": "2020-01-01", "end": "2025-12-31" }));
        assert!(check_picker(&day, &json!("2024-02-29")).is_ok());
        assert!(
            check_picker(&day, &json!("2023-02-29")).is_err(),
            "not a leap year"
        );
        assert!(
            check_picker(&day, &json!("2026-01-01"))
                .expect_err("late")
                .contains("outside")
        );
        let month = picker(json!({ "mode": "date", "fields": "month" }));
        assert!(check_picker(&month, &json!("2024-12")).is_ok());
        assert!(
            check_picker(&month, &json!("2024-12-01"))
                .expect_err("long")
                .contains("\"YYYY-MM\"")
        );
    }

    #[test]
    fn a_region_reports_the_codes_of_its_names() {
        let place = picker(json!({ "mode": "region" }));
        let names = json!(["广东省", "广州市", "海珠区"]);
        assert!(check_picker(&place, &names).is_ok());
        assert!(check_picker(&place, &json!("广东省")).is_err());
        assert_eq!(
            picker_detail(&place, &names),
            json!({ "value": names, "code": ["440000", "440100", "440105"] })
        );
        assert_eq!(
            picker_detail(&picker(json!({})), &json!(1)),
            json!({ "value": 1 })
        );
    }
}
