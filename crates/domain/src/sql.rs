//! Writing names and text into SQL: every generated query quotes through here.

/// `"name"` with embedded double quotes doubled: any column or table name,
/// whatever its case or characters, as one SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'` with embedded single quotes doubled.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_doubled() {
        assert_eq!(
            quote_ident("Unit \"net\" price"),
            "\"Unit \"\"net\"\" price\""
        );
        assert_eq!(quote_literal("O'Brien"), "'O''Brien'");
    }
}
