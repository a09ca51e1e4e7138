//! The INFO format NFD's configuration file is written in (Boost.PropertyTree's INFO
//! parser): a tree of `key value` lines, children between braces, comments after `;`.
//!
//! ```text
//! face_system
//! {
//!   udp
//!   {
//!     port 6363        ; a comment
//!     mcast_group "224.0.23.170"
//!   }
//! }
//! ```
//!
//! A key may have a value, children, or both; a brace may end the key's line or stand on the
//! next one. Values with spaces are quoted, with C escapes. `#include` is not supported.

use std::fmt;

/// One `key value { children }` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The key (first word of its line).
    pub key: String,
    /// The value (second word), or empty.
    pub value: String,
    /// Children, in file order.
    pub children: Vec<Node>,
    /// 1-based line of the key.
    pub line: usize,
}

/// Text that is not valid INFO.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InfoError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for InfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

#[derive(Debug, PartialEq)]
enum Token {
    Open,
    Close,
    Word(String),
}

fn error(line: usize, message: impl Into<String>) -> InfoError {
    InfoError {
        line,
        message: message.into(),
    }
}

/// The tokens of one line, comments dropped.
fn tokenize(text: &str, line: usize) -> Result<Vec<Token>, InfoError> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ';' => break,
            '{' => {
                chars.next();
                tokens.push(Token::Open);
            }
            '}' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut word = String::new();
                loop {
                    match chars.next() {
                        None => return Err(error(line, "a quoted string is not closed")),
                        Some('"') => break,
                        Some('\\') => word.push(match chars.next() {
                            Some('n') => '\n',
                            Some('t') => '\t',
                            Some('r') => '\r',
                            Some('0') => '\0',
                            Some(e @ ('\\' | '"' | '\'')) => e,
                            Some(e) => {
                                return Err(error(line, format!("unknown escape \\{e}")));
                            }
                            None => {
                                return Err(error(
                                    line,
                                    "a quoted string continued on the next line is not supported",
                                ));
                            }
                        }),
                        Some(ch) => word.push(ch),
                    }
                }
                tokens.push(Token::Word(word));
            }
            c if c.is_whitespace() => {
                chars.next();
            }
            _ => {
                let mut word = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_whitespace() || matches!(ch, ';' | '{' | '}' | '"') {
                        break;
                    }
                    word.push(ch);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

/// Parse INFO text into its top-level entries.
pub fn parse(text: &str) -> Result<Vec<Node>, InfoError> {
    // the entries of each open level; the last entry of a level owns the level above it
    let mut levels: Vec<Vec<Node>> = vec![Vec::new()];
    let mut opened_at: Vec<usize> = Vec::new();
    // whether the last token (on this line or an earlier one) was a key or its value
    let mut after_key = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim_start().starts_with("#include") {
            return Err(error(
                line,
                "#include is not supported; put the included settings in this file",
            ));
        }
        let mut tokens = tokenize(raw, line)?.into_iter().peekable();
        while let Some(t) = tokens.next() {
            match t {
                Token::Open => {
                    if !after_key {
                        return Err(error(
                            line,
                            "'{' must follow the key whose children it opens",
                        ));
                    }
                    after_key = false;
                    levels.push(Vec::new());
                    opened_at.push(line);
                }
                Token::Close => {
                    if levels.len() == 1 {
                        return Err(error(line, "'}' with no '{' to close"));
                    }
                    let children = levels.pop().unwrap_or_default();
                    opened_at.pop();
                    after_key = false;
                    if let Some(owner) = levels.last_mut().and_then(|l| l.last_mut()) {
                        owner.children = children;
                    }
                }
                Token::Word(key) => {
                    let value = match tokens.next_if(|t| matches!(t, Token::Word(_))) {
                        Some(Token::Word(v)) => v,
                        _ => String::new(),
                    };
                    if let Some(Token::Word(extra)) = tokens.peek() {
                        return Err(error(
                            line,
                            format!(
                                "{key} {value} is followed by {extra:?}; quote a value with spaces"
                            ),
                        ));
                    }
                    after_key = true;
                    if let Some(level) = levels.last_mut() {
                        level.push(Node {
                            key,
                            value,
                            children: Vec::new(),
                            line,
                        });
                    }
                }
            }
        }
    }
    if let Some(&line) = opened_at.last() {
        return Err(error(line, "this '{' is never closed"));
    }
    Ok(levels.pop().unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(key: &str, value: &str, line: usize) -> Node {
        Node {
            key: key.into(),
            value: value.into(),
            children: Vec::new(),
            line,
        }
    }

    #[test]
    fn keys_values_children_and_comments() {
        let text = "; heading comment\n\
                    tables\n\
                    {\n  cs_max_packets 100 ; trailing comment\n  strategy_choice {\n    / /localhost/nfd/strategy/best-route\n  }\n}\n\
                    general { }\n\
                    empty_key\n";
        let tree = parse(text).unwrap();
        assert_eq!(tree.len(), 3);
        assert_eq!(tree[0].key, "tables");
        assert_eq!(tree[0].line, 2);
        assert_eq!(tree[0].children[0], leaf("cs_max_packets", "100", 4));
        let sc = &tree[0].children[1];
        assert_eq!(sc.key, "strategy_choice");
        assert_eq!(
            sc.children,
            vec![leaf("/", "/localhost/nfd/strategy/best-route", 6)]
        );
        assert_eq!(tree[1].key, "general");
        assert!(tree[1].children.is_empty());
        assert_eq!(tree[2], leaf("empty_key", "", 10));
    }

    #[test]
    fn quoted_values_keep_spaces_escapes_and_semicolons() {
        let tree = parse("id \"a \\\"rule\\\"; with\\tstuff\"\nkey \"\"\n").unwrap();
        assert_eq!(tree[0].value, "a \"rule\"; with\tstuff");
        assert_eq!(tree[1].value, "");
    }

    #[test]
    fn a_key_may_have_a_value_and_children() {
        let tree = parse("rule value\n{\n  x 1\n}\n").unwrap();
        assert_eq!(tree[0].value, "value");
        assert_eq!(tree[0].children, vec![leaf("x", "1", 3)]);
    }

    #[test]
    fn malformed_text_is_an_error_on_its_line() {
        let cases = [
            ("a\n{\n  b 1\n", 2, "never closed"),
            ("a 1\n}\n", 2, "no '{'"),
            ("{\n}\n", 1, "must follow"),
            ("a 1 2\n", 1, "followed by"),
            ("a \"open\n", 1, "not closed"),
            ("a \"x\\q\"\n", 1, "escape"),
            ("\n#include \"other.conf\"\n", 2, "#include"),
            ("a\n{\n}\n{\n}\n", 4, "must follow"),
        ];
        for (text, line, what) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(what), "{text:?}: {e}");
        }
    }
}
