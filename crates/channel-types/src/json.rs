//! Reading proto3 JSON in the mode the reader's role asks for.
//!
//! The same message types are read by a client (responses), by the
//! emulator's REST server (requests) and by the command line (`--json`
//! input), and these roles want different things from a value this schema
//! does not know:
//!
//! - [`JsonMode::Lenient`], as Google's client libraries read responses: a
//!   member that names no field is skipped, and an enum value *name* the
//!   schema lacks is dropped (a singular field keeps its default, a repeated
//!   field loses that element), at any depth and inside `Any` too. A newer
//!   server then never breaks an older client. Each drop is logged at
//!   `debug` with its JSON path.
//! - [`JsonMode::Strict`], as Google's servers read requests: both are
//!   refused with an error that names the JSON path and the bad value in
//!   Google's words (`Invalid value at 'customer.customerType' (...), "FOO"`).
//!
//! Everything else of the mapping is the same in both modes: `null` is the
//! default of any field, numbers are read from JSON numbers or strings
//! (`1e2`, `"10.0"` and `"1e1"` are integers; `"NaN"`, `"Infinity"` and
//! `"-Infinity"` are doubles), and an enum may be given by name, by number,
//! or by a number in a string.
//!
//! The mode lives in a thread-local set for the length of one synchronous
//! read, so the generated code consults it only on the rare paths (an
//! unknown member, an unknown enum name); the common path costs nothing.
//! Plain `serde_json::from_*` calls read leniently, logging drops without a
//! path.
//!
//! ```
//! use channel_types::json::{self, JsonMode};
//! use channel_types::model::Customer;
//!
//! let body = br#"{"name": "accounts/A/customers/C", "customerAttestationState": "NEW_STATE"}"#;
//! let customer: Customer = json::from_slice(body, JsonMode::Lenient).unwrap();
//! assert_eq!(customer.name, "accounts/A/customers/C");
//! assert_eq!(customer.customer_attestation_state, 0);
//!
//! let err = json::from_slice::<Customer>(body, JsonMode::Strict).unwrap_err();
//! assert_eq!(err.field(), "customerAttestationState");
//! assert_eq!(
//!     err.to_string(),
//!     "Invalid value at 'customerAttestationState' \
//!      (type.googleapis.com/google.cloud.channel.v1.Customer.CustomerAttestationState), \"NEW_STATE\"",
//! );
//! ```

use std::cell::{Cell, RefCell};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// How unknown members and unknown enum names are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonMode {
    /// Skip them (unknown enum names are dropped and logged): for responses.
    Lenient,
    /// Refuse them, naming the JSON path: for requests.
    Strict,
}

/// Why a JSON text could not be read as a message.
#[derive(Debug)]
pub enum JsonError {
    /// The text is not JSON.
    Syntax(serde_json::Error),
    /// A member names no field of its message (strict mode only).
    UnknownField {
        /// The JSON path of the message holding the member (empty at the top).
        at: String,
        /// The member's name.
        name: String,
    },
    /// A value does not fit its field.
    InvalidValue {
        /// The JSON path of the field.
        at: String,
        /// The field's type: `TYPE_INT32`, `TYPE_DOUBLE`, ... or an enum's
        /// type URL.
        expected: String,
        /// The value as given, in JSON.
        value: String,
    },
    /// A value does not fit its field, for a reason said in words.
    Invalid {
        /// The JSON path of the field (empty at the top).
        at: String,
        /// What is wrong.
        reason: String,
    },
    /// One object names a member twice, or a field under both its JSON
    /// and its proto name (strict text checks and both modes).
    DuplicateField {
        /// The JSON path of the object (empty at the top).
        at: String,
        /// The member's name.
        name: String,
    },
    /// Objects and arrays nest deeper than [`MAX_DEPTH`].
    TooDeep {
        /// The JSON path where the limit is passed.
        at: String,
    },
}

/// The deepest nesting of JSON objects and arrays a strict reader takes,
/// the recursion limit of Google's JSON parsers.
pub const MAX_DEPTH: usize = 100;

impl JsonError {
    /// The JSON path of the offending field, e.g. `customer.customerType`
    /// or `parameters[0].value` (empty when the whole text is at fault).
    pub fn field(&self) -> String {
        match self {
            JsonError::Syntax(_) => String::new(),
            JsonError::UnknownField { at, name } => join(at, name),
            JsonError::InvalidValue { at, .. }
            | JsonError::Invalid { at, .. }
            | JsonError::TooDeep { at } => at.clone(),
            JsonError::DuplicateField { at, name } => join(at, name),
        }
    }
}

impl JsonError {
    /// The same error with its path moved below `outer` (a text checked
    /// alone that is one field of a larger message, say).
    pub fn under(self, outer: &str) -> JsonError {
        let moved = |at: String| join(outer, &at);
        match self {
            JsonError::Syntax(e) => JsonError::Syntax(e),
            JsonError::UnknownField { at, name } => JsonError::UnknownField {
                at: moved(at),
                name,
            },
            JsonError::InvalidValue {
                at,
                expected,
                value,
            } => JsonError::InvalidValue {
                at: moved(at),
                expected,
                value,
            },
            JsonError::Invalid { at, reason } => JsonError::Invalid {
                at: moved(at),
                reason,
            },
            JsonError::DuplicateField { at, name } => JsonError::DuplicateField {
                at: moved(at),
                name,
            },
            JsonError::TooDeep { at } => JsonError::TooDeep { at: moved(at) },
        }
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::Syntax(e) => {
                let what = if e.is_eof() {
                    "Unexpected end of input"
                } else {
                    "Unexpected token"
                };
                write!(
                    f,
                    "Invalid JSON payload received. {what} at line {} column {}.",
                    e.line(),
                    e.column()
                )
            }
            JsonError::UnknownField { at, name } if at.is_empty() => write!(
                f,
                "Invalid JSON payload received. Unknown name {name:?}: Cannot find field."
            ),
            JsonError::UnknownField { at, name } => write!(
                f,
                "Invalid JSON payload received. Unknown name {name:?} at '{at}': Cannot find field."
            ),
            JsonError::InvalidValue {
                at,
                expected,
                value,
            } if at.is_empty() => write!(f, "Invalid value ({expected}), {value}"),
            JsonError::InvalidValue {
                at,
                expected,
                value,
            } => write!(f, "Invalid value at '{at}' ({expected}), {value}"),
            JsonError::Invalid { at, reason } if at.is_empty() => {
                write!(f, "Invalid JSON payload received. {reason}")
            }
            JsonError::Invalid { at, reason } => write!(f, "Invalid value at '{at}': {reason}"),
            JsonError::DuplicateField { at, name } if at.is_empty() => write!(
                f,
                "Invalid JSON payload received. Duplicate name {name:?}: a field, or one member of a oneof, may be set once."
            ),
            JsonError::DuplicateField { at, name } => write!(
                f,
                "Invalid JSON payload received. Duplicate name {name:?} at '{at}': a field, or one member of a oneof, may be set once."
            ),
            JsonError::TooDeep { .. } => write!(
                f,
                "Invalid JSON payload received. Message too deep. Max recursion depth is {MAX_DEPTH}."
            ),
        }
    }
}

impl std::error::Error for JsonError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JsonError::Syntax(e) => Some(e),
            _ => None,
        }
    }
}

/// Reads a message from JSON text in the given mode.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8], mode: JsonMode) -> Result<T, JsonError> {
    read(&Text(bytes), mode)
}

/// Reads a response: unknown members skipped, unknown enum names dropped.
pub fn from_slice_lenient<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    from_slice(bytes, JsonMode::Lenient)
}

/// Reads a request: unknown members and unknown enum names refused.
pub fn from_slice_strict<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    from_slice(bytes, JsonMode::Strict)
}

/// Reads a message from an already parsed JSON value in the given mode.
pub fn from_value<T: DeserializeOwned>(value: &Value, mode: JsonMode) -> Result<T, JsonError> {
    read(&Tree(value), mode)
}

/// [`from_value`] in [`JsonMode::Lenient`].
pub fn from_value_lenient<T: DeserializeOwned>(value: &Value) -> Result<T, JsonError> {
    from_value(value, JsonMode::Lenient)
}

/// [`from_value`] in [`JsonMode::Strict`].
pub fn from_value_strict<T: DeserializeOwned>(value: &Value) -> Result<T, JsonError> {
    from_value(value, JsonMode::Strict)
}

/// Reads a request made of string members only, given as (JSON name,
/// value) pairs, strictly: what [`from_value_strict`] reads from the object
/// `{"name": "value", ...}`, without building it. A REST server reads a
/// request that has nothing but its URL path's variables this way.
pub fn from_string_members_strict<T: DeserializeOwned>(
    members: &[(&str, &str)],
) -> Result<T, JsonError> {
    read(&Members(members), JsonMode::Strict)
}

// ---------------------------------------------------------------------------
// How enum values are written.

thread_local! {
    static ENUM_NUMBERS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `write` with every enum value written as its number instead of its
/// name when `numbers` is set: the JSON a REST caller asking for
/// `$alt=json;enum-encoding=int` gets (Google's generated REST clients ask
/// for it on every call). The setting holds on this thread for the length
/// of `write` only, then the one before it is back.
pub fn with_enum_numbers<R>(numbers: bool, write: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ENUM_NUMBERS.with(|n| n.set(self.0));
        }
    }
    let _restore = Restore(ENUM_NUMBERS.with(|n| n.replace(numbers)));
    write()
}

/// Whether enum values are being written as numbers on this thread.
pub(crate) fn enum_numbers() -> bool {
    ENUM_NUMBERS.with(Cell::get)
}

// ---------------------------------------------------------------------------
// The state of the read under way on this thread.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Not inside one of our entry points (a plain `serde_json` call).
    Plain,
    Lenient,
    Strict,
    /// A second lenient pass that turns the drop numbered `.0` into an
    /// error, to learn its path for the log.
    Locate(u32),
}

/// A problem found by our own visitors, kept until the entry point turns it
/// into a [`JsonError`] (serde's error type carries only a message).
#[derive(Debug, Clone)]
struct Pending {
    /// The path below the point where serde saw the error (non-empty when
    /// the problem is inside an `Any`, read apart from the outer text).
    below: String,
    problem: Problem,
}

#[derive(Debug, Clone)]
enum Problem {
    UnknownField { name: String },
    InvalidValue { expected: String, value: String },
    Invalid { reason: String },
}

thread_local! {
    static PASS: Cell<Pass> = const { Cell::new(Pass::Plain) };
    /// Whether the pass tracks paths (nested `Any` reads must then too).
    static TRACKING: Cell<bool> = const { Cell::new(false) };
    static DROPS: Cell<u32> = const { Cell::new(0) };
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
}

/// Sets the pass for the length of one read and restores the one before, so
/// that reads may nest.
struct Enter {
    pass: Pass,
    tracking: bool,
    drops: u32,
}

impl Enter {
    fn new(pass: Pass, tracking: bool) -> Self {
        let saved = Enter {
            pass: PASS.replace(pass),
            tracking: TRACKING.replace(tracking),
            drops: DROPS.replace(0),
        };
        PENDING.take();
        saved
    }
}

impl Drop for Enter {
    fn drop(&mut self) {
        PASS.set(self.pass);
        TRACKING.set(self.tracking);
        DROPS.set(self.drops);
    }
}

/// At most this many drops of one read are located and logged.
const MAX_LOGGED_DROPS: u32 = 16;

/// A text or a value to read from, plainly or tracking the path.
trait Source {
    fn plain<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error>;
    fn tracked<T: DeserializeOwned>(
        &self,
    ) -> Result<T, serde_path_to_error::Error<serde_json::Error>>;
}

struct Text<'a>(&'a [u8]);
struct Tree<'a>(&'a Value);

impl Source for Text<'_> {
    fn plain<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(self.0)
    }

    fn tracked<T: DeserializeOwned>(
        &self,
    ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
        let mut de = serde_json::Deserializer::from_slice(self.0);
        let value = serde_path_to_error::deserialize(&mut de)?;
        de.end().map_err(|e| {
            serde_path_to_error::Error::new(serde_path_to_error::Track::new().path(), e)
        })?;
        Ok(value)
    }
}

impl Source for Tree<'_> {
    fn plain<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(self.0)
    }

    fn tracked<T: DeserializeOwned>(
        &self,
    ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
        serde_path_to_error::deserialize(self.0)
    }
}

/// String members, read as the object they make.
struct Members<'a>(&'a [(&'a str, &'a str)]);

impl<'a> Members<'a> {
    fn deserializer(
        &self,
    ) -> de::value::MapDeserializer<'a, impl Iterator<Item = (&'a str, Value)>, serde_json::Error>
    {
        // Each value as a JSON string, so that it reads as the tree's would.
        de::value::MapDeserializer::new(
            self.0
                .iter()
                .map(|&(name, value)| (name, Value::String(value.to_string()))),
        )
    }
}

impl Source for Members<'_> {
    fn plain<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        T::deserialize(self.deserializer())
    }

    fn tracked<T: DeserializeOwned>(
        &self,
    ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
        serde_path_to_error::deserialize(self.deserializer())
    }
}

fn read<T: DeserializeOwned>(source: &impl Source, mode: JsonMode) -> Result<T, JsonError> {
    match mode {
        JsonMode::Strict => {
            // Tracking the path costs on every member; a refusal is rare,
            // so it is read again, tracked, only to say where it failed.
            let first = {
                let _pass = Enter::new(Pass::Strict, false);
                source.plain::<T>()
            };
            first.map_err(|e| refusal::<T>(source, Pass::Strict, e))
        }
        JsonMode::Lenient => {
            let first = {
                let _pass = Enter::new(Pass::Lenient, false);
                source.plain::<T>().map(|value| (value, DROPS.get()))
            };
            match first {
                Ok((value, drops)) => {
                    if drops > 0 && tracing::enabled!(tracing::Level::DEBUG) {
                        log_drops::<T>(source, drops);
                    }
                    Ok(value)
                }
                Err(e) => Err(refusal::<T>(source, Pass::Lenient, e)),
            }
        }
    }
}

/// The error of a plain read that failed: a syntax error as it is, any
/// other read again in the same `pass`, tracking the path this time
/// (errors are rare), to say where it failed.
fn refusal<T: DeserializeOwned>(
    source: &impl Source,
    pass: Pass,
    e: serde_json::Error,
) -> JsonError {
    if e.is_syntax() || e.is_eof() {
        return JsonError::Syntax(e);
    }
    let _pass = Enter::new(pass, true);
    match source.tracked::<T>() {
        Err(tracked) => to_error(tracked),
        Ok(_) => in_google_words(String::new(), strip_position(&e)),
    }
}

fn log_drops<T: DeserializeOwned>(source: &impl Source, drops: u32) {
    for k in 0..drops.min(MAX_LOGGED_DROPS) {
        let _pass = Enter::new(Pass::Locate(k), true);
        if let Err(e) = source.tracked::<T>() {
            let error = to_error(e);
            let value = match &error {
                JsonError::InvalidValue { value, .. } => value.as_str(),
                _ => "",
            };
            tracing::debug!(
                path = %error.field(),
                value,
                "dropped an enum value this schema does not know"
            );
        }
    }
}

fn to_error(e: serde_path_to_error::Error<serde_json::Error>) -> JsonError {
    let path = path_text(e.path());
    let inner = e.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        return JsonError::Syntax(inner);
    }
    match PENDING.take() {
        Some(Pending { below, problem }) => {
            let at = join(&path, &below);
            match problem {
                Problem::UnknownField { name } => {
                    // The path ends with the member itself; Google names the
                    // message holding it.
                    let at = match at.strip_suffix(name.as_str()) {
                        Some(parent) if parent.is_empty() || parent.ends_with('.') => {
                            parent.trim_end_matches('.').to_string()
                        }
                        _ => at,
                    };
                    JsonError::UnknownField { at, name }
                }
                Problem::InvalidValue { expected, value } => JsonError::InvalidValue {
                    at,
                    expected,
                    value,
                },
                Problem::Invalid { reason } => in_google_words(at, reason),
            }
        }
        None => in_google_words(path, strip_position(&inner)),
    }
}

/// A refusal worded by serde (`invalid type: integer `5`, expected a
/// string`, `duplicate field `name``) said in Google's words instead, when
/// it is one of those; any other reason is kept.
fn in_google_words(at: String, reason: String) -> JsonError {
    if let Some(name) = reason
        .strip_prefix("duplicate field `")
        .and_then(|r| r.strip_suffix('`'))
    {
        return JsonError::DuplicateField {
            at,
            name: name.to_string(),
        };
    }
    let Some((value, expected)) = reason
        .strip_prefix("invalid type: ")
        .and_then(|r| r.split_once(", expected "))
        .and_then(|(unexpected, expected)| Some((json_of_unexpected(unexpected)?, expected)))
    else {
        return JsonError::Invalid { at, reason };
    };
    let expected = match expected {
        "a string" | "a borrowed string" => "TYPE_STRING".to_string(),
        "a boolean" => "TYPE_BOOL".to_string(),
        "a sequence" => {
            return JsonError::Invalid {
                at,
                reason: format!("a repeated field takes a JSON array, not {value}"),
            };
        }
        "a map" | "an object" => {
            return JsonError::Invalid {
                at,
                reason: format!("expected a JSON object, not {value}"),
            };
        }
        other => match other.strip_prefix("struct ") {
            Some(message) => format!("type.googleapis.com/{}", message.replace("r#", "")),
            None => return JsonError::Invalid { at, reason },
        },
    };
    JsonError::InvalidValue {
        at,
        expected,
        value,
    }
}

/// The JSON of the value serde describes as unexpected (`integer `5``,
/// `string "x"`, `null`, `map`, ...).
fn json_of_unexpected(text: &str) -> Option<String> {
    let quoted = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('`'))
            .and_then(|r| r.strip_suffix('`'))
            .map(str::to_string)
    };
    match text {
        "null" | "unit value" => Some("null".into()),
        "map" => Some("{...}".into()),
        "sequence" => Some("[...]".into()),
        _ => quoted("boolean ")
            .or_else(|| quoted("integer "))
            .or_else(|| quoted("floating point "))
            .or_else(|| text.strip_prefix("string ").map(str::to_string)),
    }
}

fn path_text(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." { String::new() } else { text }
}

fn join(outer: &str, inner: &str) -> String {
    match (outer.is_empty(), inner.is_empty()) {
        (_, true) => outer.to_string(),
        (true, false) => inner.to_string(),
        (false, false) if inner.starts_with('[') => format!("{outer}{inner}"),
        (false, false) => format!("{outer}.{inner}"),
    }
}

/// serde_json's message without its " at line 1 column 5" tail, which
/// means nothing to a reader of a value already parsed.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Keeps a problem for the entry point and gives serde an error saying it.
fn fail<E: de::Error>(problem: Problem) -> E {
    let message = match &problem {
        Problem::UnknownField { name } => format!("unknown field {name:?}"),
        Problem::InvalidValue { expected, value } => format!("invalid value ({expected}), {value}"),
        Problem::Invalid { reason } => reason.clone(),
    };
    PENDING.set(Some(Pending {
        below: String::new(),
        problem,
    }));
    E::custom(message)
}

// ---------------------------------------------------------------------------
// What the generated code and the well-known types call.

/// Whether the read under way on this thread is strict: for the few rules
/// only a strict reader applies (a lowercase `t` or `z` in a timestamp).
pub(crate) fn is_strict() -> bool {
    PASS.get() == Pass::Strict
}

/// Called by the generated code for a member that names no field: an error
/// in strict mode, nothing otherwise.
#[doc(hidden)]
pub fn unknown_field<E: de::Error>(name: &str) -> Result<(), E> {
    if PASS.get() == Pass::Strict {
        return Err(fail(Problem::UnknownField { name: name.into() }));
    }
    Ok(())
}

/// Called for an enum value name the enum `full_name` lacks: `Ok(())` when
/// the value is to be dropped, an error in strict mode.
pub(crate) fn unknown_enum_name<E: de::Error>(full_name: &str, name: &str) -> Result<(), E> {
    let refuse = || invalid_enum(full_name, quote(name));
    match PASS.get() {
        Pass::Strict => Err(refuse()),
        Pass::Lenient => {
            DROPS.set(DROPS.get().saturating_add(1));
            Ok(())
        }
        Pass::Locate(target) => {
            let seen = DROPS.get();
            DROPS.set(seen.saturating_add(1));
            if seen == target {
                Err(refuse())
            } else {
                Ok(())
            }
        }
        Pass::Plain => {
            tracing::debug!(
                r#enum = full_name,
                value = name,
                "dropped an enum value this schema does not know"
            );
            Ok(())
        }
    }
}

/// Refuses a value of the enum `full_name`, in Google's words.
pub(crate) fn invalid_enum<E: de::Error>(full_name: &str, value: String) -> E {
    fail(Problem::InvalidValue {
        expected: format!("type.googleapis.com/{full_name}"),
        value,
    })
}

/// Reads a message nested in an `Any`, which is read apart from the outer
/// text: when the outer read tracks paths, this one does too, and a problem
/// found inside carries its path out.
pub(crate) fn nested<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    if !TRACKING.get() {
        return serde_json::from_value(value).map_err(|e| strip_position(&e));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = path_text(e.path());
        let inner = e.into_inner();
        let reason = strip_position(&inner);
        PENDING.with_borrow_mut(|pending| match pending {
            Some(p) => p.below = join(&path, &p.below),
            None => {
                *pending = Some(Pending {
                    below: path,
                    problem: Problem::Invalid {
                        reason: reason.clone(),
                    },
                })
            }
        });
        reason
    })
}

/// Records a problem an `Any` found with itself (its type URL, say), for the
/// error the entry point builds.
pub(crate) fn any_problem<E: de::Error>(reason: String) -> E {
    fail(Problem::Invalid { reason })
}

fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| format!("{text:?}"))
}

/// An enum of the schema, with the full name errors quote.
#[doc(hidden)]
pub trait ProtoEnum {
    /// The enum's full protobuf name, e.g. `google.cloud.channel.v1.MediaType`.
    const FULL_NAME: &'static str;
}

// ---------------------------------------------------------------------------
// Checks of the text itself.

/// Checks a JSON text as Google's servers do before reading it as a
/// request, for what a parsed `serde_json::Value` can no longer show: no
/// object names a member twice (a `Value` keeps the last silently), and
/// objects and arrays nest at most [`MAX_DEPTH`] deep. Syntax errors are
/// reported too. Paths are relative to the text.
///
/// ```
/// use channel_types::json;
///
/// assert!(json::check_text(br#"{"a": {"b": [1, 2]}}"#).is_ok());
/// let err = json::check_text(br#"{"a": {"b": 1, "b": 2}}"#).unwrap_err();
/// assert_eq!(err.field(), "a.b");
/// ```
pub fn check_text(bytes: &[u8]) -> Result<(), JsonError> {
    let found = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let walked = de::DeserializeSeed::deserialize(
        Walk {
            depth: 0,
            place: Place::Top,
            found: &found,
        },
        &mut de,
    )
    .and_then(|()| de.end());
    match (walked, found.into_inner()) {
        (Ok(()), _) => Ok(()),
        (Err(_), Some(problem)) => Err(problem),
        (Err(e), None) => Err(JsonError::Syntax(e)),
    }
}

/// Where a value of the text being checked sits; spelled out as a path only
/// when there is something to report.
enum Place<'p> {
    Top,
    Member(&'p Place<'p>, &'p str),
    Item(&'p Place<'p>, usize),
}

impl Place<'_> {
    fn path(&self) -> String {
        match self {
            Place::Top => String::new(),
            Place::Member(parent, name) => join(&parent.path(), name),
            Place::Item(parent, index) => format!("{}[{index}]", parent.path()),
        }
    }
}

/// One value of the text being checked.
struct Walk<'a> {
    depth: usize,
    place: Place<'a>,
    found: &'a RefCell<Option<JsonError>>,
}

impl Walk<'_> {
    fn refuse<E: de::Error>(&self, problem: JsonError) -> E {
        let message = problem.to_string();
        *self.found.borrow_mut() = Some(problem);
        E::custom(message)
    }

    /// A value inside this one, refused past the depth limit.
    fn inner<'b>(&'b self, place: Place<'b>) -> Result<Walk<'b>, JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(JsonError::TooDeep { at: place.path() });
        }
        Ok(Walk {
            depth: self.depth + 1,
            place,
            found: self.found,
        })
    }
}

impl<'de> de::DeserializeSeed<'de> for Walk<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0usize;
        loop {
            let item = self
                .inner(Place::Item(&self.place, index))
                .map_err(|p| self.refuse(p))?;
            if seq.next_element_seed(item)?.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut names = std::collections::HashSet::new();
        while let Some(name) = map.next_key::<String>()? {
            if names.contains(&name) {
                return Err(self.refuse(JsonError::DuplicateField {
                    at: self.place.path(),
                    name,
                }));
            }
            {
                let value = self
                    .inner(Place::Member(&self.place, &name))
                    .map_err(|p| self.refuse(p))?;
                map.next_value_seed(value)?;
            }
            names.insert(name);
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Numbers.

/// A number as proto3 JSON reads it: from a JSON number or a string, with
/// integers accepted in exponent or decimal form when integral and in range,
/// and doubles accepting `"NaN"`, `"Infinity"` and `"-Infinity"`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Number<T>(pub T);

/// The numeric types of proto3 and how each reads.
#[doc(hidden)]
pub trait ProtoNumber: Sized + Copy {
    /// The proto type's name, as Google's errors say it.
    const TYPE: &'static str;
    /// From a JSON integer.
    fn from_i128(n: i128) -> Option<Self>;
    /// From a JSON number with a fraction or exponent.
    fn from_f64(f: f64) -> Option<Self>;
    /// From a JSON string.
    fn from_text(text: &str) -> Option<Self>;
}

/// The integral value of `f`, if it has one that fits in an `i128`.
fn integral(f: f64) -> Option<i128> {
    // 2^127 as f64 is exact; anything of that size is out of every range.
    (f.is_finite() && f.fract() == 0.0 && f.abs() < 1.7e38).then_some(f as i128)
}

/// Whether `text` is spelled as a JSON-style decimal number (no spaces, no
/// `inf`/`nan` words, no hex).
fn is_numeric(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit())
}

macro_rules! integer {
    ($t:ty, $name:literal) => {
        impl ProtoNumber for $t {
            const TYPE: &'static str = $name;
            fn from_i128(n: i128) -> Option<Self> {
                <$t>::try_from(n).ok()
            }
            fn from_f64(f: f64) -> Option<Self> {
                integral(f).and_then(Self::from_i128)
            }
            fn from_text(text: &str) -> Option<Self> {
                if !is_numeric(text) {
                    return None;
                }
                match text.parse::<i128>() {
                    Ok(n) => Self::from_i128(n),
                    Err(_) => text.parse::<f64>().ok().and_then(Self::from_f64),
                }
            }
        }
    };
}

integer!(i32, "TYPE_INT32");
integer!(i64, "TYPE_INT64");
integer!(u32, "TYPE_UINT32");
integer!(u64, "TYPE_UINT64");

impl ProtoNumber for f64 {
    const TYPE: &'static str = "TYPE_DOUBLE";
    fn from_i128(n: i128) -> Option<Self> {
        Some(n as f64)
    }
    fn from_f64(f: f64) -> Option<Self> {
        Some(f)
    }
    fn from_text(text: &str) -> Option<Self> {
        match text {
            "NaN" => Some(f64::NAN),
            "Infinity" => Some(f64::INFINITY),
            "-Infinity" => Some(f64::NEG_INFINITY),
            _ if is_numeric(text) => text.parse().ok(),
            _ => None,
        }
    }
}

impl ProtoNumber for f32 {
    const TYPE: &'static str = "TYPE_FLOAT";
    fn from_i128(n: i128) -> Option<Self> {
        Self::from_f64(n as f64)
    }
    fn from_f64(f: f64) -> Option<Self> {
        // Out of range is an error, not an infinity.
        (!f.is_finite() || f.abs() <= f64::from(f32::MAX)).then_some(f as f32)
    }
    fn from_text(text: &str) -> Option<Self> {
        f64::from_text(text).and_then(Self::from_f64)
    }
}

impl<'de, T: ProtoNumber> Deserialize<'de> for Number<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumberVisitor<T>(PhantomData<T>);

        impl<T: ProtoNumber> NumberVisitor<T> {
            fn refuse<E: de::Error>(value: String) -> E {
                fail(Problem::InvalidValue {
                    expected: T::TYPE.into(),
                    value,
                })
            }
        }

        impl<T: ProtoNumber> Visitor<'_> for NumberVisitor<T> {
            type Value = Number<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a number or a numeric string ({})", T::TYPE)
            }

            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
                T::from_i128(n.into())
                    .map(Number)
                    .ok_or_else(|| Self::refuse(n.to_string()))
            }

            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
                T::from_i128(n.into())
                    .map(Number)
                    .ok_or_else(|| Self::refuse(n.to_string()))
            }

            fn visit_f64<E: de::Error>(self, f: f64) -> Result<Self::Value, E> {
                T::from_f64(f)
                    .map(Number)
                    .ok_or_else(|| Self::refuse(f.to_string()))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                T::from_text(text)
                    .map(Number)
                    .ok_or_else(|| Self::refuse(quote(text)))
            }

            fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
                Err(Self::refuse(b.to_string()))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Err(Self::refuse("null".into()))
            }
        }

        deserializer.deserialize_any(NumberVisitor(PhantomData))
    }
}

/// Writes a double as proto3 JSON does: a number, or `"NaN"`,
/// `"Infinity"`, `"-Infinity"` (a JSON number cannot say these, and
/// serde_json would write `null`, which a reader takes for unset).
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Double(pub f64);

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let f = self.0;
        if f.is_nan() {
            serializer.serialize_str("NaN")
        } else if f == f64::INFINITY {
            serializer.serialize_str("Infinity")
        } else if f == f64::NEG_INFINITY {
            serializer.serialize_str("-Infinity")
        } else {
            serializer.serialize_f64(f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int32(json: &str) -> Option<i32> {
        serde_json::from_str::<Number<i32>>(json).ok().map(|n| n.0)
    }

    fn int64(json: &str) -> Option<i64> {
        serde_json::from_str::<Number<i64>>(json).ok().map(|n| n.0)
    }

    fn double(json: &str) -> Option<f64> {
        serde_json::from_str::<Number<f64>>(json).ok().map(|n| n.0)
    }

    #[test]
    fn enum_numbers_are_written_only_inside_their_scope() {
        use crate::model::Customer;
        let customer = |state| Customer {
            name: "accounts/A/customers/C".into(),
            customer_attestation_state: state,
            ..Default::default()
        };
        let write =
            |c: &Customer| serde_json::to_value(c).unwrap()["customerAttestationState"].clone();
        assert_eq!(write(&customer(1)), "EXEMPT");
        let numbers = with_enum_numbers(true, || {
            // An inner scope sets its own and gives the outer one back.
            assert_eq!(with_enum_numbers(false, || write(&customer(1))), "EXEMPT");
            write(&customer(1))
        });
        assert_eq!(numbers, 1);
        assert_eq!(write(&customer(1)), "EXEMPT");
        // A value newer than the schema is a number either way.
        assert_eq!(write(&customer(99)), 99);
        assert_eq!(with_enum_numbers(true, || write(&customer(99))), 99);
        // The setting ends even when the writing panics.
        let _ = std::panic::catch_unwind(|| with_enum_numbers(true, || panic!("in the write")));
        assert_eq!(write(&customer(1)), "EXEMPT");
    }

    #[test]
    fn string_members_read_as_the_object_they_make() {
        use crate::model::{FetchReportResultsRequest, GetCustomerRequest};
        let members = [("reportJob", "accounts/A/reportJobs/J")];
        let read: FetchReportResultsRequest = from_string_members_strict(&members).unwrap();
        assert_eq!(read.report_job, "accounts/A/reportJobs/J");
        let tree: FetchReportResultsRequest =
            from_value_strict(&serde_json::json!({"reportJob": "accounts/A/reportJobs/J"}))
                .unwrap();
        assert_eq!(read, tree);
        // The proto name reads too, as it does from a tree.
        let read: FetchReportResultsRequest =
            from_string_members_strict(&[("report_job", "x")]).unwrap();
        assert_eq!(read.report_job, "x");

        // Refusals are the tree's, naming the member.
        let members = [("name", "accounts/A/customers/C"), ("nmae", "x")];
        let read = from_string_members_strict::<GetCustomerRequest>(&members).unwrap_err();
        let tree = from_value_strict::<GetCustomerRequest>(
            &serde_json::json!({"name": "accounts/A/customers/C", "nmae": "x"}),
        )
        .unwrap_err();
        assert_eq!(read.to_string(), tree.to_string());
        assert_eq!(read.field(), "nmae");
        // A string where a number belongs is read as JSON reads it.
        let read: FetchReportResultsRequest =
            from_string_members_strict(&[("pageSize", "12")]).unwrap();
        assert_eq!(read.page_size, 12);
        let twice = [("name", "a"), ("name", "b")];
        assert!(from_string_members_strict::<GetCustomerRequest>(&twice).is_err());
    }

    #[test]
    fn integers_read_from_numbers_and_strings_in_any_integral_form() {
        assert_eq!(int32("7"), Some(7));
        assert_eq!(int32("\"7\""), Some(7));
        assert_eq!(int32("1e2"), Some(100));
        assert_eq!(int32("10.0"), Some(10));
        assert_eq!(int32("\"1e1\""), Some(10));
        assert_eq!(int32("\"-2.0\""), Some(-2));
        assert_eq!(int32("-2147483648"), Some(i32::MIN));
        assert_eq!(int64("\"9223372036854775807\""), Some(i64::MAX));
        assert_eq!(int64("-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn integers_refuse_fractions_overflow_and_words() {
        for bad in [
            "1.5",
            "\"1.5\"",
            "2147483648",
            "\"abc\"",
            "\"\"",
            "\" 1\"",
            "true",
            "\"NaN\"",
            "1e10",
        ] {
            assert_eq!(int32(bad), None, "{bad}");
        }
        assert_eq!(int64("\"9223372036854775808\""), None);
        assert_eq!(int64("1e19"), None);
    }

    #[test]
    fn doubles_read_the_three_special_strings_and_no_other_words() {
        assert!(double("\"NaN\"").unwrap().is_nan());
        assert_eq!(double("\"Infinity\""), Some(f64::INFINITY));
        assert_eq!(double("\"-Infinity\""), Some(f64::NEG_INFINITY));
        assert_eq!(double("\"1.25\""), Some(1.25));
        assert_eq!(double("3"), Some(3.0));
        for bad in ["\"nan\"", "\"inf\"", "\"infinity\"", "\"x\"", "true"] {
            assert_eq!(double(bad), None, "{bad}");
        }
    }

    #[test]
    fn doubles_write_the_special_values_as_strings() {
        let text = |f: f64| serde_json::to_string(&Double(f)).unwrap();
        assert_eq!(text(f64::NAN), "\"NaN\"");
        assert_eq!(text(f64::INFINITY), "\"Infinity\"");
        assert_eq!(text(f64::NEG_INFINITY), "\"-Infinity\"");
        assert_eq!(text(0.5), "0.5");
    }

    #[test]
    fn a_refused_number_is_named_with_its_type_and_value() {
        let err = from_slice_strict::<Number<i32>>(b"\"abc\"").unwrap_err();
        assert_eq!(err.to_string(), "Invalid value (TYPE_INT32), \"abc\"");
    }

    /// Collects every event's fields as `name=value` text.
    #[derive(Clone, Default)]
    struct Capture(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    impl tracing::Subscriber for Capture {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            struct Fields(String);
            impl tracing::field::Visit for Fields {
                fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
                    self.0 += &format!("{}={value:?} ", field.name());
                }
            }
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            self.0.lock().unwrap().push(fields.0);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[test]
    fn each_lenient_drop_is_logged_at_debug_with_its_json_path() {
        let capture = Capture::default();
        let body = br#"{"customerAttestationState": "NEW_A",
            "cloudIdentityInfo": {"customerType": "NEW_B"}}"#;
        let customer: crate::model::Customer =
            tracing::subscriber::with_default(capture.clone(), || from_slice_lenient(body))
                .unwrap();
        assert_eq!(customer.customer_attestation_state, 0);
        let events = capture.0.lock().unwrap().clone();
        assert_eq!(events.len(), 2, "{events:?}");
        assert!(
            events[0].contains("path=customerAttestationState "),
            "{events:?}"
        );
        assert!(events[0].contains(r#"value="\"NEW_A\"""#), "{events:?}");
        assert!(
            events[1].contains("path=cloudIdentityInfo.customerType "),
            "{events:?}"
        );
    }

    #[test]
    fn syntax_errors_say_where() {
        let err = from_slice_lenient::<Value>(b"{").unwrap_err();
        assert!(matches!(err, JsonError::Syntax(_)));
        assert_eq!(
            err.to_string(),
            "Invalid JSON payload received. Unexpected end of input at line 1 column 1."
        );
    }
}
