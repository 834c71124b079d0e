//! The built-in vocabulary: aggregation, grouping, comparison and ordering words,
//! synonyms, abbreviations and superlative adjectives. Words here are normalized (lowercase).

use crate::plan::Agg;

/// Groups of words that name the same business concept. A column whose name contains
/// one member is linked by any other member (with a lower score than its own name).
pub const SYNONYMS: &[&[&str]] = &[
    &[
        "revenue", "sales", "sale", "income", "amount", "turnover", "earnings", "total",
    ],
    &["quantity", "units", "unit", "volume", "qty", "sold"],
    &["customer", "client", "buyer", "shopper"],
    &["price", "cost", "fare", "expensive", "cheap"],
    &["profit", "margin", "earnings"],
    &["temperature", "temp"],
    &["precipitation", "rain", "rainfall", "wet"],
    &["product", "item", "sku", "good"],
    &["employee", "staff", "worker"],
    &["country", "nation"],
    &["city", "town"],
    &["state", "province"],
    &["category", "type", "kind", "class", "segment"],
    &["gender", "sex"],
    &["weight", "mass", "heavy"],
    &["population", "pop", "inhabitants"],
    &["rating", "score", "stars"],
    &["size", "party", "headcount"],
    &["wind", "windspeed", "windy"],
    &["age", "old", "young"],
    &["region", "area", "territory"],
    &["company", "firm", "business"],
    &["date", "day", "when"],
    &["payment", "pay"],
    &["medal", "medals"],
    &["win", "wins", "won", "victory"],
    &["loss", "losses", "lose", "defeat"],
    &["point", "pts"],
    &["goal", "goals"],
    &["attendance", "crowd", "spectators"],
    &["length", "long"],
    &["height", "tall"],
    &["vote", "votes", "ballot"],
    &["rank", "ranking", "position", "place", "pos"],
];

/// Abbreviations in column names and the word users write instead.
pub const ABBREVIATIONS: &[(&str, &str)] = &[
    ("temp", "temperature"),
    ("max", "maximum"),
    ("min", "minimum"),
    ("avg", "average"),
    ("qty", "quantity"),
    ("amt", "amount"),
    ("pop", "population"),
    ("num", "number"),
    ("no", "number"),
    ("nbr", "number"),
    ("pct", "percent"),
    ("perc", "percent"),
    ("exp", "expectancy"),
    ("yr", "year"),
    ("dt", "date"),
    ("cnt", "count"),
    ("tot", "total"),
    ("rev", "revenue"),
    ("cust", "customer"),
    ("prod", "product"),
    ("cat", "category"),
    ("dept", "department"),
    ("emp", "employee"),
    ("desc", "description"),
    ("percap", "capita"),
    ("pos", "position"),
    ("pts", "points"),
    ("pld", "played"),
    ("gf", "goals"),
    ("ga", "against"),
    ("w", "won"),
    ("l", "lost"),
    ("d", "drawn"),
    ("apps", "appearances"),
    ("att", "attendance"),
    ("ep", "episodes"),
];

/// Unit suffixes in column names: "body_mass_g", "flipper_length_mm".
pub const UNITS: &[&str] = &[
    "mm", "cm", "km", "g", "kg", "lb", "lbs", "usd", "eur", "pct", "ft", "mi", "sec", "ms", "hrs",
];

/// Words that add nothing to the meaning of an analytic question.
pub const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "what",
    "whats",
    "which",
    "who",
    "whom",
    "whose",
    "how",
    "do",
    "does",
    "did",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "with",
    "and",
    "or",
    "by",
    "per",
    "me",
    "show",
    "tell",
    "give",
    "list",
    "find",
    "get",
    "display",
    "calculate",
    "compute",
    "determine",
    "identify",
    "please",
    "our",
    "we",
    "us",
    "i",
    "my",
    "it",
    "its",
    "there",
    "their",
    "they",
    "this",
    "that",
    "these",
    "those",
    "all",
    "any",
    "data",
    "dataset",
    "table",
    "column",
    "columns",
    "value",
    "values",
    "record",
    "records",
    "row",
    "rows",
    "entry",
    "entries",
    "have",
    "has",
    "had",
    "can",
    "you",
    "your",
    "s",
    "t",
    "as",
    "so",
    "than",
    "then",
    "into",
    "over",
    "under",
    "across",
    "each",
    "every",
    "overall",
    "whole",
    "entire",
    "what's",
    "across",
    "recorded",
    "listed",
    "given",
    "field",
    "when",
    "where",
    "up",
    "out",
    "about",
    "number",
    "count",
    "much",
    "many",
    "also",
    "just",
    "only",
    "both",
    "other",
    "some",
    "time",
    "times",
    "been",
    "will",
    "would",
    "should",
    "could",
    "happen",
    "occur",
    "make",
    "made",
    "value",
    "name",
    "named",
    "called",
    "amount",
    "level",
    "set",
    "standard",
    "recorded",
    "provided",
    "file",
    "csv",
    "he",
    "she",
    "his",
    "her",
    "him",
    "them",
    "someone",
    "anyone",
];

pub fn is_stopword(w: &str) -> bool {
    STOPWORDS.contains(&w)
}

/// Single aggregation words.
pub fn agg_word(w: &str) -> Option<Agg> {
    Some(match w {
        "total" | "sum" | "combined" | "overall" | "cumulative" | "altogether" => Agg::Sum,
        "average" | "avg" | "mean" | "typical" => Agg::Avg,
        "median" => Agg::Median,
        "max" | "maximum" | "highest" | "largest" | "biggest" | "greatest" | "peak" | "top"
        | "best" | "record" => Agg::Max,
        "min" | "minimum" | "lowest" | "smallest" | "least" | "fewest" | "worst" | "bottom" => {
            Agg::Min
        }
        "count" => Agg::Count,
        "std" | "stddev" | "deviation" => Agg::Stddev,
        "variance" | "var" => Agg::Variance,
        _ => return None,
    })
}

/// Superlative adjectives that name both a direction and a concept:
/// "coldest" = lowest temperature, "most expensive" = highest price.
pub fn superlative_concept(w: &str) -> Option<(&'static [&'static str], bool)> {
    // (concept words to look for in column names, descending?)
    Some(match w {
        "coldest" | "cold" | "colder" => (&["temperature", "temp"][..], false),
        "hottest" | "warmest" | "hot" | "hotter" | "warmer" => (&["temperature", "temp"][..], true),
        "wettest" | "rainiest" => (&["precipitation", "rain", "rainfall"][..], true),
        "driest" => (&["precipitation", "rain", "rainfall"][..], false),
        "windiest" => (&["wind", "windspeed"][..], true),
        "expensive" | "priciest" | "costliest" => (&["price", "cost", "fare"][..], true),
        "cheapest" | "cheap" => (&["price", "cost", "fare"][..], false),
        "oldest" | "eldest" => (&["age", "year", "founded", "date"][..], true),
        "youngest" => (&["age"][..], false),
        "longest" => (&["length", "duration", "distance", "time"][..], true),
        "shortest" => (
            &["length", "duration", "distance", "height", "time"][..],
            false,
        ),
        "heaviest" => (&["weight", "mass"][..], true),
        "lightest" => (&["weight", "mass"][..], false),
        "tallest" | "highest_elevation" => (&["height", "elevation"][..], true),
        "richest" | "wealthiest" => (&["gdp", "income", "wealth"][..], true),
        "poorest" => (&["gdp", "income", "wealth"][..], false),
        "busiest" | "populous" => (&["population", "pop", "attendance"][..], true),
        "fastest" => (&["speed", "time"][..], true),
        "slowest" => (&["speed", "time"][..], false),
        "largest_area" => (&["area"][..], true),
        _ => return None,
    })
}

/// Column-name words of measures that must not be summed (averaged by default).
pub use domain::measures::NON_ADDITIVE;

/// Words meaning "group by the following".
pub fn is_group_word(w: &str) -> bool {
    matches!(
        w,
        "by" | "per" | "each" | "every" | "across" | "breakdown" | "between"
    )
}

/// Words for time grains: (word, grain name).
pub fn grain_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "daily" | "day" | "days" => "day",
        "weekly" | "week" | "weeks" => "week",
        "monthly" | "month" | "months" => "month",
        "quarterly" | "quarter" | "quarters" => "quarter",
        "yearly" | "annual" | "annually" | "year" | "years" => "year",
        _ => return None,
    })
}

// Words the parser reads (parse/): what they ask for, or that they ask for nothing.

/// Words that ask about order between rows, differences or exclusions.
pub const HARD: &[&str] = &[
    "consecutive",
    "previous",
    "preceding",
    "next",
    "following",
    "after",
    "before",
    "above",
    "below",
    "same",
    "difference",
    "differ",
    "than",
    "besides",
    "except",
    "another",
    "increase",
    "increased",
    "decrease",
    "decreased",
    "streak",
    "earlier",
    "later",
    "respectively",
    "first",
    "last",
    "prior",
    "behind",
    "ahead",
    "between",
    "previously",
    "again",
    "consecutively",
];

/// Words that ask for nothing beyond what the plan already says.
pub const FILLER: &[&str] = &[
    "not",
    "no",
    "more",
    "less",
    "most",
    "least",
    "top",
    "bottom",
    "first",
    "last",
    "highest",
    "lowest",
    "largest",
    "smallest",
    "common",
    "frequent",
    "popular",
    "often",
    "distinct",
    "unique",
    "different",
    "trend",
    "breakdown",
    "broken",
    "down",
    "compare",
    "versus",
    "vs",
    "along",
    "including",
    "included",
    "based",
    "sold",
    "bought",
    "paid",
    "live",
    "lived",
    "made",
    "took",
    "place",
    "occurred",
    "happened",
    "total",
    "did",
    "does",
    "ever",
    "single",
    "within",
    // "Is there a correlation ...? If yes, what is it?": the answer covers both.
    "if",
    "yes",
    "so",
    // Relations between rows and the values named ("played against X", "during 1990").
    "against",
    "during",
    // "according to this table".
    "according",
];

/// What a "first"/"last" superlative ranks by when it is about time: the table's date or year.
pub const TIME_WORDS: &[&str] = &[
    "date",
    "year",
    "season",
    "time",
    "day",
    "founded",
    "established",
];

/// Words asking for the row after the anchor ("the next ship after X").
pub const ROW_AFTER: &[&str] = &[
    "next",
    "following",
    "after",
    "below",
    "behind",
    "succeeded",
    "subsequent",
    "underneath",
];

/// Words asking for the row before the anchor ("the previous ship to X").
pub const ROW_BEFORE: &[&str] = &[
    "previous",
    "preceding",
    "before",
    "above",
    "prior",
    "preceded",
];

/// Words saying the question is about the table as listed ("the last club listed").
pub const LISTED: &[&str] = &["listed", "list", "table", "chart", "shown", "appears"];

/// Words in a column name saying it holds people or teams ("Player", "Driver").
pub const PERSON: &[&str] = &[
    "name",
    "player",
    "driver",
    "athlete",
    "person",
    "rider",
    "candidate",
    "artist",
    "winner",
    "coach",
    "manager",
    "member",
    "competitor",
    "president",
    "team",
    "author",
];

/// Words that order rows or pick an end of a ranking ("the first", "the most").
pub const RANK_WORDS: &[&str] = &[
    "first", "last", "top", "most", "least", "earliest", "latest", "newest",
];

/// Irregular past-tense verbs; regular ones are recognized by their "-ed".
pub const IRREGULAR_PAST: &[&str] = &[
    "won", "lost", "held", "ran", "came", "went", "got", "took", "began", "sold",
];

/// First words of a question that chooses between named values ("did X or Y ...").
pub const CHOICE_OPENERS: &[&str] = &["did", "does", "do", "is", "was", "which", "who"];

/// Things that are scored rather than counted as rows ("how many points").
pub const SCORED_UNITS: &[&str] = &[
    "points", "goals", "votes", "runs", "yards", "minutes", "seconds", "dollars",
];

/// Words asking for distinct values ("how many different cities").
pub const DISTINCT_WORDS: &[&str] = &["distinct", "unique", "different"];

/// Words that negate the value after them ("not Paris", "other than cash").
pub const NEGATIONS: &[&str] = &["not", "non", "except", "excluding", "besides", "other"];

/// Row labels of summary rows that a table keeps beside its data rows.
pub const SUMMARY_LABELS: &[&str] = &["total", "totals", "grand total", "overall"];

/// Two-word phrases of the question's grammar, never column names.
pub const LEXICON_PAIRS: &[(&str, &str)] = &[
    ("how", "many"),
    ("how", "much"),
    ("number", "of"),
    ("count", "of"),
    ("over", "time"),
    ("most", "common"),
    ("most", "frequent"),
    ("least", "common"),
    ("for", "each"),
    ("of", "each"),
    ("broken", "down"),
    ("how", "often"),
];

/// Small words that may stand between a role word and its column ("by each region").
pub const CONNECTIVES: &[&str] = &[
    "the", "a", "an", "of", "each", "every", "for", "all", "is", "was", "are", "were", "only",
];

/// Words that ask for a column's values as the answer ("which region", "list the names").
pub const ASKING_WORDS: &[&str] = &["which", "what", "who", "whose", "name", "list"];

/// Words naming a column as such ("the "price" column").
pub const COLUMN_WORDS: &[&str] = &["column", "field", "variable", "feature"];

/// Verbs of "the most often listed/appearing value".
pub const OCCURS_WORDS: &[&str] = &["listed", "appears", "appear", "occurs", "mentioned"];

/// Adjectives of a time grain ("monthly sales").
pub const PERIOD_ADJECTIVES: &[&str] = &[
    "daily",
    "weekly",
    "monthly",
    "quarterly",
    "yearly",
    "annual",
    "annually",
];

/// Words before a count that make a top-n ("top 5", "worst 3").
pub const TOP_N_WORDS: &[&str] = &[
    "top", "bottom", "first", "last", "highest", "lowest", "best", "worst",
];

/// The top-n words that rank from the largest down.
pub const TOP_N_DESCENDING: &[&str] = &["top", "first", "highest", "best"];

/// Superlatives after a count ("5 largest").
pub const SUPERLATIVES: &[&str] = &[
    "highest", "largest", "lowest", "smallest", "biggest", "most", "least",
];

/// The superlatives that rank from the largest down.
pub const SUPERLATIVES_DESCENDING: &[&str] = &["highest", "largest", "biggest", "most"];

/// Words that order by time ("the latest order").
pub const CHRONOLOGICAL: &[&str] = &["first", "last", "earliest", "latest", "newest", "recent"];

/// The chronological words that pick the newest.
pub const CHRONOLOGICAL_DESCENDING: &[&str] = &["last", "latest", "newest", "recent"];

/// Words for missing values ("how many blank emails").
pub const MISSING_WORDS: &[&str] = &["missing", "null", "nulls", "blank", "empty"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parser_word_lists_are_normalized() {
        let lists = [
            HARD, FILLER, TIME_WORDS, ROW_AFTER, ROW_BEFORE, LISTED, PERSON,
        ];
        for w in lists.iter().flat_map(|l| l.iter()) {
            assert_eq!(*w, w.to_lowercase(), "{w}");
        }
        // A word cannot ask for the next row and the previous one.
        assert!(ROW_AFTER.iter().all(|w| !ROW_BEFORE.contains(w)));
    }
}
