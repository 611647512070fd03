//! The steps of a scenario file, checked when the file loads: an unknown step, a key a step
//! does not know, a value of the wrong type or a check with nothing to check is an error
//! that names the step, so a misspelled check can never pass.

use std::path::{Path, PathBuf};
use std::time::Duration;

use capsule_view::Selector;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The element a step acts on or checks: the `index`-th match (from 0) of `selector`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Element {
    /// The selector, as `capsule_view::Selector` reads it.
    pub selector: String,
    /// Which match, from 0.
    #[serde(default)]
    pub index: usize,
}

/// One step of a scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Taps the element.
    Tap(Element),
    /// Presses the element long.
    LongPress(Element),
    /// Types the text into the element (an input or textarea).
    Input(Element, String),
    /// Confirms the element (the keyboard's done key on an input).
    Confirm(Element),
    /// Sets the value of a form control (switch, slider, picker, ...).
    Change(Element, Value),
    /// Scrolls a scroll-view, or the page when there is no element.
    Scroll(Option<Element>, f64),
    /// Swipes a swiper to this item.
    Swipe(Element, u32),
    /// Taps this tab of the tab bar, from 0.
    TapTab(usize),
    /// Presses the back button this many times.
    Back(usize),
    /// Leaves the app; with a time, comes back after it.
    Background(Option<Duration>),
    /// Comes back to the app.
    Foreground,
    /// Opens a page of the app over the current one (`navigateTo`).
    Navigate(String),
    /// Restarts the app at a page (`reLaunch`).
    Open(String),
    /// Answers the next dialog or scan.
    Answer(Answer),
    /// Waits for conditions or a time.
    Wait(Wait),
    /// Checks conditions.
    Expect(Expect),
    /// Takes a screenshot.
    Screenshot(Screenshot),
}

/// What an `answer` step answers with.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// A modal's (or alert's) confirm or cancel button.
    Modal {
        /// Whether it presses confirm.
        confirm: bool,
    },
    /// An action sheet's item; -1 is its cancel button.
    ActionSheet(i64),
    /// The picture the next scan reads (resolved against the scenario's folder).
    ScanImage(PathBuf),
    /// The next scan is cancelled.
    ScanCancel,
}

impl Answer {
    /// Whether it answers a dialog (else a scan).
    pub fn is_dialog(&self) -> bool {
        matches!(self, Self::Modal { .. } | Self::ActionSheet(_))
    }

    /// Whether it answers an open dialog of `kind` (`modal`, `alert`, `actionSheet`).
    pub fn fits(&self, kind: &str) -> bool {
        match self {
            Self::Modal { .. } => matches!(kind, "modal" | "alert"),
            Self::ActionSheet(_) => kind == "actionSheet",
            Self::ScanImage(_) | Self::ScanCancel => false,
        }
    }

    /// The dialog's result, as the user's press gives it.
    pub fn result(&self) -> Value {
        match self {
            Self::Modal { confirm } => serde_json::json!({ "confirm": confirm }),
            Self::ActionSheet(index) => serde_json::json!({ "index": index }),
            Self::ScanImage(_) | Self::ScanCancel => Value::Null,
        }
    }

    /// What it answers, for messages: `modal`, `action sheet`, `scan`.
    pub fn target(&self) -> &'static str {
        match self {
            Self::Modal { .. } => "modal",
            Self::ActionSheet(_) => "action sheet",
            Self::ScanImage(_) | Self::ScanCancel => "scan",
        }
    }
}

/// A `wait` step: until every condition holds, or a fixed time.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Wait {
    /// Until an element matches this selector.
    pub selector: Option<String>,
    /// Which match of `selector`, from 0.
    pub index: Option<usize>,
    /// Until the element's text is this (without a selector: until the page shows it).
    pub text: Option<String>,
    /// Until the element's text contains this (without a selector: the page's).
    pub contains: Option<String>,
    /// Until this page is shown.
    pub page: Option<String>,
    /// A fixed pause instead, in milliseconds.
    pub ms: Option<u64>,
    /// How long the conditions may take to hold, in milliseconds.
    pub timeout_ms: Option<u64>,
}

/// An `expect` step: every condition it names must hold.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Expect {
    /// The page shown.
    pub page: Option<String>,
    /// The element checked.
    pub selector: Option<String>,
    /// Which match of `selector`, from 0.
    pub index: Option<usize>,
    /// The element's text.
    pub text: Option<String>,
    /// Text the element contains.
    pub contains: Option<String>,
    /// How many elements `selector` matches.
    pub count: Option<usize>,
    /// Whether the element is shown.
    pub visible: Option<bool>,
    /// The element's attributes.
    pub attr: Option<Map<String, Value>>,
    /// A path into the page's data, compared with `equals`.
    pub data: Option<String>,
    /// `equals` as written: `null` is a value to compare with, not an absent key.
    #[serde(default, deserialize_with = "present")]
    pub equals: Option<Value>,
    /// A storage key, compared with `equals` or checked with `exists`.
    pub storage: Option<String>,
    /// Whether the storage key is set.
    pub exists: Option<bool>,
    /// A toast shown since the previous step.
    pub toast: Option<String>,
    /// A modal or alert shown since the previous step.
    pub modal: Option<String>,
    /// Text of a console line or an error the app logged.
    pub console: Option<String>,
    /// That the app has reported no error.
    pub no_errors: Option<bool>,
}

/// A `screenshot` step (its options sit beside its key).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Screenshot {
    /// The file, relative to the output folder.
    pub screenshot: String,
    /// Whether it is compared with the approved image.
    #[serde(default)]
    pub compare: bool,
    /// The percentage of pixels that may differ.
    pub tolerance: Option<f64>,
}

/// `Some(value)` for a key that is there, even when its value is `null`.
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// The step names, as a scenario writes them.
pub const STEP_NAMES: [&str; 17] = [
    "tap",
    "longpress",
    "input",
    "confirm",
    "change",
    "scroll",
    "swipe",
    "tapTab",
    "back",
    "background",
    "foreground",
    "navigate",
    "open",
    "answer",
    "wait",
    "expect",
    "screenshot",
];

impl Step {
    /// Reads one step; `folder` is the scenario file's folder, which paths are relative to.
    pub fn parse(step: &Value, folder: &Path) -> Result<Self, String> {
        let Some(object) = step.as_object() else {
            return Err(format!(
                "a step is an object with one key, like {{\"tap\": {{\"selector\": \".x\"}}}}, \
                 not {step}"
            ));
        };
        // The one step with options beside its key: {"screenshot": "x.png", "compare": true}.
        if object.contains_key("screenshot") {
            let screenshot: Screenshot = typed(step)?;
            if screenshot
                .tolerance
                .is_some_and(|t| !(0.0..=100.0).contains(&t))
            {
                return Err("'tolerance' takes a percentage of pixels, 0 to 100".into());
            }
            return Ok(Self::Screenshot(screenshot));
        }
        let mut keys = object.iter();
        let (Some((kind, arg)), None) = (keys.next(), keys.next()) else {
            let names: Vec<&str> = object.keys().map(String::as_str).collect();
            return Err(format!(
                "a step has one key (the step's name), found {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            ));
        };
        let parsed = match kind.as_str() {
            "tap" => Self::Tap(typed(arg)?),
            "longpress" => Self::LongPress(typed(arg)?),
            "confirm" => Self::Confirm(typed(arg)?),
            "input" => {
                let input: WithValue<String> = typed(arg)?;
                Self::Input(element(input.selector, input.index), input.value)
            }
            "change" => {
                let change: WithValue<Value> = typed(arg)?;
                Self::Change(element(change.selector, change.index), change.value)
            }
            "scroll" => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Scroll {
                    selector: Option<String>,
                    index: Option<usize>,
                    top: f64,
                }
                let scroll: Scroll = typed(arg)?;
                let target = match (scroll.selector, scroll.index) {
                    (Some(selector), index) => Some(element(selector, index.unwrap_or(0))),
                    (None, Some(_)) => return Err("'index' needs a 'selector'".into()),
                    (None, None) => None,
                };
                Self::Scroll(target, scroll.top)
            }
            "swipe" => {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Swipe {
                    selector: String,
                    #[serde(default)]
                    index: usize,
                    to: u32,
                }
                let swipe: Swipe = typed(arg)?;
                Self::Swipe(element(swipe.selector, swipe.index), swipe.to)
            }
            "tapTab" => Self::TapTab(typed(arg).map_err(|_| "'tapTab' takes a tab number")?),
            "back" => Self::Back(match arg {
                Value::Bool(true) => 1,
                Value::Number(n) => n
                    .as_u64()
                    .filter(|&n| n > 0)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or("'back' takes true or a number of presses from 1")?,
                _ => return Err("'back' takes true or a number of presses from 1".into()),
            }),
            "background" => Self::Background(match arg {
                Value::Bool(true) => None,
                Value::Object(_) => {
                    #[derive(Deserialize)]
                    #[serde(deny_unknown_fields)]
                    struct Background {
                        ms: Option<u64>,
                    }
                    let background: Background = typed(arg)?;
                    background.ms.map(Duration::from_millis)
                }
                _ => return Err("'background' takes true or {\"ms\": time away}".into()),
            }),
            "foreground" => match arg {
                Value::Bool(true) => Self::Foreground,
                Value::Object(fields) if fields.is_empty() => Self::Foreground,
                _ => return Err("'foreground' takes true".into()),
            },
            "navigate" => Self::Navigate(typed(arg).map_err(|_| "'navigate' takes a URL")?),
            "open" => Self::Open(typed(arg).map_err(|_| "'open' takes a URL")?),
            "answer" => Self::Answer(answer(arg, folder)?),
            "wait" => Self::Wait(wait(typed(arg)?)?),
            "expect" => Self::Expect(expect(typed(arg)?)?),
            other => {
                let hint = closest_name(other)
                    .map(|name| format!(" (did you mean '{name}'?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "unknown step '{other}'{hint}; the steps are {}",
                    STEP_NAMES.join(", ")
                ));
            }
        };
        for selector in parsed.selectors() {
            // The error names the selector.
            Selector::parse(selector).map_err(|error| error.to_string())?;
        }
        Ok(parsed)
    }

    /// The selectors the step names.
    fn selectors(&self) -> Vec<&str> {
        match self {
            Self::Tap(element)
            | Self::LongPress(element)
            | Self::Input(element, _)
            | Self::Confirm(element)
            | Self::Change(element, _)
            | Self::Scroll(Some(element), _)
            | Self::Swipe(element, _) => vec![element.selector.as_str()],
            Self::Wait(wait) => wait.selector.as_deref().into_iter().collect(),
            Self::Expect(expect) => expect.selector.as_deref().into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the step is something the user does (rather than a check or a pause): what the
    /// app shows from its start on counts as shown "since the previous step".
    pub fn is_action(&self) -> bool {
        !matches!(
            self,
            Self::Wait(_) | Self::Expect(_) | Self::Screenshot(_) | Self::Answer(_)
        )
    }

    /// Whether the step touches the app's window, which a user cannot do while the app is in
    /// the background.
    pub fn touches_window(&self) -> bool {
        matches!(
            self,
            Self::Tap(_)
                | Self::LongPress(_)
                | Self::Input(..)
                | Self::Confirm(_)
                | Self::Change(..)
                | Self::Scroll(..)
                | Self::Swipe(..)
                | Self::TapTab(_)
                | Self::Back(_)
        )
    }
}

/// The argument of a step that gives an element a value (`input`, `change`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WithValue<T> {
    selector: String,
    #[serde(default)]
    index: usize,
    value: T,
}

fn element(selector: String, index: usize) -> Element {
    Element { selector, index }
}

/// `value` as a `T`, with serde's message (`unknown field `txet`, expected one of ...`).
fn typed<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    T::deserialize(value).map_err(|error| error.to_string())
}

/// The step name `name` was most likely meant to be: the same ignoring case, or a typo away
/// (one edit, two in names of five letters or more).
fn closest_name(name: &str) -> Option<&'static str> {
    let typos = if name.chars().count() >= 5 { 2 } else { 1 };
    STEP_NAMES
        .into_iter()
        .find(|step| step.eq_ignore_ascii_case(name) || edit_distance(step, name) <= typos)
}

/// Levenshtein distance between two short names.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

fn answer(arg: &Value, folder: &Path) -> Result<Answer, String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Fields {
        modal: Option<String>,
        action_sheet: Option<i64>,
        scan_image: Option<String>,
        scan_cancel: Option<bool>,
    }
    let fields: Fields = typed(arg)?;
    let given = [
        fields.modal.is_some(),
        fields.action_sheet.is_some(),
        fields.scan_image.is_some(),
        fields.scan_cancel.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        return Err(
            "'answer' takes exactly one of modal, actionSheet, scanImage and scanCancel".into(),
        );
    }
    Ok(match fields {
        Fields {
            modal: Some(choice),
            ..
        } => match choice.as_str() {
            "confirm" => Answer::Modal { confirm: true },
            "cancel" => Answer::Modal { confirm: false },
            _ => return Err("'modal' takes \"confirm\" or \"cancel\"".into()),
        },
        Fields {
            action_sheet: Some(index),
            ..
        } if index >= -1 => Answer::ActionSheet(index),
        Fields {
            action_sheet: Some(_),
            ..
        } => return Err("'actionSheet' takes an item number, or -1 to cancel".into()),
        Fields {
            scan_image: Some(file),
            ..
        } => Answer::ScanImage(folder.join(file)),
        Fields {
            scan_cancel: Some(true),
            ..
        } => Answer::ScanCancel,
        _ => return Err("'scanCancel' takes true".into()),
    })
}

fn wait(wait: Wait) -> Result<Wait, String> {
    let conditions = wait.selector.is_some()
        || wait.text.is_some()
        || wait.contains.is_some()
        || wait.page.is_some();
    if wait.ms.is_some() && (conditions || wait.timeout_ms.is_some()) {
        return Err("'ms' is a fixed pause: it takes no conditions and no 'timeoutMs'".into());
    }
    if wait.ms.is_none() && !conditions {
        return Err("'wait' needs selector, text, contains, page or ms".into());
    }
    if wait.index.is_some() && wait.selector.is_none() {
        return Err("'index' needs a 'selector'".into());
    }
    Ok(wait)
}

fn expect(expect: Expect) -> Result<Expect, String> {
    let element_keys = [
        ("index", expect.index.is_some()),
        ("text", expect.text.is_some()),
        ("contains", expect.contains.is_some()),
        ("count", expect.count.is_some()),
        ("visible", expect.visible.is_some()),
        ("attr", expect.attr.is_some()),
    ];
    if expect.selector.is_none()
        && let Some((key, _)) = element_keys.iter().find(|(_, given)| *given)
    {
        return Err(format!("'{key}' checks an element: it needs a 'selector'"));
    }
    if expect.count == Some(0)
        && let Some((key, _)) = element_keys[..]
            .iter()
            .find(|(key, given)| *given && !matches!(*key, "count" | "index"))
    {
        return Err(format!(
            "'count': 0 expects no element, so '{key}' has nothing to check"
        ));
    }
    match (&expect.data, &expect.storage, &expect.equals) {
        (Some(_), Some(_), _) => {
            return Err("'data' and 'storage' are separate checks: one per step".into());
        }
        (Some(_), None, None) => return Err("'data' needs 'equals'".into()),
        (None, Some(_), None) if expect.exists.is_none() => {
            return Err("'storage' needs 'equals' or 'exists'".into());
        }
        (None, None, Some(_)) => return Err("'equals' needs 'data' or 'storage'".into()),
        _ => {}
    }
    if expect.exists.is_some() && expect.storage.is_none() {
        return Err("'exists' needs 'storage'".into());
    }
    if expect.no_errors == Some(false) {
        return Err("'noErrors' takes true".into());
    }
    let checks = expect.page.is_some()
        || expect.selector.is_some()
        || expect.data.is_some()
        || expect.storage.is_some()
        || expect.toast.is_some()
        || expect.modal.is_some()
        || expect.console.is_some()
        || expect.no_errors.is_some();
    if !checks {
        return Err(
            "'expect' needs page, selector, data, storage, toast, modal, console or noErrors"
                .into(),
        );
    }
    Ok(expect)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(step: &Value) -> Result<Step, String> {
        Step::parse(step, Path::new("/scenarios"))
    }

    fn error(step: &Value) -> String {
        Step::parse(step, Path::new("/scenarios")).expect_err(&format!("{step} must be refused"))
    }

    #[test]
    fn misspelled_keys_are_refused_by_name() {
        let message = error(&json!({"expect": {"selector": ".title", "txet": "Todos"}}));
        assert!(message.contains("unknown field `txet`"), "{message}");
        let message = error(&json!({"tap": {"selector": ".x", "idx": 1}}));
        assert!(message.contains("unknown field `idx`"), "{message}");
        let message = error(&json!({"wait": {"selector": ".x", "timeout": 10}}));
        assert!(message.contains("unknown field `timeout`"), "{message}");
        let message = error(&json!({"screenshot": "a.png", "compre": true}));
        assert!(message.contains("unknown field `compre`"), "{message}");
        let message = error(&json!({"answer": {"modal": "confirm", "x": 1}}));
        assert!(message.contains("unknown field `x`"), "{message}");
        let message = error(&json!({"background": {"seconds": 1}}));
        assert!(message.contains("unknown field `seconds`"), "{message}");
        let message = error(&json!({"expcet": {"page": "pages/a/a"}}));
        assert!(
            message.contains("unknown step 'expcet' (did you mean 'expect'?)"),
            "{message}"
        );
    }

    #[test]
    fn a_step_has_one_key_and_typed_values() {
        assert!(error(&json!({"tap": {"selector": ".a"}, "wait": {"ms": 1}})).contains("one key"));
        assert!(error(&json!({})).contains("none"));
        assert!(error(&json!("tap")).contains("a step is an object"));
        assert!(error(&json!({"tap": {"selector": 3}})).contains("invalid type"));
        assert!(error(&json!({"tap": {}})).contains("missing field `selector`"));
        assert!(error(&json!({"input": {"selector": ".a"}})).contains("`value`"));
        assert!(error(&json!({"tapTab": "1"})).contains("tab number"));
        assert!(error(&json!({"back": 0})).contains("from 1"));
        assert!(error(&json!({"back": false})).contains("from 1"));
        assert!(error(&json!({"foreground": {"ms": 1}})).contains("takes true"));
        assert!(error(&json!({"scroll": {"index": 1, "top": 5}})).contains("needs a 'selector'"));
        assert!(error(&json!({"screenshot": "a.png", "tolerance": 101})).contains("0 to 100"));
        assert!(error(&json!({"tap": {"selector": "a >"}})).contains("selector 'a >'"));
        assert!(error(&json!({"expect": {"selector": "", "count": 0}})).contains("selector ''"));
        assert_eq!(parse(&json!({"back": true})), Ok(Step::Back(1)));
        assert_eq!(parse(&json!({"back": 3})), Ok(Step::Back(3)));
        assert_eq!(
            parse(&json!({"background": {"ms": 20}})),
            Ok(Step::Background(Some(Duration::from_millis(20))))
        );
        assert_eq!(
            parse(&json!({"background": true})),
            Ok(Step::Background(None))
        );
        assert_eq!(parse(&json!({"foreground": true})), Ok(Step::Foreground));
    }

    #[test]
    fn checks_with_nothing_to_check_are_malformed() {
        for (step, expected) in [
            (
                json!({"expect": {"storage": "todos"}}),
                "'storage' needs 'equals' or 'exists'",
            ),
            (json!({"expect": {"data": "a"}}), "'data' needs 'equals'"),
            (
                json!({"expect": {"equals": 1}}),
                "'equals' needs 'data' or 'storage'",
            ),
            (
                json!({"expect": {"exists": true}}),
                "'exists' needs 'storage'",
            ),
            (json!({"expect": {"text": "a"}}), "'text' checks an element"),
            (json!({"expect": {"count": 1}}), "'count' checks an element"),
            (json!({"expect": {}}), "'expect' needs"),
            (
                json!({"expect": {"noErrors": false}}),
                "'noErrors' takes true",
            ),
            (
                json!({"expect": {"data": "a", "storage": "b", "equals": 1}}),
                "one per step",
            ),
            (
                json!({"expect": {"selector": ".a", "count": 0, "text": "x"}}),
                "'count': 0 expects no element",
            ),
            (json!({"wait": {}}), "'wait' needs"),
            (json!({"wait": {"ms": 5, "selector": ".a"}}), "fixed pause"),
            (json!({"wait": {"index": 1, "text": "a"}}), "'index' needs"),
            (json!({"answer": {}}), "exactly one"),
            (
                json!({"answer": {"modal": "ok"}}),
                "\"confirm\" or \"cancel\"",
            ),
            (
                json!({"answer": {"modal": "confirm", "actionSheet": 1}}),
                "exactly one",
            ),
            (json!({"answer": {"scanCancel": false}}), "takes true"),
            (json!({"answer": {"actionSheet": -2}}), "or -1 to cancel"),
        ] {
            let message = error(&step);
            assert!(message.contains(expected), "{step}: {message}");
        }
    }

    #[test]
    fn well_formed_steps_keep_every_condition() {
        let Ok(Step::Expect(expect)) = parse(&json!({"expect": {
            "page": "pages/index/index", "selector": ".todo", "count": 2, "toast": "Saved",
            "storage": "k", "equals": null
        }})) else {
            panic!("parses");
        };
        assert_eq!(expect.page.as_deref(), Some("pages/index/index"));
        assert_eq!(expect.count, Some(2));
        assert_eq!(expect.toast.as_deref(), Some("Saved"));
        assert_eq!(expect.equals, Some(Value::Null), "null is a value");
        assert_eq!(
            parse(&json!({"answer": {"scanImage": "codes/a.png"}})),
            Ok(Step::Answer(Answer::ScanImage(PathBuf::from(
                "/scenarios/codes/a.png"
            ))))
        );
        assert_eq!(
            parse(&json!({"wait": {"text": "Saved"}})),
            Ok(Step::Wait(Wait {
                text: Some("Saved".into()),
                ..Wait::default()
            }))
        );
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("expect", "expect"), 0);
        assert_eq!(edit_distance("expect", "expcet"), 2);
        assert_eq!(edit_distance("tap", "tapp"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
