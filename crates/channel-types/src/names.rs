//! Typed resource names of the Cloud Channel API v1.
//!
//! The API identifies every resource by a slash-separated name such as
//! `accounts/C01/customers/S02`. Each pattern gets an owned type holding its
//! variable segments (for example [`Customer`]) and a borrowed twin (for
//! example [`CustomerRef`]) built by a parser that never allocates, so names
//! found in responses can be checked and taken apart cheaply and only copied
//! when they must outlive the text. Both kinds print back the exact name.
//!
//! Segment values are opaque ids: anything is accepted except an empty value,
//! a `/`, whitespace, control characters, and the values `.` and `..`.
//!
//! ```
//! use channel_types::names::{Entitlement, EntitlementRef};
//!
//! let name: EntitlementRef<'_> =
//!     Entitlement::parse("accounts/C01/customers/S02/entitlements/E03")?;
//! assert_eq!(name.account(), "C01");
//! assert_eq!(name.customer(), "S02");
//! assert_eq!(name.entitlement(), "E03");
//! assert_eq!(name.parent().to_string(), "accounts/C01/customers/S02");
//!
//! // Copy it out of the input to keep it, or build one from its segments.
//! let owned: Entitlement = name.into_owned();
//! assert_eq!(owned, Entitlement::new("C01", "S02", "E03")?);
//! assert_eq!(owned.to_string(), "accounts/C01/customers/S02/entitlements/E03");
//! # Ok::<(), channel_types::names::NameError>(())
//! ```

use std::error::Error;
use std::fmt;
use std::str::FromStr;

/// What is wrong with a rejected resource name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NameErrorKind {
    /// The input is the empty string.
    Empty,
    /// A segment is empty: two slashes in a row, or a slash at either end.
    EmptySegment,
    /// The name ends before the pattern is complete.
    MissingSegment,
    /// The name goes on after the pattern is complete.
    ExtraSegment,
    /// A collection word (such as `customers`) is not the one the pattern has
    /// at this place; the comparison is case-sensitive.
    WrongCollection {
        /// The collection word the pattern expects here.
        expected: &'static str,
    },
    /// A segment value holds whitespace, a control character or, when built
    /// from segments, a `/`.
    InvalidCharacter,
    /// A segment value is `.` or `..`: in a URL path these mean "this
    /// level" and "one level up", so such a name could reach another
    /// resource.
    DotSegment,
}

impl fmt::Display for NameErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the name is empty"),
            Self::EmptySegment => f.write_str("empty segment"),
            Self::MissingSegment => f.write_str("missing segment"),
            Self::ExtraSegment => f.write_str("unexpected extra segment"),
            Self::WrongCollection { expected } => {
                write!(f, "wrong collection, expected `{expected}`")
            }
            Self::InvalidCharacter => f.write_str("invalid character (whitespace, control or `/`)"),
            Self::DotSegment => f.write_str("a segment may not be `.` or `..`"),
        }
    }
}

/// Why a string, or a set of segments, is not a valid name of a pattern.
///
/// It keeps no copy of the input, so the borrowed parsers can return it
/// without allocating; the position fields point into the input instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct NameError {
    pattern: &'static str,
    kind: NameErrorKind,
    segment: usize,
    offset: usize,
}

impl NameError {
    const fn new(
        pattern: &'static str,
        kind: NameErrorKind,
        segment: usize,
        offset: usize,
    ) -> Self {
        Self {
            pattern,
            kind,
            segment,
            offset,
        }
    }

    /// The pattern the name was checked against, such as `accounts/{account}`.
    pub fn pattern(&self) -> &'static str {
        self.pattern
    }

    /// What went wrong.
    pub fn kind(&self) -> NameErrorKind {
        self.kind
    }

    /// Zero-based index of the offending segment, counting collection words
    /// and values alike (in `accounts/a/customers/b`, `b` is segment 3).
    pub fn segment(&self) -> usize {
        self.segment
    }

    /// Byte offset of the offending segment or character in the name; for a
    /// missing segment, the length of the input. Names built from segments
    /// are measured as they would be printed.
    pub fn offset(&self) -> usize {
        self.offset
    }
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid resource name: expected {}: {}",
            self.pattern, self.kind
        )?;
        if self.kind != NameErrorKind::Empty {
            write!(
                f,
                " at segment index {} (byte {})",
                self.segment, self.offset
            )?;
        }
        Ok(())
    }
}

impl Error for NameError {}

/// Measures the value at the start of `rest`: `Ok` with its length, up to
/// the next `/` or the end, or `Err` with the index of its first whitespace
/// or control character.
fn scan_value(rest: &str) -> Result<usize, usize> {
    for (i, &b) in rest.as_bytes().iter().enumerate() {
        if b == b'/' {
            return Ok(i);
        }
        if b <= b' ' || b == 0x7f {
            return Err(i);
        }
        if !b.is_ascii() {
            return scan_value_unicode(rest, i);
        }
    }
    Ok(rest.len())
}

/// The slow path of [`scan_value`] from the first non-ASCII byte, decoding
/// characters to test their Unicode classes.
fn scan_value_unicode(rest: &str, from: usize) -> Result<usize, usize> {
    for (i, c) in rest[from..].char_indices() {
        if c == '/' {
            return Ok(from + i);
        }
        if c.is_whitespace() || c.is_control() {
            return Err(from + i);
        }
    }
    Ok(rest.len())
}

/// Whether a value is one of the two that URL paths give a meaning to.
fn is_dot_segment(value: &str) -> bool {
    matches!(value, "." | "..")
}

/// Splits `s` against a pattern of alternating collection words and values,
/// `c0/{v0}/c1/{v1}/...`, in one pass over its bytes, and returns the values
/// in order.
fn split_pattern<'a, const N: usize>(
    s: &'a str,
    pattern: &'static str,
    collections: [&'static str; N],
) -> Result<[&'a str; N], NameError> {
    let fail = |kind, segment, offset| Err(NameError::new(pattern, kind, segment, offset));
    if s.is_empty() {
        return fail(NameErrorKind::Empty, 0, 0);
    }
    let mut values = [""; N];
    // Byte offset of the segment being read.
    let mut pos = 0;
    for (i, (value, collection)) in values.iter_mut().zip(collections).enumerate() {
        let segment = 2 * i;
        let rest = &s[pos..];
        match rest.strip_prefix(collection) {
            Some(after) if after.starts_with('/') => {}
            Some("") => return fail(NameErrorKind::MissingSegment, segment + 1, s.len()),
            _ if rest.is_empty() || rest.starts_with('/') => {
                return fail(NameErrorKind::EmptySegment, segment, pos);
            }
            _ => {
                let kind = NameErrorKind::WrongCollection {
                    expected: collection,
                };
                return fail(kind, segment, pos);
            }
        }
        pos += collection.len() + 1;

        let rest = &s[pos..];
        let len = match scan_value(rest) {
            Ok(0) => return fail(NameErrorKind::EmptySegment, segment + 1, pos),
            Ok(len) => len,
            Err(at) => return fail(NameErrorKind::InvalidCharacter, segment + 1, pos + at),
        };
        *value = &rest[..len];
        if is_dot_segment(value) {
            return fail(NameErrorKind::DotSegment, segment + 1, pos);
        }
        pos += len;
        if i + 1 < N {
            if pos == s.len() {
                return fail(NameErrorKind::MissingSegment, segment + 2, pos);
            }
            // Step over the slash that ends the value.
            pos += 1;
        }
    }
    // Anything left starts with the slash that ended the last value.
    if pos < s.len() {
        let kind = match s.as_bytes().get(pos + 1) {
            None | Some(b'/') => NameErrorKind::EmptySegment,
            Some(_) => NameErrorKind::ExtraSegment,
        };
        return fail(kind, 2 * N, pos + 1);
    }
    Ok(values)
}

/// Checks the values given to a constructor, measuring offsets as the name
/// would be printed.
fn validate<const N: usize>(
    pattern: &'static str,
    collections: [&'static str; N],
    values: [&str; N],
) -> Result<(), NameError> {
    let mut offset = 0;
    for (i, (collection, value)) in collections.iter().zip(values).enumerate() {
        offset += collection.len() + 1;
        let fail = |kind, at| Err(NameError::new(pattern, kind, 2 * i + 1, at));
        match scan_value(value) {
            Ok(0) => return fail(NameErrorKind::EmptySegment, offset),
            Ok(_) if is_dot_segment(value) => return fail(NameErrorKind::DotSegment, offset),
            Ok(len) if len == value.len() => {}
            Ok(at) | Err(at) => return fail(NameErrorKind::InvalidCharacter, offset + at),
        }
        offset += value.len() + 1;
    }
    Ok(())
}

/// Names up to this many bytes are joined on the stack before printing.
const STACK_NAME: usize = 128;

/// Prints `c0/v0/c1/v1/...`.
///
/// A name that fits [`STACK_NAME`] is joined on the stack and written in one
/// piece: `to_string` then allocates once, at the exact size, where a write
/// per piece made its string grow three or four times.
fn write_name<const N: usize>(
    f: &mut fmt::Formatter<'_>,
    collections: [&str; N],
    values: [&str; N],
) -> fmt::Result {
    let len = collections
        .iter()
        .zip(values)
        .map(|(collection, value)| collection.len() + value.len() + 2)
        .sum::<usize>()
        - 1;
    if len <= STACK_NAME {
        let mut buf = [0u8; STACK_NAME];
        let mut at = 0;
        let mut put = |piece: &str| {
            buf[at..at + piece.len()].copy_from_slice(piece.as_bytes());
            at += piece.len();
        };
        for (i, (collection, value)) in collections.iter().zip(values).enumerate() {
            if i > 0 {
                put("/");
            }
            put(collection);
            put("/");
            put(value);
        }
        // Whole strings joined end to end are UTF-8: this never fails.
        return f.write_str(std::str::from_utf8(&buf[..at]).map_err(|_| fmt::Error)?);
    }
    for (i, (collection, value)) in collections.iter().zip(values).enumerate() {
        if i > 0 {
            f.write_str("/")?;
        }
        f.write_str(collection)?;
        f.write_str("/")?;
        f.write_str(value)?;
    }
    Ok(())
}

/// Where a value lies in an owned name's text.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Span {
    start: usize,
    end: usize,
}

impl Span {
    fn of(self, text: &str) -> &str {
        &text[self.start..self.end]
    }
}

/// Joins `c0/v0/c1/v1/...` into a string of the exact size, and says where
/// each value lies in it.
fn join_name<const N: usize>(collections: [&str; N], values: [&str; N]) -> (String, [Span; N]) {
    let len = collections
        .iter()
        .zip(values)
        .map(|(collection, value)| collection.len() + value.len() + 2)
        .sum::<usize>()
        - 1;
    let mut text = String::with_capacity(len);
    let mut spans = [Span { start: 0, end: 0 }; N];
    for (i, (collection, value)) in collections.iter().zip(values).enumerate() {
        if i > 0 {
            text.push('/');
        }
        text.push_str(collection);
        text.push('/');
        let start = text.len();
        text.push_str(value);
        spans[i] = Span {
            start,
            end: text.len(),
        };
    }
    (text, spans)
}

/// Declares the owned type and its borrowed `Ref` twin for a pattern of
/// alternating collection words and values, with constructor, accessors,
/// parsing, printing and conversions. With `parent: Type`, the owned type also
/// gets `parent()`, built from the `Ref` type's `parent()`, which is written
/// by hand next to the invocation.
macro_rules! resource_name {
    (
        $(#[$meta:meta])*
        $name:ident, $ref_name:ident: $pattern:literal {
            $($collection:literal => $field:ident),+ $(,)?
        }
        $(parent: $parent:ident)?
    ) => {
        $(#[$meta])*
        ///
        /// It keeps the whole name as printed, and where each value lies in
        /// it: printing is one copy, and parsing one allocation.
        #[derive(Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            text: String,
            $($field: Span,)+
        }

        #[doc = concat!(
            "A borrowed [`", stringify!($name), "`], pointing into the parsed text."
        )]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $ref_name<'a> {
            $($field: &'a str,)+
        }

        impl $name {
            #[doc = concat!("The pattern of these names: `", $pattern, "`.")]
            pub const PATTERN: &'static str = $pattern;

            /// Builds a name from its values, rejecting any that is empty or
            /// holds a `/`, whitespace or a control character.
            pub fn new($($field: impl Into<String>),+) -> Result<Self, NameError> {
                $(let $field: String = $field.into();)+
                validate(Self::PATTERN, [$($collection),+], [$($field.as_str()),+])?;
                Ok($ref_name { $($field: $field.as_str()),+ }.into_owned())
            }

            /// Parses `s` without allocating; the result borrows from `s`.
            pub fn parse(s: &str) -> Result<$ref_name<'_>, NameError> {
                $ref_name::parse(s)
            }

            /// Views this name as its borrowed form.
            pub fn as_borrowed(&self) -> $ref_name<'_> {
                $ref_name { $($field: self.$field.of(&self.text)),+ }
            }

            $(
                #[doc = concat!("The `{", stringify!($field), "}` value.")]
                pub fn $field(&self) -> &str {
                    self.$field.of(&self.text)
                }
            )+
        }

        impl<'a> $ref_name<'a> {
            #[doc = concat!("Parses `s` as `", $pattern, "` without allocating.")]
            pub fn parse(s: &'a str) -> Result<Self, NameError> {
                let [$($field),+] = split_pattern(s, $name::PATTERN, [$($collection),+])?;
                Ok(Self { $($field),+ })
            }

            $(
                #[doc = concat!("The `{", stringify!($field), "}` value.")]
                pub fn $field(self) -> &'a str {
                    self.$field
                }
            )+

            /// Copies the values into an owned name.
            pub fn into_owned(self) -> $name {
                let (text, [$($field),+]) = join_name([$($collection),+], [$(self.$field),+]);
                $name { text, $($field),+ }
            }

            /// Same as `into_owned`; it shadows `ToOwned::to_owned`, which
            /// would only copy the borrowed form.
            #[allow(clippy::wrong_self_convention)]
            pub fn to_owned(&self) -> $name {
                self.into_owned()
            }
        }

        impl fmt::Display for $ref_name<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_name(f, [$($collection),+], [$(self.$field),+])
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.text)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($field), &self.$field()))+
                    .finish()
            }
        }

        /// Ordered value by value, as the borrowed form is.
        impl Ord for $name {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.as_borrowed().cmp(&other.as_borrowed())
            }
        }

        impl PartialOrd for $name {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl FromStr for $name {
            type Err = NameError;

            fn from_str(s: &str) -> Result<Self, NameError> {
                $ref_name::parse(s).map($ref_name::into_owned)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = NameError;

            fn try_from(s: &str) -> Result<Self, NameError> {
                s.parse()
            }
        }

        impl<'a> TryFrom<&'a str> for $ref_name<'a> {
            type Error = NameError;

            fn try_from(s: &'a str) -> Result<Self, NameError> {
                Self::parse(s)
            }
        }

        impl From<$ref_name<'_>> for $name {
            fn from(name: $ref_name<'_>) -> Self {
                name.into_owned()
            }
        }

        $(
            impl $name {
                #[doc = concat!("The [`", stringify!($parent), "`] this resource belongs to.")]
                pub fn parent(&self) -> $parent {
                    self.as_borrowed().parent().into_owned()
                }
            }
        )?
    };
}

resource_name! {
    /// A Channel Services partner account, reseller or distributor; most
    /// other names live under one.
    Account, AccountRef: "accounts/{account}" {
        "accounts" => account,
    }
}

const CUSTOMER_COLLECTIONS: [&str; 2] = ["accounts", "customers"];
const PARTNER_CUSTOMER_COLLECTIONS: [&str; 3] = ["accounts", "channelPartnerLinks", "customers"];

/// A customer of a reseller: either the account's own customer
/// ([`Customer::PATTERN`]) or, as a distributor sees it, a customer of one of
/// its channel partners ([`Customer::CHANNEL_PARTNER_PATTERN`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Customer {
    account: String,
    channel_partner_link: Option<String>,
    customer: String,
}

/// A borrowed [`Customer`], pointing into the parsed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CustomerRef<'a> {
    account: &'a str,
    channel_partner_link: Option<&'a str>,
    customer: &'a str,
}

impl Customer {
    /// The pattern of an account's own customers.
    pub const PATTERN: &'static str = "accounts/{account}/customers/{customer}";

    /// The pattern of a channel partner's customers, as their distributor
    /// names them.
    pub const CHANNEL_PARTNER_PATTERN: &'static str =
        "accounts/{account}/channelPartnerLinks/{channel_partner_link}/customers/{customer}";

    /// Builds the name of an account's own customer, rejecting values that
    /// are empty or hold a `/`, whitespace or a control character.
    pub fn new(account: impl Into<String>, customer: impl Into<String>) -> Result<Self, NameError> {
        let name = Self {
            account: account.into(),
            channel_partner_link: None,
            customer: customer.into(),
        };
        validate(
            Self::PATTERN,
            CUSTOMER_COLLECTIONS,
            [&name.account, &name.customer],
        )?;
        Ok(name)
    }

    /// Builds the name of a channel partner's customer under the
    /// distributor's account, with the same checks as [`Customer::new`].
    pub fn for_channel_partner(
        account: impl Into<String>,
        channel_partner_link: impl Into<String>,
        customer: impl Into<String>,
    ) -> Result<Self, NameError> {
        let account = account.into();
        let link = channel_partner_link.into();
        let customer = customer.into();
        validate(
            Self::CHANNEL_PARTNER_PATTERN,
            PARTNER_CUSTOMER_COLLECTIONS,
            [&account, &link, &customer],
        )?;
        Ok(Self {
            account,
            channel_partner_link: Some(link),
            customer,
        })
    }

    /// Parses either form without allocating; the result borrows from `s`.
    pub fn parse(s: &str) -> Result<CustomerRef<'_>, NameError> {
        CustomerRef::parse(s)
    }

    /// Views this name as its borrowed form.
    pub fn as_borrowed(&self) -> CustomerRef<'_> {
        CustomerRef {
            account: &self.account,
            channel_partner_link: self.channel_partner_link.as_deref(),
            customer: &self.customer,
        }
    }

    /// The `{account}` value: the reseller, or the distributor in the
    /// channel-partner form.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The `{channel_partner_link}` value, present only in the
    /// channel-partner form.
    pub fn channel_partner_link(&self) -> Option<&str> {
        self.channel_partner_link.as_deref()
    }

    /// The `{customer}` value.
    pub fn customer(&self) -> &str {
        &self.customer
    }

    /// The account or channel partner link the customer belongs to.
    pub fn parent(&self) -> CustomerParent {
        self.as_borrowed().parent().into_owned()
    }
}

impl<'a> CustomerRef<'a> {
    /// Parses `s` as either customer pattern without allocating; the third
    /// segment decides which pattern applies and is reported in errors.
    pub fn parse(s: &'a str) -> Result<Self, NameError> {
        if is_channel_partner_form(s) {
            let [account, link, customer] = split_pattern(
                s,
                Customer::CHANNEL_PARTNER_PATTERN,
                PARTNER_CUSTOMER_COLLECTIONS,
            )?;
            Ok(Self {
                account,
                channel_partner_link: Some(link),
                customer,
            })
        } else {
            let [account, customer] = split_pattern(s, Customer::PATTERN, CUSTOMER_COLLECTIONS)?;
            Ok(Self {
                account,
                channel_partner_link: None,
                customer,
            })
        }
    }

    /// The `{account}` value: the reseller, or the distributor in the
    /// channel-partner form.
    pub fn account(self) -> &'a str {
        self.account
    }

    /// The `{channel_partner_link}` value, present only in the
    /// channel-partner form.
    pub fn channel_partner_link(self) -> Option<&'a str> {
        self.channel_partner_link
    }

    /// The `{customer}` value.
    pub fn customer(self) -> &'a str {
        self.customer
    }

    /// The account or channel partner link the customer belongs to.
    pub fn parent(self) -> CustomerParentRef<'a> {
        match self.channel_partner_link {
            None => CustomerParentRef::Account(AccountRef {
                account: self.account,
            }),
            Some(link) => CustomerParentRef::ChannelPartnerLink(ChannelPartnerLinkRef {
                account: self.account,
                channel_partner_link: link,
            }),
        }
    }

    /// Copies the values into an owned name.
    pub fn into_owned(self) -> Customer {
        Customer {
            account: self.account.to_owned(),
            channel_partner_link: self.channel_partner_link.map(str::to_owned),
            customer: self.customer.to_owned(),
        }
    }

    /// Same as `into_owned`; it shadows `ToOwned::to_owned`, which would only
    /// copy the borrowed form.
    #[allow(clippy::wrong_self_convention)]
    pub fn to_owned(&self) -> Customer {
        self.into_owned()
    }
}

/// Whether the third segment of `s` is `channelPartnerLinks`, which tells
/// the two customer forms apart.
fn is_channel_partner_form(s: &str) -> bool {
    if let Some((_, rest)) = s.split_once('/')
        && let Some((_, rest)) = rest.split_once('/')
    {
        rest.strip_prefix("channelPartnerLinks")
            .is_some_and(|tail| tail.is_empty() || tail.starts_with('/'))
    } else {
        false
    }
}

impl fmt::Display for CustomerRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.channel_partner_link {
            None => write_name(f, CUSTOMER_COLLECTIONS, [self.account, self.customer]),
            Some(link) => write_name(
                f,
                PARTNER_CUSTOMER_COLLECTIONS,
                [self.account, link, self.customer],
            ),
        }
    }
}

impl fmt::Display for Customer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_borrowed(), f)
    }
}

impl FromStr for Customer {
    type Err = NameError;

    fn from_str(s: &str) -> Result<Self, NameError> {
        CustomerRef::parse(s).map(CustomerRef::into_owned)
    }
}

impl TryFrom<&str> for Customer {
    type Error = NameError;

    fn try_from(s: &str) -> Result<Self, NameError> {
        s.parse()
    }
}

impl<'a> TryFrom<&'a str> for CustomerRef<'a> {
    type Error = NameError;

    fn try_from(s: &'a str) -> Result<Self, NameError> {
        Self::parse(s)
    }
}

impl From<CustomerRef<'_>> for Customer {
    fn from(name: CustomerRef<'_>) -> Self {
        name.into_owned()
    }
}

/// The parent of a [`Customer`], which depends on the form of its name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CustomerParent {
    /// The account that has the customer as its own.
    Account(Account),
    /// The distributor's link to the channel partner that has the customer.
    ChannelPartnerLink(ChannelPartnerLink),
}

/// A borrowed [`CustomerParent`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CustomerParentRef<'a> {
    /// The account that has the customer as its own.
    Account(AccountRef<'a>),
    /// The distributor's link to the channel partner that has the customer.
    ChannelPartnerLink(ChannelPartnerLinkRef<'a>),
}

impl CustomerParentRef<'_> {
    /// Copies the values into an owned parent.
    pub fn into_owned(self) -> CustomerParent {
        match self {
            Self::Account(account) => CustomerParent::Account(account.into_owned()),
            Self::ChannelPartnerLink(link) => CustomerParent::ChannelPartnerLink(link.into_owned()),
        }
    }
}

impl From<CustomerParentRef<'_>> for CustomerParent {
    fn from(parent: CustomerParentRef<'_>) -> Self {
        parent.into_owned()
    }
}

impl fmt::Display for CustomerParentRef<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Account(account) => fmt::Display::fmt(account, f),
            Self::ChannelPartnerLink(link) => fmt::Display::fmt(link, f),
        }
    }
}

impl fmt::Display for CustomerParent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Account(account) => fmt::Display::fmt(account, f),
            Self::ChannelPartnerLink(link) => fmt::Display::fmt(link, f),
        }
    }
}

resource_name! {
    /// A customer's subscription to an offer, such as a Google Workspace
    /// plan with its seats.
    Entitlement, EntitlementRef:
        "accounts/{account}/customers/{customer}/entitlements/{entitlement}" {
        "accounts" => account,
        "customers" => customer,
        "entitlements" => entitlement,
    }
    parent: Customer
}

impl<'a> EntitlementRef<'a> {
    /// The customer that holds the entitlement.
    pub fn parent(self) -> CustomerRef<'a> {
        CustomerRef {
            account: self.account,
            channel_partner_link: None,
            customer: self.customer,
        }
    }
}

resource_name! {
    /// An offer: a product with a price plan that the account can sell.
    Offer, OfferRef: "accounts/{account}/offers/{offer}" {
        "accounts" => account,
        "offers" => offer,
    }
    parent: Account
}

impl<'a> OfferRef<'a> {
    /// The account the offer is made to.
    pub fn parent(self) -> AccountRef<'a> {
        AccountRef {
            account: self.account,
        }
    }
}

resource_name! {
    /// A product of the Channel catalog, such as a Google Workspace edition.
    Product, ProductRef: "products/{product}" {
        "products" => product,
    }
}

resource_name! {
    /// A SKU: one purchasable variant of a product.
    Sku, SkuRef: "products/{product}/skus/{sku}" {
        "products" => product,
        "skus" => sku,
    }
    parent: Product
}

impl<'a> SkuRef<'a> {
    /// The product the SKU is a variant of.
    pub fn parent(self) -> ProductRef<'a> {
        ProductRef {
            product: self.product,
        }
    }
}

resource_name! {
    /// A distributor's link to a reseller (channel partner) it serves.
    ChannelPartnerLink, ChannelPartnerLinkRef:
        "accounts/{account}/channelPartnerLinks/{channel_partner_link}" {
        "accounts" => account,
        "channelPartnerLinks" => channel_partner_link,
    }
    parent: Account
}

impl<'a> ChannelPartnerLinkRef<'a> {
    /// The distributor account that holds the link.
    pub fn parent(self) -> AccountRef<'a> {
        AccountRef {
            account: self.account,
        }
    }
}

resource_name! {
    /// A repricing rule that adjusts what one customer is billed.
    CustomerRepricingConfig, CustomerRepricingConfigRef:
        "accounts/{account}/customers/{customer}/customerRepricingConfigs/{customer_repricing_config}" {
        "accounts" => account,
        "customers" => customer,
        "customerRepricingConfigs" => customer_repricing_config,
    }
    parent: Customer
}

impl<'a> CustomerRepricingConfigRef<'a> {
    /// The customer the rule applies to.
    pub fn parent(self) -> CustomerRef<'a> {
        CustomerRef {
            account: self.account,
            channel_partner_link: None,
            customer: self.customer,
        }
    }
}

resource_name! {
    /// A repricing rule that a distributor applies to what a channel
    /// partner is billed.
    ChannelPartnerRepricingConfig, ChannelPartnerRepricingConfigRef:
        "accounts/{account}/channelPartnerLinks/{channel_partner}/channelPartnerRepricingConfigs/{channel_partner_repricing_config}" {
        "accounts" => account,
        "channelPartnerLinks" => channel_partner,
        "channelPartnerRepricingConfigs" => channel_partner_repricing_config,
    }
    parent: ChannelPartnerLink
}

impl<'a> ChannelPartnerRepricingConfigRef<'a> {
    /// The channel partner link the rule applies to.
    pub fn parent(self) -> ChannelPartnerLinkRef<'a> {
        ChannelPartnerLinkRef {
            account: self.account,
            channel_partner_link: self.channel_partner,
        }
    }
}

resource_name! {
    /// A named group of SKUs, used to scope repricing and reports.
    SkuGroup, SkuGroupRef: "accounts/{account}/skuGroups/{sku_group}" {
        "accounts" => account,
        "skuGroups" => sku_group,
    }
    parent: Account
}

impl<'a> SkuGroupRef<'a> {
    /// The account that can see the group.
    pub fn parent(self) -> AccountRef<'a> {
        AccountRef {
            account: self.account,
        }
    }
}

resource_name! {
    /// A billing account of a partner with Google, charged for its
    /// customers' purchases.
    BillingAccount, BillingAccountRef: "accounts/{account}/billingAccounts/{billing_account}" {
        "accounts" => account,
        "billingAccounts" => billing_account,
    }
    parent: Account
}

impl<'a> BillingAccountRef<'a> {
    /// The partner account that owns the billing account.
    pub fn parent(self) -> AccountRef<'a> {
        AccountRef {
            account: self.account,
        }
    }
}

resource_name! {
    /// A kind of report the account can run.
    Report, ReportRef: "accounts/{account}/reports/{report}" {
        "accounts" => account,
        "reports" => report,
    }
    parent: Account
}

impl<'a> ReportRef<'a> {
    /// The account that can run the report.
    pub fn parent(self) -> AccountRef<'a> {
        AccountRef {
            account: self.account,
        }
    }
}

resource_name! {
    /// One run of a report, whose rows can be fetched once it completes.
    ReportJob, ReportJobRef: "accounts/{account}/reportJobs/{report_job}" {
        "accounts" => account,
        "reportJobs" => report_job,
    }
    parent: Account
}

impl<'a> ReportJobRef<'a> {
    /// The account that started the run.
    pub fn parent(self) -> AccountRef<'a> {
        AccountRef {
            account: self.account,
        }
    }
}

resource_name! {
    /// A long-running operation returned by a mutating call; poll it by this
    /// name until it is done.
    Operation, OperationRef: "operations/{operation}" {
        "operations" => operation,
    }
}

resource_name! {
    /// A Cloud Billing account, which some requests refer to from outside
    /// the Channel API.
    CloudBillingAccount, CloudBillingAccountRef: "billingAccounts/{billing_account}" {
        "billingAccounts" => billing_account,
    }
}

resource_name! {
    /// A Resource Manager folder.
    Folder, FolderRef: "folders/{folder}" {
        "folders" => folder,
    }
}

resource_name! {
    /// A Google Cloud organization.
    Organization, OrganizationRef: "organizations/{organization}" {
        "organizations" => organization,
    }
}

resource_name! {
    /// A Google Cloud project.
    Project, ProjectRef: "projects/{project}" {
        "projects" => project,
    }
}

resource_name! {
    /// A location (such as a region) within a Google Cloud project.
    Location, LocationRef: "projects/{project}/locations/{location}" {
        "projects" => project,
        "locations" => location,
    }
    parent: Project
}

impl<'a> LocationRef<'a> {
    /// The project the location belongs to.
    pub fn parent(self) -> ProjectRef<'a> {
        ProjectRef {
            project: self.project,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of<T: fmt::Debug>(result: Result<T, NameError>) -> NameErrorKind {
        result.unwrap_err().kind()
    }

    #[test]
    fn to_string_makes_its_string_at_the_exact_size_in_one_go() {
        let s = "accounts/C01abc23/customers/S9x7Kq2w/entitlements/E0000042";
        let text = s.parse::<Entitlement>().unwrap().to_string();
        assert_eq!(text, s);
        // A string grown piece by piece ends with spare room.
        assert_eq!(text.capacity(), s.len());
        let customer = "accounts/A/channelPartnerLinks/L/customers/C";
        let text = customer.parse::<Customer>().unwrap().to_string();
        assert_eq!((text.as_str(), text.capacity()), (customer, customer.len()));
    }

    #[test]
    fn owned_names_order_and_debug_print_value_by_value() {
        // As text `accounts/A-B/...` sorts before `accounts/A/...` ('-' < '/');
        // value by value, `A` comes first, as it did when the values were kept apart.
        let short = Entitlement::new("A", "C", "E").unwrap();
        let long = Entitlement::new("A-B", "C", "E").unwrap();
        assert!(short < long);
        assert_eq!(
            short.cmp(&long),
            short.as_borrowed().cmp(&long.as_borrowed())
        );
        assert_eq!(
            format!("{short:?}"),
            r#"Entitlement { account: "A", customer: "C", entitlement: "E" }"#
        );
        assert_eq!(
            (short.account(), short.customer(), short.entitlement()),
            ("A", "C", "E")
        );
    }

    #[test]
    fn names_around_and_past_the_stack_buffer_print_whole() {
        let fixed = "accounts/A/customers/C/entitlements/".len();
        for len in [
            STACK_NAME - fixed - 1,
            STACK_NAME - fixed,
            STACK_NAME - fixed + 1,
            300,
        ] {
            let id = "é".repeat(len / 2) + &"x".repeat(len % 2);
            let name = Entitlement::new("A", "C", id.as_str()).unwrap();
            let expected = format!("accounts/A/customers/C/entitlements/{id}");
            assert_eq!(name.to_string(), expected);
            assert_eq!(format!("{}", name.as_borrowed()), expected);
        }
    }

    #[test]
    fn account_round_trip() {
        let name = Account::parse("accounts/C01").unwrap();
        assert_eq!(name.account(), "C01");
        assert_eq!(name.to_string(), "accounts/C01");
        let owned: Account = "accounts/C01".parse().unwrap();
        assert_eq!(owned.account(), "C01");
        assert_eq!(owned, Account::new("C01").unwrap());
        assert_eq!(owned.to_string(), "accounts/C01");
        assert_eq!(owned.as_borrowed(), name);
    }

    #[test]
    fn customer_plain_form() {
        let s = "accounts/C01/customers/S02";
        let name = Customer::parse(s).unwrap();
        assert_eq!(name.account(), "C01");
        assert_eq!(name.channel_partner_link(), None);
        assert_eq!(name.customer(), "S02");
        assert_eq!(name.to_string(), s);
        assert_eq!(
            name.parent(),
            CustomerParentRef::Account(Account::parse("accounts/C01").unwrap())
        );
        assert_eq!(name.parent().to_string(), "accounts/C01");

        let owned: Customer = s.parse().unwrap();
        assert_eq!(owned, Customer::new("C01", "S02").unwrap());
        assert_eq!(owned.account(), "C01");
        assert_eq!(owned.channel_partner_link(), None);
        assert_eq!(owned.customer(), "S02");
        assert_eq!(owned.to_string(), s);
        assert_eq!(
            owned.parent(),
            CustomerParent::Account(Account::new("C01").unwrap())
        );
        assert_eq!(owned.parent().to_string(), "accounts/C01");
    }

    #[test]
    fn customer_channel_partner_form() {
        let s = "accounts/D01/channelPartnerLinks/L02/customers/S03";
        let name = Customer::parse(s).unwrap();
        assert_eq!(name.account(), "D01");
        assert_eq!(name.channel_partner_link(), Some("L02"));
        assert_eq!(name.customer(), "S03");
        assert_eq!(name.to_string(), s);
        let link = ChannelPartnerLink::parse("accounts/D01/channelPartnerLinks/L02").unwrap();
        assert_eq!(name.parent(), CustomerParentRef::ChannelPartnerLink(link));
        assert_eq!(
            name.parent().to_string(),
            "accounts/D01/channelPartnerLinks/L02"
        );

        let owned: Customer = s.parse().unwrap();
        assert_eq!(
            owned,
            Customer::for_channel_partner("D01", "L02", "S03").unwrap()
        );
        assert_eq!(owned.channel_partner_link(), Some("L02"));
        assert_eq!(owned.to_string(), s);
        assert_eq!(
            owned.parent(),
            CustomerParent::ChannelPartnerLink(ChannelPartnerLink::new("D01", "L02").unwrap())
        );
        assert_ne!(owned, Customer::new("D01", "S03").unwrap());
    }

    #[test]
    fn customer_channel_partner_form_errors_use_its_pattern() {
        let err = Customer::parse("accounts/D01/channelPartnerLinks/L02").unwrap_err();
        assert_eq!(err.pattern(), Customer::CHANNEL_PARTNER_PATTERN);
        assert_eq!(err.kind(), NameErrorKind::MissingSegment);
        assert_eq!(err.segment(), 4);

        let err = Customer::parse("accounts/D01/channelPartnerLinks/L02/customer/S03").unwrap_err();
        assert_eq!(err.pattern(), Customer::CHANNEL_PARTNER_PATTERN);
        assert_eq!(
            err.kind(),
            NameErrorKind::WrongCollection {
                expected: "customers"
            }
        );

        let err = Customer::parse("accounts/D01/channelPartnerLink/L02/customers/S03").unwrap_err();
        assert_eq!(err.pattern(), Customer::PATTERN);
        assert_eq!(
            err.kind(),
            NameErrorKind::WrongCollection {
                expected: "customers"
            }
        );
        assert_eq!(err.segment(), 2);

        let err = Customer::for_channel_partner("D01", "", "S03").unwrap_err();
        assert_eq!(err.pattern(), Customer::CHANNEL_PARTNER_PATTERN);
        assert_eq!(err.kind(), NameErrorKind::EmptySegment);
        assert_eq!(err.segment(), 3);
        assert_eq!(err.offset(), "accounts/D01/channelPartnerLinks/".len());
    }

    #[test]
    fn entitlement_round_trip_and_parent() {
        let s = "accounts/C01/customers/S02/entitlements/E03";
        let name = Entitlement::parse(s).unwrap();
        assert_eq!(name.account(), "C01");
        assert_eq!(name.customer(), "S02");
        assert_eq!(name.entitlement(), "E03");
        assert_eq!(name.to_string(), s);
        assert_eq!(
            name.parent(),
            Customer::parse("accounts/C01/customers/S02").unwrap()
        );

        let owned = name.into_owned();
        assert_eq!(owned, Entitlement::new("C01", "S02", "E03").unwrap());
        assert_eq!(owned.entitlement(), "E03");
        assert_eq!(owned.to_string(), s);
        assert_eq!(owned.parent(), Customer::new("C01", "S02").unwrap());
    }

    #[test]
    fn offer_round_trip_and_parent() {
        let s = "accounts/C01/offers/O-2";
        let name = Offer::parse(s).unwrap();
        assert_eq!(name.account(), "C01");
        assert_eq!(name.offer(), "O-2");
        assert_eq!(name.to_string(), s);
        assert_eq!(name.parent().account(), "C01");
        let owned: Offer = s.parse().unwrap();
        assert_eq!(owned.parent(), Account::new("C01").unwrap());
        assert_eq!(owned.to_string(), s);
    }

    #[test]
    fn product_and_sku() {
        let product = Product::parse("products/P1").unwrap();
        assert_eq!(product.product(), "P1");
        assert_eq!(product.to_string(), "products/P1");

        let s = "products/P1/skus/K2";
        let sku = Sku::parse(s).unwrap();
        assert_eq!(sku.product(), "P1");
        assert_eq!(sku.sku(), "K2");
        assert_eq!(sku.to_string(), s);
        assert_eq!(sku.parent(), product);
        let owned = Sku::new("P1", "K2").unwrap();
        assert_eq!(owned.to_string(), s);
        assert_eq!(owned.parent(), Product::new("P1").unwrap());
    }

    #[test]
    fn channel_partner_link_round_trip_and_parent() {
        let s = "accounts/D01/channelPartnerLinks/L02";
        let name = ChannelPartnerLink::parse(s).unwrap();
        assert_eq!(name.account(), "D01");
        assert_eq!(name.channel_partner_link(), "L02");
        assert_eq!(name.to_string(), s);
        assert_eq!(name.parent().to_string(), "accounts/D01");
        let owned = ChannelPartnerLink::new("D01", "L02").unwrap();
        assert_eq!(owned.to_string(), s);
        assert_eq!(owned.parent(), Account::new("D01").unwrap());
    }

    #[test]
    fn customer_repricing_config_round_trip_and_parent() {
        let s = "accounts/C01/customers/S02/customerRepricingConfigs/R03";
        let name = CustomerRepricingConfig::parse(s).unwrap();
        assert_eq!(name.account(), "C01");
        assert_eq!(name.customer(), "S02");
        assert_eq!(name.customer_repricing_config(), "R03");
        assert_eq!(name.to_string(), s);
        assert_eq!(name.parent().to_string(), "accounts/C01/customers/S02");
        let owned = CustomerRepricingConfig::new("C01", "S02", "R03").unwrap();
        assert_eq!(owned.to_string(), s);
        assert_eq!(owned.parent(), Customer::new("C01", "S02").unwrap());
    }

    #[test]
    fn channel_partner_repricing_config_round_trip_and_parent() {
        let s = "accounts/D01/channelPartnerLinks/L02/channelPartnerRepricingConfigs/R03";
        let name = ChannelPartnerRepricingConfig::parse(s).unwrap();
        assert_eq!(name.account(), "D01");
        assert_eq!(name.channel_partner(), "L02");
        assert_eq!(name.channel_partner_repricing_config(), "R03");
        assert_eq!(name.to_string(), s);
        assert_eq!(name.parent().channel_partner_link(), "L02");
        assert_eq!(
            name.parent().to_string(),
            "accounts/D01/channelPartnerLinks/L02"
        );
        let owned = ChannelPartnerRepricingConfig::new("D01", "L02", "R03").unwrap();
        assert_eq!(owned.to_string(), s);
        assert_eq!(
            owned.parent(),
            ChannelPartnerLink::new("D01", "L02").unwrap()
        );
    }

    #[test]
    fn account_children_round_trip_and_parent() {
        let sku_group = SkuGroup::parse("accounts/A/skuGroups/G").unwrap();
        assert_eq!((sku_group.account(), sku_group.sku_group()), ("A", "G"));
        assert_eq!(sku_group.to_string(), "accounts/A/skuGroups/G");
        assert_eq!(sku_group.parent().account(), "A");
        assert_eq!(
            SkuGroup::new("A", "G").unwrap().parent(),
            Account::new("A").unwrap()
        );

        let billing = BillingAccount::parse("accounts/A/billingAccounts/B").unwrap();
        assert_eq!((billing.account(), billing.billing_account()), ("A", "B"));
        assert_eq!(billing.to_string(), "accounts/A/billingAccounts/B");
        assert_eq!(billing.parent().account(), "A");
        assert_eq!(
            BillingAccount::new("A", "B").unwrap().parent(),
            Account::new("A").unwrap()
        );

        let report = Report::parse("accounts/A/reports/R").unwrap();
        assert_eq!((report.account(), report.report()), ("A", "R"));
        assert_eq!(report.to_string(), "accounts/A/reports/R");
        assert_eq!(report.parent().account(), "A");
        assert_eq!(
            Report::new("A", "R").unwrap().parent(),
            Account::new("A").unwrap()
        );

        let job = ReportJob::parse("accounts/A/reportJobs/J").unwrap();
        assert_eq!((job.account(), job.report_job()), ("A", "J"));
        assert_eq!(job.to_string(), "accounts/A/reportJobs/J");
        assert_eq!(job.parent().account(), "A");
        assert_eq!(
            ReportJob::new("A", "J").unwrap().parent(),
            Account::new("A").unwrap()
        );
    }

    #[test]
    fn operation_round_trip() {
        let s = "operations/f1c2a3b4-0000-4d5e-9f00-123456789abc";
        let name = Operation::parse(s).unwrap();
        assert_eq!(name.operation(), "f1c2a3b4-0000-4d5e-9f00-123456789abc");
        assert_eq!(name.to_string(), s);
        assert_eq!(s.parse::<Operation>().unwrap().to_string(), s);
    }

    #[test]
    fn common_names_round_trip() {
        let billing = CloudBillingAccount::parse("billingAccounts/0123AB-CDEF45-678901").unwrap();
        assert_eq!(billing.billing_account(), "0123AB-CDEF45-678901");
        assert_eq!(billing.to_string(), "billingAccounts/0123AB-CDEF45-678901");

        let folder = Folder::parse("folders/123").unwrap();
        assert_eq!(folder.folder(), "123");
        assert_eq!(folder.to_string(), "folders/123");

        let org = Organization::parse("organizations/456").unwrap();
        assert_eq!(org.organization(), "456");
        assert_eq!(org.to_string(), "organizations/456");

        let project = Project::parse("projects/my-project").unwrap();
        assert_eq!(project.project(), "my-project");
        assert_eq!(project.to_string(), "projects/my-project");

        let location = Location::parse("projects/my-project/locations/us-central1").unwrap();
        assert_eq!(location.project(), "my-project");
        assert_eq!(location.location(), "us-central1");
        assert_eq!(
            location.to_string(),
            "projects/my-project/locations/us-central1"
        );
        assert_eq!(location.parent(), project);
        assert_eq!(
            Location::new("my-project", "us-central1").unwrap().parent(),
            Project::new("my-project").unwrap()
        );
    }

    /// Parsing a pattern's own text must give back each `{field}` as its
    /// value, which ties every `PATTERN` to the collection words in code.
    #[test]
    fn patterns_agree_with_parsers() {
        fn check<'a, T: fmt::Display>(
            pattern: &'a str,
            parse: fn(&'a str) -> Result<T, NameError>,
        ) {
            let name = parse(pattern).unwrap();
            assert_eq!(name.to_string(), pattern);
        }
        check(Account::PATTERN, Account::parse);
        check(Customer::PATTERN, Customer::parse);
        check(Customer::CHANNEL_PARTNER_PATTERN, Customer::parse);
        check(Entitlement::PATTERN, Entitlement::parse);
        check(Offer::PATTERN, Offer::parse);
        check(Product::PATTERN, Product::parse);
        check(Sku::PATTERN, Sku::parse);
        check(ChannelPartnerLink::PATTERN, ChannelPartnerLink::parse);
        check(
            CustomerRepricingConfig::PATTERN,
            CustomerRepricingConfig::parse,
        );
        check(
            ChannelPartnerRepricingConfig::PATTERN,
            ChannelPartnerRepricingConfig::parse,
        );
        check(SkuGroup::PATTERN, SkuGroup::parse);
        check(BillingAccount::PATTERN, BillingAccount::parse);
        check(Report::PATTERN, Report::parse);
        check(ReportJob::PATTERN, ReportJob::parse);
        check(Operation::PATTERN, Operation::parse);
        check(CloudBillingAccount::PATTERN, CloudBillingAccount::parse);
        check(Folder::PATTERN, Folder::parse);
        check(Organization::PATTERN, Organization::parse);
        check(Project::PATTERN, Project::parse);
        check(Location::PATTERN, Location::parse);

        let name =
            ChannelPartnerRepricingConfig::parse(ChannelPartnerRepricingConfig::PATTERN).unwrap();
        assert_eq!(name.account(), "{account}");
        assert_eq!(name.channel_partner(), "{channel_partner}");
        assert_eq!(
            name.channel_partner_repricing_config(),
            "{channel_partner_repricing_config}"
        );
        let name = Customer::parse(Customer::CHANNEL_PARTNER_PATTERN).unwrap();
        assert_eq!(name.channel_partner_link(), Some("{channel_partner_link}"));
    }

    #[test]
    fn rejects_empty_input() {
        let err = Customer::parse("").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::Empty);
        assert_eq!((err.segment(), err.offset()), (0, 0));
        assert_eq!(kind_of(Account::parse("")), NameErrorKind::Empty);
        assert_eq!(kind_of("".parse::<Location>()), NameErrorKind::Empty);
    }

    #[test]
    fn rejects_empty_segments() {
        let err = Customer::parse("accounts//customers/x").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::EmptySegment);
        assert_eq!((err.segment(), err.offset()), (1, 9));

        let err = Customer::parse("accounts/a/customers/b/").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::EmptySegment);
        assert_eq!((err.segment(), err.offset()), (4, 23));

        let err = Customer::parse("accounts/a/customers/").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::EmptySegment);
        assert_eq!((err.segment(), err.offset()), (3, 21));

        let err = Customer::parse("/accounts/a/customers/b").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::EmptySegment);
        assert_eq!((err.segment(), err.offset()), (0, 0));

        let err = Customer::parse("accounts/a//customers/b").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::EmptySegment);
        assert_eq!((err.segment(), err.offset()), (2, 11));

        assert_eq!(kind_of(Account::parse("/")), NameErrorKind::EmptySegment);
        assert_eq!(
            kind_of(Account::parse("accounts/")),
            NameErrorKind::EmptySegment
        );
        assert_eq!(
            kind_of(Account::parse("accounts/a/")),
            NameErrorKind::EmptySegment
        );
    }

    #[test]
    fn rejects_missing_segments() {
        let err = Customer::parse("accounts/a/customers").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::MissingSegment);
        assert_eq!((err.segment(), err.offset()), (3, 20));

        let err = Customer::parse("accounts/a").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::MissingSegment);
        assert_eq!((err.segment(), err.offset()), (2, 10));

        assert_eq!(
            kind_of(Account::parse("accounts")),
            NameErrorKind::MissingSegment
        );
        assert_eq!(
            kind_of(Entitlement::parse("accounts/a/customers/b")),
            NameErrorKind::MissingSegment
        );
    }

    #[test]
    fn rejects_extra_segments() {
        let err = Customer::parse("accounts/a/customers/b/x").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::ExtraSegment);
        assert_eq!((err.segment(), err.offset()), (4, 23));

        assert_eq!(
            kind_of(Account::parse("accounts/a/customers/b")),
            NameErrorKind::ExtraSegment
        );
        assert_eq!(
            kind_of(Product::parse("products/p/skus/s")),
            NameErrorKind::ExtraSegment
        );
    }

    #[test]
    fn rejects_wrong_collection_words() {
        let err = Account::parse("account/a").unwrap_err();
        assert_eq!(
            err.kind(),
            NameErrorKind::WrongCollection {
                expected: "accounts"
            }
        );
        assert_eq!((err.segment(), err.offset()), (0, 0));

        assert_eq!(
            kind_of(Account::parse("Accounts/a")),
            NameErrorKind::WrongCollection {
                expected: "accounts"
            }
        );

        let err = Customer::parse("accounts/a/customer/b").unwrap_err();
        assert_eq!(
            err.kind(),
            NameErrorKind::WrongCollection {
                expected: "customers"
            }
        );
        assert_eq!((err.segment(), err.offset()), (2, 11));

        assert_eq!(
            kind_of(Sku::parse("products/p/SKUS/s")),
            NameErrorKind::WrongCollection { expected: "skus" }
        );
        assert_eq!(
            kind_of(Project::parse("folders/1")),
            NameErrorKind::WrongCollection {
                expected: "projects"
            }
        );
    }

    #[test]
    fn rejects_whitespace_and_control_characters() {
        let err = Customer::parse("accounts/a/customers/b c").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::InvalidCharacter);
        assert_eq!((err.segment(), err.offset()), (3, 22));

        for bad in [
            "accounts/a\t",
            "accounts/\na",
            "accounts/a\r",
            "accounts/a\u{0}",
            "accounts/a\u{7f}",
            "accounts/a\u{85}b",
            "accounts/\u{a0}",
            "accounts/ab\u{2028}",
            "accounts/é\u{3000}",
        ] {
            assert_eq!(
                kind_of(Account::parse(bad)),
                NameErrorKind::InvalidCharacter,
                "{bad:?}"
            );
        }

        let err = Account::parse("accounts/é\u{3000}").unwrap_err();
        assert_eq!(err.offset(), "accounts/é".len());
    }

    #[test]
    fn rejects_dot_and_dot_dot_values_that_a_url_would_collapse() {
        let err = Customer::parse("accounts/A/customers/..").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::DotSegment);
        assert_eq!((err.segment(), err.offset()), (3, 21));
        for bad in [
            "accounts/./customers/C",
            "accounts/../customers/C",
            "accounts/A/channelPartnerLinks/../customers/C",
        ] {
            assert_eq!(
                kind_of(Customer::parse(bad)),
                NameErrorKind::DotSegment,
                "{bad}"
            );
        }
        assert_eq!(
            kind_of(Operation::parse("operations/..")),
            NameErrorKind::DotSegment
        );
        // A name that climbs out of its collection is refused at the climb.
        let err = Operation::parse("operations/../accounts/A/customers/C").unwrap_err();
        assert_eq!((err.kind(), err.segment()), (NameErrorKind::DotSegment, 1));
        assert_eq!(kind_of(Account::new("..")), NameErrorKind::DotSegment);
        assert_eq!(
            kind_of(Customer::for_channel_partner("A", ".", "C")),
            NameErrorKind::DotSegment
        );
        // Dots inside a longer value are ordinary characters.
        for id in ["...", ".a", "a..", ".-."] {
            assert_eq!(Account::new(id).unwrap().account(), id);
        }
    }

    #[test]
    fn accepts_opaque_ids() {
        for id in ["a-b_c.d~e@f%20", "*", "ÄÖü", "{x}", "0", "C0123abc=="] {
            let name = Account::new(id).unwrap();
            assert_eq!(name.account(), id);
            let text = format!("accounts/{id}");
            assert_eq!(name.to_string(), text);
            assert_eq!(Account::parse(&text).unwrap().account(), id);
        }
    }

    #[test]
    fn constructors_reject_bad_values() {
        let err = Customer::new("a", "b/c").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::InvalidCharacter);
        assert_eq!((err.segment(), err.offset()), (3, 22));
        assert_eq!(err.pattern(), Customer::PATTERN);

        let err = Entitlement::new("a", "", "e").unwrap_err();
        assert_eq!(err.kind(), NameErrorKind::EmptySegment);
        assert_eq!((err.segment(), err.offset()), (3, 21));

        assert_eq!(kind_of(Account::new("")), NameErrorKind::EmptySegment);
        assert_eq!(
            kind_of(Account::new("a/b")),
            NameErrorKind::InvalidCharacter
        );
        assert_eq!(
            kind_of(Account::new("a b")),
            NameErrorKind::InvalidCharacter
        );
        assert_eq!(
            kind_of(Account::new("a\u{1}")),
            NameErrorKind::InvalidCharacter
        );
        assert_eq!(
            kind_of(Customer::for_channel_partner("d", "l/x", "c")),
            NameErrorKind::InvalidCharacter
        );
        assert_eq!(
            kind_of(Location::new(" ", "l")),
            NameErrorKind::InvalidCharacter
        );
    }

    #[test]
    fn error_display_names_the_pattern_and_place() {
        let err = Customer::parse("accounts//customers/x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid resource name: expected accounts/{account}/customers/{customer}: \
             empty segment at segment index 1 (byte 9)"
        );

        let err = Customer::parse("accounts/a/customer/b").unwrap_err();
        let text = err.to_string();
        assert!(text.contains(Customer::PATTERN), "{text}");
        assert!(text.contains("expected `customers`"), "{text}");

        let err = Account::parse("").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid resource name: expected accounts/{account}: the name is empty"
        );

        let err: Box<dyn Error> = Box::new(Sku::parse("products/p").unwrap_err());
        assert!(err.to_string().contains(Sku::PATTERN));
    }

    #[test]
    fn conversions() {
        let name = Entitlement::try_from("accounts/a/customers/b/entitlements/c").unwrap();
        let borrowed = EntitlementRef::try_from("accounts/a/customers/b/entitlements/c").unwrap();
        assert_eq!(Entitlement::from(borrowed), name);
        assert_eq!(borrowed.to_owned(), name);
        assert_eq!(name.as_borrowed(), borrowed);
        assert_eq!(
            kind_of(Entitlement::try_from("accounts/a")),
            NameErrorKind::MissingSegment
        );

        let customer = CustomerRef::try_from("accounts/a/customers/b").unwrap();
        let by_ref: &CustomerRef<'_> = &customer;
        let owned: Customer = by_ref.to_owned();
        assert_eq!(owned, Customer::try_from("accounts/a/customers/b").unwrap());
        assert_eq!(CustomerParent::from(customer.parent()), owned.parent());
    }

    #[test]
    fn ordering_and_hashing_follow_the_values() {
        use std::collections::BTreeSet;
        use std::collections::HashSet;

        let a = Customer::new("a", "1").unwrap();
        let b = Customer::new("a", "2").unwrap();
        let c = Customer::new("b", "0").unwrap();
        let sorted: BTreeSet<_> = [c.clone(), a.clone(), b.clone()].into_iter().collect();
        assert_eq!(sorted.into_iter().collect::<Vec<_>>(), [a.clone(), b, c]);

        let set: HashSet<_> = [
            a.as_borrowed(),
            Customer::parse("accounts/a/customers/1").unwrap(),
        ]
        .into_iter()
        .collect();
        assert_eq!(set.len(), 1);
    }
}
