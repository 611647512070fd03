//! Errors of a mini-program as the terminal shows them: `error: <message>`, then where
//! (`┌─ file:line:col`), the author's line and a caret under the column (codespan-reporting),
//! in colour when stderr is a terminal.

use std::io::IsTerminal;
use std::ops::Range;

use capsule_runtime::Diagnostic;
use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream, WriteColor};
use codespan_reporting::term::{self, Config};

/// The one line of a file an error points at, as codespan-reporting's file database: its
/// index 0 is the file's line `number`.
struct OneLine<'a> {
    name: String,
    number: usize,
    text: &'a str,
}

impl<'a> Files<'a> for OneLine<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.name)
    }

    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(self.text)
    }

    fn line_index(&'a self, (): (), _byte_index: usize) -> Result<usize, FilesError> {
        Ok(0)
    }

    fn line_number(&'a self, (): (), line_index: usize) -> Result<usize, FilesError> {
        Ok(self.number + line_index)
    }

    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        if line_index == 0 {
            Ok(0..self.text.len())
        } else {
            Err(FilesError::LineTooLarge {
                given: line_index,
                max: 0,
            })
        }
    }
}

/// Prints `diagnostic` to stderr: with its line and a caret when it points at a place whose
/// line was read, else `error: <message>`; in colour when stderr is a terminal.
pub(crate) fn eprint(diagnostic: &Diagnostic) {
    let colour = if std::io::stderr().is_terminal() {
        ColorChoice::Auto
    } else {
        ColorChoice::Never
    };
    let stream = StandardStream::stderr(colour);
    let written = write(&mut stream.lock(), diagnostic);
    if let Err(error) = written {
        eprintln!("error: {diagnostic}\n(its line could not be shown: {error})");
    }
}

/// Writes `diagnostic` to `out`.
fn write(out: &mut dyn WriteColor, diagnostic: &Diagnostic) -> Result<(), FilesError> {
    let (Some(location), Some(line)) = (&diagnostic.location, &diagnostic.source_line) else {
        writeln!(out, "error: {diagnostic}")?;
        return Ok(());
    };
    // The column counts characters; codespan-reporting wants the byte range of the one
    // the caret goes under (empty past the end of the line).
    let start = line
        .char_indices()
        .nth(location.column.saturating_sub(1) as usize)
        .map_or(line.len(), |(at, _)| at);
    let end = line[start..]
        .chars()
        .next()
        .map_or(start, |c| start + c.len_utf8());
    let report = Report::error()
        .with_message(&diagnostic.message)
        .with_label(Label::primary((), start..end));
    let file = OneLine {
        name: location.file.to_string(),
        number: location.line as usize,
        text: line,
    };
    term::emit_to_write_style(out, &Config::default(), &file, &report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use capsule_runtime::view::Location;
    use codespan_reporting::term::termcolor::NoColor;

    /// What [`eprint`] prints when stderr is not a terminal.
    fn render(diagnostic: &Diagnostic) -> String {
        let mut out = NoColor::new(Vec::new());
        write(&mut out, diagnostic).expect("written");
        String::from_utf8(out.into_inner()).expect("UTF-8")
    }

    fn at(line: u32, column: u32, source_line: &str) -> Diagnostic {
        Diagnostic {
            message: "expected an expression".into(),
            location: Some(Location {
                file: "pages/index/index.wxml".into(),
                line,
                column,
            }),
            source_line: Some(source_line.into()),
        }
    }

    #[test]
    fn a_located_error_shows_its_line_with_a_caret_under_the_column() {
        let text = render(&at(12, 11, "<view>{{a +}}</view>"));
        assert!(
            text.starts_with("error: expected an expression\n"),
            "{text}"
        );
        assert!(text.contains("pages/index/index.wxml:12:11"), "{text}");
        let line = text
            .lines()
            .find(|l| l.contains("<view>{{a +}}</view>"))
            .expect("the source line");
        assert!(line.trim_start().starts_with("12 "), "{text}");
        let caret = text.lines().find(|l| l.contains('^')).expect("a caret");
        let column = |l: &str, at: usize| l.char_indices().position(|(i, _)| i == at);
        assert_eq!(
            column(caret, caret.find('^').expect("caret")),
            column(line, line.find('+').expect("+")),
            "{text}"
        );
    }

    #[test]
    fn columns_count_characters_and_may_point_past_the_line() {
        let text = render(&at(1, 3, "ça{{"));
        let line = text.lines().find(|l| l.contains("ça{{")).expect("line");
        let caret = text.lines().find(|l| l.contains('^')).expect("caret");
        let chars_before = |l: &str, at: usize| l[..at].chars().count();
        assert_eq!(
            chars_before(caret, caret.find('^').expect("^")),
            chars_before(line, line.find('{').expect("{"))
        );
        let past = render(&at(1, 9, "<view>"));
        assert!(past.contains('^'), "{past}");
    }

    #[test]
    fn an_error_without_a_place_is_one_line() {
        let diagnostic = Diagnostic {
            message: "no page opened".into(),
            location: None,
            source_line: None,
        };
        assert_eq!(render(&diagnostic), "error: no page opened\n");
    }
}
