//! The region picker's data (`library/picker/regions.json`): China's provinces, their cities
//! and their districts with their division codes, which the page host's region picker shows
//! and a headless session reports as a region picker's `code`.

use serde_json::Value;

const REGIONS_JSON: &str = include_str!("../library/picker/regions.json");

/// The six-digit division codes of the regions `names` (province, city, district, as a region
/// picker's value lists them), as far as the names are found; a name not found ends the list.
pub fn region_codes(names: &[&str]) -> Vec<String> {
    let Ok(Value::Array(mut level)) = serde_json::from_str::<Value>(REGIONS_JSON) else {
        return Vec::new();
    };
    let mut prefix = String::new();
    let mut codes = Vec::new();
    for name in names {
        let Some(entry) = level
            .iter()
            .find(|entry| entry.get(0).and_then(Value::as_str) == Some(name))
        else {
            break;
        };
        prefix.push_str(entry.get(1).and_then(Value::as_str).unwrap_or_default());
        codes.push(format!("{prefix:0<6}"));
        level = match entry.get(2) {
            Some(Value::Array(children)) => children.clone(),
            _ => Vec::new(),
        };
    }
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_give_their_division_codes() {
        assert_eq!(
            region_codes(&["广东省", "广州市", "海珠区"]),
            ["440000", "440100", "440105"]
        );
        // A municipality's districts sit under a city named after it.
        assert_eq!(
            region_codes(&["北京市", "北京市", "海淀区"]),
            ["110000", "110100", "110108"]
        );
        assert_eq!(region_codes(&["广东省", "火星市"]), ["440000"]);
        assert!(region_codes(&["no such province"]).is_empty());
    }
}
