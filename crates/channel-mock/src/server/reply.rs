//! A REST response message on its way out.
//!
//! Most replies are written straight from the message to JSON bytes, enums
//! as numbers too when `enum-encoding=int` asks (the message writes them so
//! itself). Only when `fields` picks parts of the response is the message
//! first turned into a `serde_json::Value` to work on: building that tree
//! cost several times the writing itself.

use serde::Serialize;
use serde_json::Value;

/// The first allocation for a reply's text, in bytes: an indented
/// `Customer` or `Entitlement` takes about half of it.
const TEXT_CAPACITY: usize = 1024;

/// What the server can do with any response message.
trait Message: Send {
    fn to_bytes(&self, pretty: bool) -> serde_json::Result<Vec<u8>>;
    fn to_value(&self) -> serde_json::Result<Value>;
}

impl<T: Serialize + Send> Message for T {
    fn to_bytes(&self, pretty: bool) -> serde_json::Result<Vec<u8>> {
        // Room for a whole resource at once: growing from serde_json's
        // small start copied the text several times over.
        let mut text = Vec::with_capacity(TEXT_CAPACITY);
        if pretty {
            serde_json::to_writer_pretty(&mut text, self)?;
        } else {
            serde_json::to_writer(&mut text, self)?;
        }
        Ok(text)
    }

    fn to_value(&self) -> serde_json::Result<Value> {
        serde_json::to_value(self)
    }
}

/// A response message of any type, not yet written.
pub(crate) struct Reply(Box<dyn Message>);

impl Reply {
    /// Keeps `message` to be written later.
    pub(crate) fn new<T: Serialize + Send + 'static>(message: T) -> Self {
        Reply(Box::new(message))
    }

    /// The message as JSON text, indented when `pretty`.
    pub(crate) fn to_bytes(&self, pretty: bool) -> serde_json::Result<Vec<u8>> {
        self.0.to_bytes(pretty)
    }

    /// The message as a JSON tree, to be rewritten.
    pub(crate) fn to_value(&self) -> serde_json::Result<Value> {
        self.0.to_value()
    }
}

#[cfg(test)]
mod tests {
    use channel_types::model::Customer;

    use super::*;

    #[test]
    fn a_reply_is_written_in_field_order_with_the_members_of_its_json_tree() {
        let reply = Reply::new(Customer {
            name: "accounts/A1/customers/C1".into(),
            org_display_name: "Example".into(),
            domain: "example.com".into(),
            ..Default::default()
        });
        let text = String::from_utf8(reply.to_bytes(false).unwrap()).unwrap();
        // Field 1 first, as Google's servers write it (a JSON tree would
        // have sorted the members by name).
        assert!(
            text.starts_with(r#"{"name":"accounts/A1/customers/C1""#),
            "{text}"
        );
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, reply.to_value().unwrap());
        let pretty = String::from_utf8(reply.to_bytes(true).unwrap()).unwrap();
        assert!(pretty.contains("\n  \"name\": "), "{pretty}");
    }
}
