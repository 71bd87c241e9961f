//! Dotted field paths (`customer.name`, `change_offer_purchase.new_sku`) and
//! reading, removing and setting the values they name in a message's proto3
//! JSON form.
//!
//! The JSON serializer writes camelCase names; values are looked up by that
//! name first and by the proto name second, since a hand-written JSON
//! request may use either.

use serde_json::{Map, Value};

/// A dotted path of field names, in both spellings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldPath {
    proto: String,
    json: String,
}

pub(crate) use channel_types::json_name;

impl FieldPath {
    /// A path from its proto spelling, e.g. `customer_repricing_config.name`.
    pub(crate) fn new(proto: &str) -> Self {
        let json = json_name(proto);
        FieldPath {
            proto: proto.to_string(),
            json,
        }
    }

    /// The path with proto names.
    pub(crate) fn proto(&self) -> &str {
        &self.proto
    }

    /// The path with JSON names.
    pub(crate) fn json(&self) -> &str {
        &self.json
    }

    fn steps(&self) -> impl Iterator<Item = (&str, &str)> {
        self.json.split('.').zip(self.proto.split('.'))
    }

    /// The value at this path, if the JSON has one (and it is not `null`).
    pub(crate) fn get<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        let mut at = root;
        for (json, proto) in self.steps() {
            let object = at.as_object()?;
            at = object.get(json).or_else(|| object.get(proto))?;
        }
        (!at.is_null()).then_some(at)
    }

    /// Removes and returns the value at this path.
    pub(crate) fn take(&self, root: &mut Value) -> Option<Value> {
        let steps: Vec<(&str, &str)> = self.steps().collect();
        let (last, parents) = steps.split_last()?;
        let mut at = root;
        for (json, proto) in parents {
            let object = at.as_object_mut()?;
            let key = if object.contains_key(*json) {
                json
            } else {
                proto
            };
            at = object.get_mut(*key)?;
        }
        let object = at.as_object_mut()?;
        let (json, proto) = last;
        let taken = object.remove(*json).or_else(|| object.remove(*proto))?;
        (!taken.is_null()).then_some(taken)
    }

    /// Sets the value at this path (JSON names), creating the objects on
    /// the way. Fails when a value on the way is not an object.
    pub(crate) fn set(&self, root: &mut Map<String, Value>, value: Value) -> Result<(), String> {
        set_json_path(root, &self.json, value)
    }
}

/// Sets `value` at a dotted path of JSON names, creating objects on the way.
pub(crate) fn set_json_path(
    root: &mut Map<String, Value>,
    path: &str,
    value: Value,
) -> Result<(), String> {
    let mut steps = path.split('.').peekable();
    let mut at = root;
    while let Some(step) = steps.next() {
        if steps.peek().is_none() {
            at.insert(step.to_string(), value);
            return Ok(());
        }
        let next = at
            .entry(step.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if next.is_null() {
            *next = Value::Object(Map::new());
        }
        at = next
            .as_object_mut()
            .ok_or_else(|| format!("{step} is not a message, so {path} cannot be set"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_and_paths() {
        assert_eq!(
            json_name("channel_partner_repricing_config"),
            "channelPartnerRepricingConfig"
        );
        assert_eq!(json_name("name"), "name");
        let path = FieldPath::new("customer_repricing_config.name");
        assert_eq!(path.json(), "customerRepricingConfig.name");
        assert_eq!(path.proto(), "customer_repricing_config.name");
    }

    #[test]
    fn get_take_and_set() {
        let path = FieldPath::new("customer_repricing_config.name");
        let mut camel = json!({"customerRepricingConfig": {"name": "n", "x": 1}});
        let snake = json!({"customer_repricing_config": {"name": "s"}});
        assert_eq!(path.get(&camel), Some(&json!("n")));
        assert_eq!(path.get(&snake), Some(&json!("s")));
        assert_eq!(path.get(&json!({"customerRepricingConfig": "oops"})), None);
        assert_eq!(
            path.get(&json!({"customerRepricingConfig": {"name": null}})),
            None
        );
        assert_eq!(path.take(&mut camel), Some(json!("n")));
        assert_eq!(camel, json!({"customerRepricingConfig": {"x": 1}}));
        let mut root = Map::new();
        path.set(&mut root, json!("v")).unwrap();
        assert_eq!(
            Value::Object(root.clone()),
            json!({"customerRepricingConfig": {"name": "v"}})
        );
        let mut blocked = json!({"customerRepricingConfig": 3})
            .as_object()
            .unwrap()
            .clone();
        assert!(path.set(&mut blocked, json!("v")).is_err());
        assert!(set_json_path(&mut root, "a.b.c", json!(true)).is_ok());
        assert_eq!(root["a"]["b"]["c"], json!(true));
    }
}
