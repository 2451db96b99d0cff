//! The dialog's strings: English built in, the other languages' translations and the app's
//! `languageDictionary` applied over it.
//!
//! Compact on purpose: one static `&str` array indexed by [`Msg`], no maps, no formatting
//! machinery. `{name}` in a string is replaced by a provider's label.
//!
//! Only English is in the wasm (issue 5, size: five tables every English page downloaded). The
//! other built-in languages are `i18n/<tag>.json` (keys = [`KEYS`]), built into
//! `dist/lang/<tag>.js`; `createLinkWidget` (js/index.js) imports the one `language` names and hands
//! it to the wasm, which applies it like a dictionary under the app's own. [`Language`] still
//! validates the tag and gives the dialog its `lang` attribute.

use crate::error::{Error, ErrorCode, Result};
#[allow(unused_imports)]
use crate::prelude::*;
use wasm_bindgen::JsValue;

/// A built-in language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// English (default).
    En,
    /// Spanish.
    Es,
    /// French.
    Fr,
    /// German.
    De,
    /// Brazilian Portuguese.
    PtBr,
    /// Japanese.
    Ja,
}

impl Language {
    /// The accepted `language` values; each but `en` has a file `i18n/<tag>.json`.
    pub const TAGS: [&'static str; 6] = ["en", "es", "fr", "de", "pt-BR", "ja"];

    /// Parses a language tag (case-insensitive; `pt_BR` is accepted too).
    pub fn parse(tag: &str) -> Option<Language> {
        const ALL: [Language; 6] = [
            Language::En,
            Language::Es,
            Language::Fr,
            Language::De,
            Language::PtBr,
            Language::Ja,
        ];
        Language::TAGS
            .iter()
            .position(|t| {
                t.len() == tag.len()
                    && t.bytes()
                        .zip(tag.bytes())
                        .all(|(a, b)| a.eq_ignore_ascii_case(&b) || (a == b'-' && b == b'_'))
            })
            .map(|i| ALL[i])
    }

    /// The BCP 47 tag, for the `lang` attribute.
    pub fn tag(self) -> &'static str {
        Language::TAGS[self as usize]
    }
}

/// A string of the dialog. The discriminant indexes [`KEYS`] and the English table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Msg {
    Title,
    Close,
    ConnectWith,
    IdentitiesTitle,
    Primary,
    Unlink,
    UnlinkPrompt,
    ConfirmUnlink,
    CancelUnlink,
    UseRedirect,
    Loading,
    WaitingForPopup,
    Redirecting,
    Linking,
    Linked,
    Unlinking,
    Unlinked,
    /// First of the error messages, which follow [`ErrorCode`]'s order.
    ErrorInvalidOptions,
}

const N: usize = 32;
const FIRST_ERROR: usize = Msg::ErrorInvalidOptions as usize;

/// The `languageDictionary` keys, in [`Msg`] order; error messages are `error` + the code in
/// PascalCase.
pub const KEYS: [&str; N] = [
    "title",
    "close",
    "connectWith",
    "identitiesTitle",
    "primary",
    "unlink",
    "unlinkPrompt",
    "confirmUnlink",
    "cancelUnlink",
    "useRedirect",
    "loading",
    "waitingForPopup",
    "redirecting",
    "linking",
    "linked",
    "unlinking",
    "unlinked",
    "errorInvalidOptions",
    "errorPopupBlocked",
    "errorCancelled",
    "errorTimeout",
    "errorStateMismatch",
    "errorAuthorizationError",
    "errorInvalidIdToken",
    "errorSameIdentity",
    "errorAlreadyLinked",
    "errorUnauthorized",
    "errorForbidden",
    "errorRateLimited",
    "errorApiError",
    "errorNetworkError",
    "errorDestroyed",
];

fn error_index(code: ErrorCode) -> usize {
    FIRST_ERROR
        + match code {
            ErrorCode::InvalidOptions => 0,
            ErrorCode::PopupBlocked => 1,
            ErrorCode::Cancelled => 2,
            ErrorCode::Timeout => 3,
            ErrorCode::StateMismatch => 4,
            ErrorCode::AuthorizationError => 5,
            ErrorCode::InvalidIdToken => 6,
            ErrorCode::SameIdentity => 7,
            ErrorCode::AlreadyLinked => 8,
            ErrorCode::Unauthorized => 9,
            ErrorCode::Forbidden => 10,
            ErrorCode::RateLimited => 11,
            ErrorCode::ApiError => 12,
            ErrorCode::NetworkError => 13,
            ErrorCode::Destroyed => 14,
        }
}

/// The strings of one language: English with the language's translation and the app's
/// overrides applied (the later one wins).
#[derive(Clone, Debug)]
pub struct Strings {
    language: Language,
    /// The strings given over English, as `(index, text)` in the order they were set; the last
    /// one for an index wins. A list of what was given rather than a slot per string:
    /// `vec![None; N]` brought `Vec::extend_with`'s clone loop for `Option<String>` into the
    /// wasm (about 0.3 KB) for a table an English page leaves empty.
    overrides: Vec<(usize, String)>,
}

impl Strings {
    /// The English strings for a dialog in `language` (its `lang`), no overrides: the
    /// translation of `language` is applied with [`Strings::set_by_key`].
    pub fn new(language: Language) -> Strings {
        Strings {
            language,
            overrides: Vec::new(),
        }
    }

    /// The language chosen.
    pub fn language(&self) -> Language {
        self.language
    }

    // No indexing here or below: a bounds check's panic path keeps core's integer formatting
    // in the wasm (issue 5, size).
    fn at(&self, index: usize) -> &str {
        for (i, text) in self.overrides.iter().rev() {
            if *i == index {
                return text;
            }
        }
        field(ENGLISH_TEXT, b'\n', index)
    }

    /// The text of `msg`.
    pub fn get(&self, msg: Msg) -> &str {
        self.at(msg as usize)
    }

    /// The text of `msg` with `{name}` replaced by `name`.
    pub fn with_name(&self, msg: Msg, name: &str) -> String {
        match self.name_parts(msg) {
            (before, Some(after)) => concat(&[before, name, after]),
            (template, None) => template.to_owned(),
        }
    }

    /// The text of `msg` split around its `{name}`: `(before, Some(after))`, or
    /// `(text, None)` when it has none (a dictionary may leave it out).
    pub fn name_parts(&self, msg: Msg) -> (&str, Option<&str>) {
        let template = self.get(msg);
        if let Some((before, after)) = split_byte(template, b'{') {
            if let Some(after) = after.strip_prefix("name}") {
                return (before, Some(after));
            }
        }
        (template, None)
    }

    /// The short, translated message shown in the dialog for an error code.
    pub fn error(&self, code: ErrorCode) -> &str {
        self.at(error_index(code))
    }

    /// Overrides one string. `Ok(false)` when `key` is unknown; an error when the value is not
    /// a string.
    pub fn set_by_key(&mut self, key: &str, value: &JsValue) -> Result<bool> {
        let Some(index) = position(KEY_LIST, key) else {
            return Ok(false);
        };
        let text = value.as_string().ok_or_else(|| {
            Error::invalid_options("languageDictionary.".to_owned() + key + " must be a string")
        })?;
        self.overrides.push((index, text));
        Ok(true)
    }

    /// Overrides one string by its [`Msg`].
    pub fn set(&mut self, msg: Msg, text: String) {
        self.overrides.push((msg as usize, text));
    }
}

/// The English strings, in [`KEYS`] order: the default language and the fallback for every
/// string a translation or the app's dictionary does not give. The other languages are not in
/// the wasm (issue 5, size): they are `i18n/<tag>.json`, shipped as `dist/lang/<tag>.js`, and the
/// package entry loads the one a page asks for and passes it to [`Strings::set_by_key`].
const ENGLISH: [&str; N] = [
    "Link with another account",
    "Close",
    "Continue with {name}",
    "Linked accounts",
    "Signed in",
    "Unlink",
    "Unlink {name}?",
    "Unlink",
    "Cancel",
    "Continue in this window",
    "Loading linked accounts…",
    "Waiting for the popup…",
    "Redirecting…",
    "Linking the account…",
    "Account linked.",
    "Unlinking…",
    "Account unlinked.",
    "This dialog is not set up correctly.",
    "The browser blocked the sign-in window.",
    "The sign-in window was closed before finishing.",
    "The sign-in took too long. Please try again.",
    "The sign-in response could not be verified. Please try again.",
    "The provider did not allow the sign-in.",
    "The sign-in response could not be verified. Please try again.",
    "That is the account you are signed in with.",
    "That account is already linked.",
    "Your session has expired. Please sign in again.",
    "You are not allowed to change linked accounts.",
    "Too many attempts. Please wait a moment and try again.",
    "Something went wrong. Please try again.",
    "Could not connect. Check your connection and try again.",
    "This dialog is no longer available.",
];

// Host tests: they read i18n/*.json from the source tree (serde_json is a host dev-dependency).
// The wasm keeps [`KEYS`] and [`ENGLISH`] joined into one string each, built at compile time: a
// table of `&str` is a pointer and a length per entry (8 bytes each in the data, which compress
// badly); one string and a scan by separator are smaller. The arrays stay the source.

/// The length of `parts` joined, each followed by a one-byte separator.
const fn joined_len(parts: &[&str]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += parts[i].len() + 1;
        i += 1;
    }
    n
}

/// `parts` joined, each followed by `sep` (an ASCII byte that none of them contains: checked
/// at compile time).
const fn join<const L: usize>(parts: &[&str], sep: u8) -> [u8; L] {
    let mut out = [0u8; L];
    let mut o = 0;
    let mut i = 0;
    while i < parts.len() {
        let bytes = parts[i].as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            assert!(bytes[j] != sep, "a separator inside a joined string");
            out[o] = bytes[j];
            o += 1;
            j += 1;
        }
        out[o] = sep;
        o += 1;
        i += 1;
    }
    out
}

const KEY_BYTES: [u8; joined_len(&KEYS)] = join(&KEYS, b' ');
/// [`KEYS`], each followed by a space (also the list the unknown-keys warning prints).
pub(crate) const KEY_LIST: &str = match core::str::from_utf8(&KEY_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("KEYS are UTF-8"),
};

const ENGLISH_BYTES: [u8; joined_len(&ENGLISH)] = join(&ENGLISH, b'\n');
/// [`ENGLISH`], each followed by a newline.
static ENGLISH_TEXT: &str = match core::str::from_utf8(&ENGLISH_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("ENGLISH is UTF-8"),
};

/// The `index`-th entry of a joined list (empty past the end).
fn field(list: &str, sep: u8, index: usize) -> &str {
    let mut rest = list;
    for _ in 0..index {
        next_field(&mut rest, sep);
    }
    next_field(&mut rest, sep)
}

/// The index of `key` in [`KEY_LIST`].
fn position(list: &str, key: &str) -> Option<usize> {
    let mut rest = list;
    let mut n = 0;
    while !rest.is_empty() {
        if next_field(&mut rest, b' ') == key {
            return Some(n);
        }
        n += 1;
    }
    None
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use serde_json::{Map, Value};

    /// `i18n/<tag>.json`, the translation the package ships as `dist/lang/<tag>.js`.
    fn translation(tag: &str) -> Map<String, Value> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/i18n/").to_owned() + tag + ".json";
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        match serde_json::from_str(&text) {
            Ok(Value::Object(map)) => map,
            other => panic!("{path} is not a JSON object: {other:?}"),
        }
    }

    #[test]
    fn joined_tables_match_the_arrays() {
        for (i, text) in ENGLISH.iter().enumerate() {
            assert_eq!(field(ENGLISH_TEXT, b'\n', i), *text);
        }
        assert_eq!(field(ENGLISH_TEXT, b'\n', N), "");
        for (i, key) in KEYS.iter().enumerate() {
            assert_eq!(position(KEY_LIST, key), Some(i), "{key}");
        }
        for unknown in ["", "titl", "title close", "errorDestroyedX", "nope"] {
            assert_eq!(position(KEY_LIST, unknown), None, "{unknown}");
        }
        assert_eq!(KEY_LIST.trim_end(), KEYS.join(" "));
    }

    /// What the package entry does with a translation: every key through the dictionary path.
    fn strings_in(language: Language) -> Strings {
        let mut strings = Strings::new(language);
        for (key, value) in translation(language.tag()) {
            let index = KEYS.iter().position(|k| *k == key).expect(&key);
            strings
                .overrides
                .push((index, value.as_str().expect(&key).to_owned()));
        }
        strings
    }

    #[test]
    fn languages_parse_case_insensitively() {
        assert_eq!(Language::parse("pt-br"), Some(Language::PtBr));
        assert_eq!(Language::parse("pt_BR"), Some(Language::PtBr));
        assert_eq!(Language::parse("JA"), Some(Language::Ja));
        assert_eq!(Language::parse("xx"), None);
        assert_eq!(Language::PtBr.tag(), "pt-BR");
    }

    #[test]
    fn every_language_has_every_string_and_placeholders() {
        for (i, text) in ENGLISH.iter().enumerate() {
            assert!(!text.is_empty(), "{}", KEYS[i]);
        }
        assert!(ENGLISH[Msg::ConnectWith as usize].contains("{name}"));
        assert!(ENGLISH[Msg::UnlinkPrompt as usize].contains("{name}"));

        // Exactly one file per non-English language, named by its tag.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/i18n");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        let mut expected: Vec<String> = Language::TAGS[1..]
            .iter()
            .map(|tag| tag.to_string() + ".json")
            .collect();
        expected.sort();
        assert_eq!(files, expected);

        for tag in &Language::TAGS[1..] {
            let table = translation(tag);
            let keys: Vec<&str> = table.keys().map(String::as_str).collect();
            let mut sorted_keys = KEYS.to_vec();
            sorted_keys.sort_unstable();
            let mut sorted = keys.clone();
            sorted.sort_unstable();
            assert_eq!(sorted, sorted_keys, "{tag}: exactly the keys of KEYS");
            for (i, key) in KEYS.iter().enumerate() {
                let text = table[*key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{tag}.{key}"));
                assert!(!text.trim().is_empty(), "{tag}.{key} is empty");
                assert_eq!(
                    text.contains("{name}"),
                    ENGLISH[i].contains("{name}"),
                    "{tag}.{key}: {{name}} where English has it, nowhere else"
                );
                assert_eq!(
                    text.matches('{').count(),
                    text.matches("{name}").count(),
                    "{tag}.{key}"
                );
            }
        }
        assert_eq!(KEYS[FIRST_ERROR], "errorInvalidOptions");
        assert_eq!(KEYS[error_index(ErrorCode::Destroyed)], "errorDestroyed");
        assert_eq!(
            KEYS[error_index(ErrorCode::RateLimited)],
            "errorRateLimited"
        );
    }

    #[test]
    fn titles_and_errors_translate() {
        assert_eq!(
            Strings::new(Language::En).get(Msg::Title),
            "Link with another account"
        );
        assert_eq!(
            strings_in(Language::De).get(Msg::Title),
            "Mit einem anderen Konto verknüpfen"
        );
        let s = strings_in(Language::Es);
        assert_eq!(
            s.with_name(Msg::ConnectWith, "GitHub"),
            "Continuar con GitHub"
        );
        assert_eq!(
            s.error(ErrorCode::AlreadyLinked),
            "Esa cuenta ya está vinculada."
        );
        // Without its translation a language shows English (the wasm alone, e.g. in tests).
        assert_eq!(
            Strings::new(Language::Ja).get(Msg::Title),
            "Link with another account"
        );
    }

    #[test]
    fn overrides_win() {
        let mut s = strings_in(Language::Fr);
        s.set(Msg::Title, "Mon titre".into());
        assert_eq!(s.get(Msg::Title), "Mon titre");
        assert_eq!(s.get(Msg::Close), "Fermer");
    }
}
