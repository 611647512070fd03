//! The JUnit XML report of a `capsule test` run: one test case per scenario, with the
//! picture or page HTML saved when a scenario failed attached as CI servers read it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// The outcome of one scenario.
#[derive(Debug)]
pub(crate) struct Outcome {
    /// The scenario's name.
    pub(crate) name: String,
    /// The failure that ended the run, if one did: `step N (...): message`.
    pub(crate) failure: Option<String>,
    /// The screenshot (headless: page HTML) saved when it failed.
    pub(crate) saved: Option<PathBuf>,
    /// Wall time.
    pub(crate) elapsed: Duration,
}

/// Writes a JUnit XML report: one test case per scenario.
///
/// quick-xml escapes `&`, `<`, `>`, `"` and `'` (and, in attribute values, tab, line feed
/// and carriage return, which attribute-value normalisation would otherwise turn into
/// spaces). Characters XML 1.0 cannot hold in any form (most C0 controls, U+FFFE, U+FFFF)
/// are written as U+FFFD.
pub(crate) fn write_junit(path: &Path, outcomes: &[Outcome]) -> Result<()> {
    let xml = junit_xml(outcomes).context("cannot build the JUnit report")?;
    std::fs::write(path, xml).with_context(|| format!("cannot write {}", path.display()))
}

fn junit_xml(outcomes: &[Outcome]) -> std::io::Result<Vec<u8>> {
    let failures = outcomes.iter().filter(|o| o.failure.is_some()).count();
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let suite = BytesStart::new("testsuite").with_attributes([
        ("name", "capsule"),
        ("tests", &outcomes.len().to_string()),
        ("failures", &failures.to_string()),
    ]);
    writer.write_event(Event::Start(suite))?;
    for outcome in outcomes {
        let case = BytesStart::new("testcase").with_attributes([
            ("name", &*xml_chars(&outcome.name)),
            ("time", &format!("{:.3}", outcome.elapsed.as_secs_f64())),
        ]);
        match &outcome.failure {
            Some(message) => {
                writer.write_event(Event::Start(case))?;
                let failure =
                    BytesStart::new("failure").with_attributes([("message", &*xml_chars(message))]);
                writer.write_event(Event::Empty(failure))?;
                if let Some(saved) = &outcome.saved {
                    // The attachment convention of Jenkins' and GitLab's JUnit readers.
                    let line = format!("[[ATTACHMENT|{}]]", saved.display());
                    writer.write_event(Event::Start(BytesStart::new("system-out")))?;
                    writer.write_event(Event::Text(BytesText::new(&xml_chars(&line))))?;
                    writer.write_event(Event::End(BytesEnd::new("system-out")))?;
                }
                writer.write_event(Event::End(BytesEnd::new("testcase")))?;
            }
            None => writer.write_event(Event::Empty(case))?,
        }
    }
    writer.write_event(Event::End(BytesEnd::new("testsuite")))?;
    let mut xml = writer.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

/// `text` with every character XML 1.0 does not allow (production `Char`: tab, line feed,
/// carriage return, U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF) replaced by U+FFFD.
fn xml_chars(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    };
    if text.chars().all(allowed) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if allowed(c) { c } else { '\u{FFFD}' })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_reports_escape_and_count_failures() {
        let dir = tempfile::tempdir().expect("test value");
        let file = dir.path().join("out.xml");
        let outcomes = [
            Outcome {
                name: "a <b>".into(),
                failure: None,
                saved: None,
                elapsed: Duration::from_millis(5),
            },
            Outcome {
                name: "c".into(),
                failure: Some("step 2 (tap \".x\"): no element".into()),
                saved: Some("out/c.failure.html".into()),
                elapsed: Duration::from_millis(5),
            },
        ];
        write_junit(&file, &outcomes).expect("test value");
        let xml = std::fs::read_to_string(file).expect("test value");
        assert!(xml.contains(r#"tests="2" failures="1""#), "{xml}");
        assert!(xml.contains("a &lt;b&gt;"), "{xml}");
        assert!(
            xml.contains(r#"message="step 2 (tap &quot;.x&quot;): no element""#),
            "{xml}"
        );
        assert!(
            xml.contains("<system-out>[[ATTACHMENT|out/c.failure.html]]</system-out>"),
            "{xml}"
        );
    }

    /// What XML 1.0 allows at all (production `Char`): tab, line feed, carriage return,
    /// U+0020–U+D7FF, U+E000–U+FFFD, U+10000–U+10FFFF.
    fn xml_char(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
            || c >= '\u{10000}'
    }

    /// Markup characters are escaped, characters XML 1.0 cannot hold become U+FFFD, and the
    /// file parses back, to its end, into the same structure and text.
    #[test]
    fn junit_is_well_formed_whatever_the_messages_hold() {
        use quick_xml::events::Event;
        use quick_xml::{Reader, XmlVersion};

        let dir = tempfile::tempdir().expect("test value");
        let file = dir.path().join("out.xml");
        let message = "step 1 (expect \"<view>\" & 'b'): ]]> got \u{0}\u{1b}[31mred\u{1b}[0m \
                       \u{fffe}\u{ffff}\u{b}\u{c}\u{7f} tab\there\nline\r\n中文 \u{1f600}";
        let outcomes = [
            Outcome {
                name: "a & <b> \"c\" \u{0}".into(),
                failure: Some(message.into()),
                saved: None,
                elapsed: Duration::from_millis(1234),
            },
            Outcome {
                name: "ok".into(),
                failure: None,
                saved: None,
                elapsed: Duration::ZERO,
            },
        ];
        write_junit(&file, &outcomes).expect("test value");
        let xml = std::fs::read_to_string(&file).expect("UTF-8");
        assert!(xml.chars().all(xml_char), "{xml:?}");
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
            "{xml}"
        );
        assert!(!xml.contains("]]>"), "{xml}");

        let mut reader = Reader::from_str(&xml);
        let (mut open, mut elements, mut attributes) = (Vec::new(), Vec::new(), Vec::new());
        loop {
            let event = reader.read_event().unwrap_or_else(|e| {
                panic!("not well-formed at {}: {e}\n{xml}", reader.error_position())
            });
            let (element, empty) = match event {
                Event::Eof => break,
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(e) => {
                    let name: String = open.pop().expect("an element is open");
                    assert_eq!(e.name().as_ref(), name);
                    continue;
                }
                Event::Decl(_) => continue,
                Event::Text(text) => {
                    assert!(text.as_ref().trim_ascii().is_empty(), "{text:?}");
                    continue;
                }
                other => panic!("unexpected {other:?}"),
            };
            let name = element.name().as_ref().to_owned();
            for attribute in element.attributes() {
                let attribute = attribute.expect("well-formed attribute");
                let key = attribute.key.as_ref().to_owned();
                // As a conforming parser reads it: character references resolved, then
                // attribute-value normalisation (a literal tab or line break is a space).
                let value = attribute
                    .normalized_value(XmlVersion::Explicit1_0)
                    .expect("escaped")
                    .into_owned();
                attributes.push((format!("{name}.{key}"), value));
            }
            elements.push(name.clone());
            if !empty {
                open.push(name);
            }
        }
        assert!(open.is_empty(), "unclosed {open:?}");
        assert_eq!(
            elements,
            ["testsuite", "testcase", "failure", "testcase"],
            "{xml}"
        );
        let replaced = |s: &str| -> String {
            s.chars()
                .map(|c| if xml_char(c) { c } else { '\u{fffd}' })
                .collect()
        };
        let attribute = |key: &str| {
            attributes
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(attribute("testsuite.tests"), ["2"]);
        assert_eq!(attribute("testsuite.failures"), ["1"]);
        assert_eq!(
            attribute("testcase.name"),
            [&*replaced(&outcomes[0].name), "ok"]
        );
        assert_eq!(attribute("testcase.time"), ["1.234", "0.000"]);
        let expected = replaced(message);
        assert_eq!(attribute("failure.message"), [expected.as_str()]);
        assert!(
            expected.contains("]]> got \u{fffd}\u{fffd}[31mred"),
            "{expected:?}"
        );
        assert!(
            expected.contains("\u{fffd}\u{fffd}\u{fffd}\u{fffd}\u{7f} tab\there\nline\r\n"),
            "{expected:?}"
        );
    }
}
