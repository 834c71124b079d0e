//! Tokenizer and word normalization: question text -> tokens with stems and numbers.
//! Everything downstream works on these tokens, never on the raw sentence.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// What a token is, beyond its text.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Word,
    /// A number; `percent` for "20%", `money` for "$2,000", `ordinal` for "5th".
    Number {
        value: f64,
        percent: bool,
        money: bool,
        ordinal: bool,
        /// Written with digits (a number word like "five" is `false`).
        digits: bool,
    },
    /// Text the user put in quotes: usually an exact column name or value.
    Quoted,
    /// An ISO date written in the question (2024-07-01).
    Date(chrono::NaiveDate),
}

#[derive(Debug, Clone)]
pub struct Token {
    /// As written (quotes stripped).
    pub raw: String,
    /// Lowercased, irregular plurals and forms mapped to their base word.
    pub norm: String,
    /// Snowball stem of `norm`.
    pub stem: String,
    pub kind: Kind,
}

impl Token {
    pub fn number(&self) -> Option<f64> {
        match self.kind {
            Kind::Number { value, .. } => Some(value),
            _ => None,
        }
    }
    pub fn is_word(&self, w: &str) -> bool {
        self.kind == Kind::Word && self.norm == w
    }
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

/// Irregular forms the snowball stemmer does not join with their base word.
fn irregular(w: &str) -> &str {
    match w {
        "children" => "child",
        "men" => "man",
        "women" => "woman",
        "people" | "persons" => "person",
        "won" => "win",
        "lost" => "lose",
        "sold" => "sell",
        "bought" => "buy",
        "paid" => "pay",
        "spent" => "spend",
        "mice" => "mouse",
        "feet" => "foot",
        "teeth" => "tooth",
        "geese" => "goose",
        "wives" => "wife",
        "lives" => "life",
        "hotter" | "hottest" => "hot",
        "colder" | "coldest" => "cold",
        _ => w,
    }
}

/// Stem one lowercase word (after irregular mapping).
pub fn stem(word: &str) -> String {
    let w = irregular(word);
    stemmer().stem(w).into_owned()
}

/// Split a column name into lowercase word parts: snake_case, camelCase, spaces,
/// punctuation and letter/digit boundaries ("lifeExp" -> life, exp; "temp_max" -> temp, max).
pub fn split_name(name: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            if c == '%' {
                parts.push("percent".into());
            }
            continue;
        }
        if let Some(&p) = cur.chars().last().as_ref() {
            let camel = p.is_lowercase() && c.is_uppercase();
            // "GDPPercap": an upper followed by upper+lower starts a new word.
            let acronym_end = p.is_uppercase()
                && c.is_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let digit_edge = p.is_ascii_digit() != c.is_ascii_digit();
            if camel || acronym_end || digit_edge {
                parts.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts.into_iter().map(|p| p.to_lowercase()).collect()
}

/// Normalize free text (a value from the value index) into lowercase word tokens.
pub fn words(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .map(|t| match t.kind {
            Kind::Number { value, .. } if t.raw.chars().all(|c| c.is_ascii_digit()) => {
                format!("{value}")
            }
            _ => t.norm,
        })
        .collect()
}

fn number_word(w: &str) -> Option<f64> {
    const SMALL: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Some(i) = SMALL.iter().position(|s| *s == w) {
        return Some(i as f64);
    }
    Some(match w {
        "thirty" => 30.0,
        "forty" => 40.0,
        "fifty" => 50.0,
        "hundred" => 100.0,
        "thousand" => 1000.0,
        "million" => 1e6,
        "dozen" => 12.0,
        _ => return None,
    })
}

fn ordinal_word(w: &str) -> Option<f64> {
    Some(match w {
        "second" => 2.0,
        "third" => 3.0,
        "fourth" => 4.0,
        "fifth" => 5.0,
        _ => return None,
    })
}

/// Parse the numeric text starting at `chars[i]` (digits, commas, one dot).
fn scan_number(chars: &[char], mut i: usize) -> (String, usize) {
    let mut s = String::new();
    while i < chars.len() {
        let c = chars[i];
        let next_digit = chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if c.is_ascii_digit() || ((c == ',' || c == '.') && next_digit && !s.is_empty()) {
            if c != ',' {
                s.push(c);
            }
            i += 1;
        } else {
            break;
        }
    }
    (s, i)
}

fn iso_date(chars: &[char], i: usize) -> Option<(chrono::NaiveDate, usize)> {
    let s: String = chars.get(i..i + 10)?.iter().collect();
    let d = chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()?;
    Some((d, i + 10))
}

/// Split a question into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '"' | '“' | '”' | '`') {
            let close = chars[i + 1..]
                .iter()
                .position(|&d| matches!(d, '"' | '“' | '”' | '`'));
            if let Some(len) = close {
                let raw: String = chars[i + 1..i + 1 + len].iter().collect();
                if !raw.trim().is_empty() {
                    out.push(Token {
                        norm: raw.trim().to_lowercase(),
                        stem: stem(&raw.trim().to_lowercase()),
                        raw: raw.trim().to_string(),
                        kind: Kind::Quoted,
                    });
                }
                i += len + 2;
                continue;
            }
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '$' && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()))
        {
            if let Some((d, end)) = iso_date(&chars, i) {
                out.push(Token {
                    raw: chars[i..end].iter().collect(),
                    norm: d.to_string(),
                    stem: d.to_string(),
                    kind: Kind::Date(d),
                });
                i = end;
                continue;
            }
            let money = c == '$';
            let start = if money { i + 1 } else { i };
            let (digits, mut end) = scan_number(&chars, start);
            let mut value: f64 = digits.parse().unwrap_or(0.0);
            let mut percent = false;
            let mut ordinal = false;
            // Suffixes: 20%, 1k, 2m, 5th; anything else glued on ("2nd", "10am") stays a word.
            let mut suffix = String::new();
            let suffix_start = end;
            // "1830's" is the decade "1830s".
            let decade = digits.len() == 4
                && matches!(chars.get(end), Some('\'' | '’'))
                && chars.get(end + 1) == Some(&'s')
                && chars.get(end + 2).is_none_or(|n| !n.is_alphanumeric());
            if decade {
                suffix.push('s');
                end += 2;
            }
            while end < chars.len() && chars[end].is_alphanumeric() {
                suffix.push(chars[end].to_ascii_lowercase());
                end += 1;
            }
            let mut kind_word = false;
            match suffix.as_str() {
                "" => {
                    if chars.get(end) == Some(&'%') {
                        percent = true;
                        end += 1;
                    }
                }
                "k" => value *= 1e3,
                "m" | "mm" if money => value *= 1e6,
                "b" | "bn" => value *= 1e9,
                "st" | "nd" | "rd" | "th" => ordinal = true,
                "s" if digits.len() == 4 => {} // "1990s"
                _ => kind_word = true,
            }
            let raw: String = if decade {
                format!("{digits}s")
            } else {
                chars[i..end].iter().collect()
            };
            if kind_word {
                // e.g. "5mm": number then unit word.
                out.push(num_token(&chars[i..suffix_start], value, money));
                out.push(word_token(&suffix));
            } else {
                out.push(Token {
                    norm: raw.to_lowercase(),
                    stem: raw.to_lowercase(),
                    raw,
                    kind: Kind::Number {
                        value,
                        percent,
                        money,
                        ordinal,
                        digits: true,
                    },
                });
            }
            i = end;
            continue;
        }
        if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let raw: String = chars[start..i].iter().collect();
            // Possessive / contraction: "japan's" -> "japan", "what's" -> "what".
            if i + 1 < chars.len() && matches!(chars[i], '\'' | '’') && chars[i + 1] == 's' {
                let after = chars.get(i + 2).is_none_or(|n| !n.is_alphanumeric());
                if after {
                    i += 2;
                }
            }
            out.push(word_token(&raw));
            continue;
        }
        i += 1;
    }
    out
}

fn num_token(chars: &[char], value: f64, money: bool) -> Token {
    let raw: String = chars.iter().collect();
    Token {
        norm: raw.clone(),
        stem: raw.clone(),
        raw,
        kind: Kind::Number {
            value,
            percent: false,
            money,
            ordinal: false,
            digits: true,
        },
    }
}

fn word_token(raw: &str) -> Token {
    let lower = raw.to_lowercase();
    let norm = irregular(&lower).to_string();
    if let Some(v) = number_word(&lower) {
        return Token {
            raw: raw.to_string(),
            stem: norm.clone(),
            norm,
            kind: Kind::Number {
                value: v,
                percent: false,
                money: false,
                ordinal: false,
                digits: false,
            },
        };
    }
    Token {
        raw: raw.to_string(),
        stem: stem(&norm),
        norm,
        kind: Kind::Word,
    }
}

/// Ordinal value of words like "second", "third" (used for "second highest").
pub fn ordinal(w: &str) -> Option<f64> {
    ordinal_word(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names() {
        assert_eq!(split_name("lifeExp"), vec!["life", "exp"]);
        assert_eq!(split_name("temp_max"), vec!["temp", "max"]);
        assert_eq!(split_name("Tax 5%"), vec!["tax", "5", "percent"]);
        assert_eq!(split_name("GDPPercap"), vec!["gdp", "percap"]);
    }

    #[test]
    fn numbers() {
        let t = tokenize("top five with $2,000 or 20% and 1k on 2024-07-01, japan's 5th");
        let nums: Vec<f64> = t.iter().filter_map(|t| t.number()).collect();
        assert_eq!(nums, vec![5.0, 2000.0, 20.0, 1000.0, 5.0]);
        assert!(t.iter().any(|t| matches!(t.kind, Kind::Date(_))));
        assert!(t.iter().any(|t| t.norm == "japan"));
    }

    #[test]
    fn quoted() {
        let t = tokenize("mean of the \"Close Price\" column");
        assert!(t
            .iter()
            .any(|t| t.kind == Kind::Quoted && t.raw == "Close Price"));
    }
}
