//! Month names as people write them, for reading dates in files and questions.

/// Full English month names, January first.
pub const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// The month (1-12) a word names: the full name or a 3-4 letter abbreviation
/// ("Jan", "sept", "Dec."), in any case. Shorter prefixes ("ma", "ju") name none.
pub fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_ascii_lowercase();
    let abbreviation = (3..=4).contains(&word.len());
    MONTHS
        .iter()
        .position(|m| *m == word || abbreviation && m.starts_with(word.as_str()))
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_abbreviations() {
        assert_eq!(month_number("January"), Some(1));
        assert_eq!(month_number("sept"), Some(9));
        assert_eq!(month_number("Dec."), Some(12));
        assert_eq!(month_number("may"), Some(5));
        assert_eq!(month_number("ju"), None);
        assert_eq!(month_number("marching"), None);
    }
}
