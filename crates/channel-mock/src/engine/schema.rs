//! The shape of every message of the API, read once from the descriptor
//! set the types were generated from: what update masks are checked
//! against, and what the REST server walks to pick the fields of a partial
//! response.

use std::collections::HashMap;
use std::sync::OnceLock;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};

/// What a field holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldType {
    /// A message, by full name (no leading dot).
    Message(String),
    /// An enum, by full name.
    Enum(String),
    /// Anything else.
    Scalar,
}

/// One field of a message.
#[derive(Debug, Clone)]
pub(crate) struct Field {
    /// The proto name, e.g. `org_display_name`.
    pub(crate) name: String,
    /// The JSON name, e.g. `orgDisplayName`.
    pub(crate) json_name: String,
    /// What it holds.
    pub(crate) field_type: FieldType,
    /// Whether it is repeated (a map is a repeated entry message).
    pub(crate) repeated: bool,
}

/// Every message of the API and of the types it uses.
#[derive(Debug, Default)]
pub(crate) struct Schema {
    messages: HashMap<String, Vec<Field>>,
}

impl Schema {
    /// The fields of a message, by full name.
    pub(crate) fn fields(&self, message: &str) -> Option<&[Field]> {
        self.messages.get(message).map(Vec::as_slice)
    }
}

/// The schema, built on first use.
pub(crate) fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut schema = Schema::default();
        // The descriptor set is compiled in and checked by channel-types'
        // own tests; were it unreadable, the schema would be empty and every
        // check against it would refuse rather than panic.
        let set = prost_types::FileDescriptorSet::decode(channel_types::FILE_DESCRIPTOR_SET)
            .unwrap_or_default();
        for file in &set.file {
            let package = file.package();
            for message in &file.message_type {
                add_message(&mut schema, package, message);
            }
        }
        schema
    })
}

fn add_message(schema: &mut Schema, scope: &str, message: &prost_types::DescriptorProto) {
    let name = format!("{scope}.{}", message.name());
    let fields = message
        .field
        .iter()
        .map(|f| Field {
            name: f.name().to_string(),
            json_name: f.json_name().to_string(),
            field_type: match f.r#type() {
                Type::Message | Type::Group => {
                    FieldType::Message(f.type_name().trim_start_matches('.').to_string())
                }
                Type::Enum => FieldType::Enum(f.type_name().trim_start_matches('.').to_string()),
                _ => FieldType::Scalar,
            },
            repeated: f.label() == Label::Repeated,
        })
        .collect();
    for nested in &message.nested_type {
        add_message(schema, &name, nested);
    }
    schema.messages.insert(name, fields);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_messages_are_known() {
        let s = schema();
        let customer = s.fields("google.cloud.channel.v1.Customer").unwrap();
        let domain = customer.iter().find(|f| f.name == "domain").unwrap();
        assert_eq!(domain.json_name, "domain");
        let state = customer
            .iter()
            .find(|f| f.name == "customer_attestation_state")
            .unwrap();
        assert_eq!(
            state.field_type,
            FieldType::Enum("google.cloud.channel.v1.Customer.CustomerAttestationState".into())
        );
        assert!(s.fields("google.longrunning.Operation").is_some());
    }
}
