//! Text as Deskmove keeps what people and their mail programs send: no NUL or
//! other control characters (a PostgreSQL text column refuses NUL; escapes
//! have no place on a screen), line ends as `\n`.

/// Without control characters; newlines and tabs stay, and `\r\n` or a lone
/// `\r` becomes `\n`.
pub fn kept_text(s: &str) -> String {
    s.replace("\r\n", "\n")
        .chars()
        .map(|c| if c == '\r' { '\n' } else { c })
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// On one line: every run of whitespace (newlines too) as one space, control
/// characters left out.
pub fn one_line(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_go_and_line_ends_become_newlines() {
        assert_eq!(
            kept_text("a\r\nb\rc\u{0}d\u{1b}[1m\te\n"),
            "a\nb\ncd[1m\te\n"
        );
        assert_eq!(
            one_line("  Re:\r\n\t Saddle \u{0} broke "),
            "Re: Saddle broke"
        );
    }
}
