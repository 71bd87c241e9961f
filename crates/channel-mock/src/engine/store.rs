//! Where the emulator keeps customers and entitlements: each record as its
//! protobuf encoding, keyed by resource name, decoded when it is read.
//!
//! A decoded `Customer` is a struct sized for every optional field plus a
//! dozen separately allocated strings: about 2 KB resident per record. Its
//! encoding is under 200 bytes. Reads decode one record, which costs about
//! what the clone every read made before did, so the per-call cost stays
//! flat while the emulator holds ten times more records in the same memory.
//!
//! The name is not stored twice: a record whose name is its key is stored
//! without it and gets it back from the key on decode. A record read from a
//! state file under another key keeps its own name, so the file check
//! (`State::check_names`) still sees and refuses it.
//!
//! Keys stay whole resource names, so a collection is a key range and
//! listing order is name order, as before. Lookups that scanned every
//! customer (by domain, by Cloud Identity id) go through small indexes that
//! share the key's allocation.

use std::collections::{BTreeMap, BTreeSet};
use std::marker::PhantomData;
use std::ops::Bound;
use std::sync::Arc;

use channel_types::model::{Customer, Entitlement};
use prost::Message;

/// A message that is stored under its own resource name, field 1.
pub(crate) trait Named: Message + Default {
    /// The resource name.
    fn name(&self) -> &str;
    /// Sets the resource name.
    fn set_name(&mut self, name: String);
}

impl Named for Customer {
    fn name(&self) -> &str {
        &self.name
    }
    fn set_name(&mut self, name: String) {
        self.name = name;
    }
}

impl Named for Entitlement {
    fn name(&self) -> &str {
        &self.name
    }
    fn set_name(&mut self, name: String) {
        self.name = name;
    }
}

/// The first byte of a packed record: the name comes from the key.
const NAME_FROM_KEY: u8 = 0;
/// The first byte of a packed record: the encoding carries the name.
const NAME_INSIDE: u8 = 1;
/// Field 1, length-delimited: how an encoded name starts.
const NAME_TAG: u8 = (1 << 3) | 2;

/// The encoding of `record` stored under `key`: a marker byte, then the
/// message, without its name when the name is the key.
fn pack<M: Named>(key: &str, record: &M) -> Box<[u8]> {
    let body = record.encode_to_vec();
    let rest = (record.name() == key)
        .then(|| without_name(&body, key))
        .flatten();
    let (marker, rest) = match rest {
        Some(rest) => (NAME_FROM_KEY, rest),
        None => (NAME_INSIDE, body.as_slice()),
    };
    let mut packed = Vec::with_capacity(1 + rest.len());
    packed.push(marker);
    packed.extend_from_slice(rest);
    packed.into_boxed_slice()
}

/// `body` without its leading name field, if that field holds `name`. The
/// encoder writes fields in number order, so the name, field 1, is first;
/// an empty name is not written at all.
fn without_name<'b>(body: &'b [u8], name: &str) -> Option<&'b [u8]> {
    if name.is_empty() {
        return Some(body);
    }
    let mut rest = body.strip_prefix(&[NAME_TAG])?;
    let len = usize::try_from(prost::encoding::decode_varint(&mut rest).ok()?).ok()?;
    let (encoded, rest) = rest.split_at_checked(len)?;
    (encoded == name.as_bytes()).then_some(rest)
}

/// The record packed under `key`.
fn unpack<M: Named>(key: &str, packed: &[u8]) -> M {
    let Some((&marker, body)) = packed.split_first() else {
        return M::default();
    };
    // The bytes were encoded from a message by `pack`, so they decode.
    let mut record = M::decode(body).unwrap_or_default();
    if marker == NAME_FROM_KEY {
        record.set_name(key.to_string());
    }
    record
}

/// A stored record not yet decoded, as listing meets it: a page decodes
/// only what it returns or filters.
pub(crate) struct Packed<'a, M> {
    key: &'a str,
    bytes: &'a [u8],
    kind: PhantomData<fn() -> M>,
}

impl<M: Named> Packed<'_, M> {
    /// The record.
    pub(crate) fn decode(&self) -> M {
        unpack(self.key, self.bytes)
    }
}

/// Records of one kind, in name order.
pub(crate) struct Records<M> {
    map: BTreeMap<Arc<str>, Box<[u8]>>,
    kind: PhantomData<fn() -> M>,
}

impl<M> Default for Records<M> {
    fn default() -> Self {
        Records {
            map: BTreeMap::new(),
            kind: PhantomData,
        }
    }
}

impl<M> Clone for Records<M> {
    fn clone(&self) -> Self {
        Records {
            map: self.map.clone(),
            kind: PhantomData,
        }
    }
}

impl<M> std::fmt::Debug for Records<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records")
            .field("len", &self.map.len())
            .finish_non_exhaustive()
    }
}

impl<M: Named> Records<M> {
    /// How many records are stored.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether a record has this name.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.map.contains_key(name)
    }

    /// The record of this name.
    pub(crate) fn get(&self, name: &str) -> Option<M> {
        self.map
            .get_key_value(name)
            .map(|(key, packed)| unpack(key, packed))
    }

    /// Stores `record` under its own name, replacing the one there.
    pub(crate) fn insert(&mut self, record: &M) {
        self.insert_under(record.name(), record);
    }

    /// Stores `record` under `key`; returns the stored key.
    fn insert_under(&mut self, key: &str, record: &M) -> Arc<str> {
        let packed = pack(key, record);
        match self.map.get_key_value(key).map(|(k, _)| Arc::clone(k)) {
            Some(existing) => {
                self.map.insert(Arc::clone(&existing), packed);
                existing
            }
            None => {
                let key: Arc<str> = Arc::from(key);
                self.map.insert(Arc::clone(&key), packed);
                key
            }
        }
    }

    /// Removes and returns the record of this name.
    pub(crate) fn remove(&mut self, name: &str) -> Option<M> {
        self.map
            .remove_entry(name)
            .map(|(key, packed)| unpack(&key, &packed))
    }

    /// Every record, in name order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, M)> + '_ {
        self.map
            .iter()
            .map(|(key, packed)| (&**key, unpack(key, packed)))
    }

    /// Every name, in order.
    pub(crate) fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.map.keys().map(|key| &**key)
    }

    /// The records whose names start with `prefix`, in name order.
    pub(crate) fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, M)> + 'a {
        self.packed_under(prefix)
            .map(|(key, packed)| (key, packed.decode()))
    }

    /// Whether any name starts with `prefix` (nothing is decoded).
    pub(crate) fn any_under(&self, prefix: &str) -> bool {
        self.packed_under(prefix).next().is_some()
    }

    fn packed_under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, Packed<'a, M>)> + 'a {
        self.entries_from(Bound::Included(prefix))
            .take_while(move |(key, _)| key.starts_with(prefix))
    }

    /// The records from `start` on, in name order, not yet decoded.
    pub(crate) fn entries_from<'a>(
        &'a self,
        start: Bound<&str>,
    ) -> impl Iterator<Item = (&'a str, Packed<'a, M>)> + use<'a, M> {
        self.map
            .range::<str, _>((start, Bound::Unbounded))
            .map(|(key, bytes)| {
                (
                    &**key,
                    Packed {
                        key,
                        bytes,
                        kind: PhantomData,
                    },
                )
            })
    }
}

// Saved as a JSON object of name -> message, as the state file always held.
impl<M: Named + serde::Serialize> serde::Serialize for Records<M> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de, M: Named + serde::Deserialize<'de>> serde::Deserialize<'de> for Records<M> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = BTreeMap::<String, M>::deserialize(deserializer)?;
        let mut records = Records::default();
        for (key, record) in &read {
            records.insert_under(key, record);
        }
        Ok(records)
    }
}

/// The customers, with indexes by domain and by Cloud Identity id: both
/// are looked up across every account (Cloud Identity is global).
#[derive(Clone, Default)]
pub(crate) struct Customers {
    records: Records<Customer>,
    /// (domain in ASCII lower case, name) of every customer.
    by_domain: BTreeSet<(Box<str>, Arc<str>)>,
    /// (Cloud Identity id, name) of every customer that has one.
    by_identity: BTreeSet<(Box<str>, Arc<str>)>,
}

impl std::fmt::Debug for Customers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Customers")
            .field("len", &self.records.len())
            .finish_non_exhaustive()
    }
}

impl Customers {
    /// How many customers are stored.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether a customer has this name.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.records.contains(name)
    }

    /// The customer of this name.
    pub(crate) fn get(&self, name: &str) -> Option<Customer> {
        self.records.get(name)
    }

    /// Every customer, in name order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, Customer)> + '_ {
        self.records.iter()
    }

    /// The customers from `start` on, in name order, not yet decoded.
    pub(crate) fn entries_from<'a>(
        &'a self,
        start: Bound<&str>,
    ) -> impl Iterator<Item = (&'a str, Packed<'a, Customer>)> + use<'a> {
        self.records.entries_from(start)
    }

    /// Stores `customer` under its own name, replacing the one there.
    pub(crate) fn insert(&mut self, customer: &Customer) {
        self.insert_under(&customer.name, customer);
    }

    fn insert_under(&mut self, key: &str, customer: &Customer) {
        if let Some(old) = self.records.get(key) {
            self.unindex(key, &old);
        }
        let key = self.records.insert_under(key, customer);
        self.by_domain.insert((
            customer.domain.to_ascii_lowercase().into(),
            Arc::clone(&key),
        ));
        if !customer.cloud_identity_id.is_empty() {
            self.by_identity
                .insert((customer.cloud_identity_id.as_str().into(), key));
        }
    }

    /// Removes and returns the customer of this name.
    pub(crate) fn remove(&mut self, name: &str) -> Option<Customer> {
        let old = self.records.remove(name)?;
        self.unindex(name, &old);
        Some(old)
    }

    fn unindex(&mut self, key: &str, old: &Customer) {
        let key: Arc<str> = Arc::from(key);
        self.by_domain
            .remove(&(old.domain.to_ascii_lowercase().into(), Arc::clone(&key)));
        self.by_identity
            .remove(&(old.cloud_identity_id.as_str().into(), key));
    }

    /// The customers of a domain (ASCII case ignored), in name order.
    pub(crate) fn with_domain<'a>(
        &'a self,
        domain: &str,
    ) -> impl Iterator<Item = (&'a str, Customer)> + use<'a> {
        let domain = domain.to_ascii_lowercase();
        self.indexed(&self.by_domain, domain.into())
    }

    /// The customers linked to a Cloud Identity, in name order.
    pub(crate) fn with_identity<'a>(
        &'a self,
        id: &str,
    ) -> Box<dyn Iterator<Item = (&'a str, Customer)> + 'a> {
        if id.is_empty() {
            // Only linked customers are indexed; the unlinked ones are the rest.
            return Box::new(self.iter().filter(|(_, c)| c.cloud_identity_id.is_empty()));
        }
        Box::new(self.indexed(&self.by_identity, id.into()))
    }

    fn indexed<'a>(
        &'a self,
        index: &'a BTreeSet<(Box<str>, Arc<str>)>,
        value: Box<str>,
    ) -> impl Iterator<Item = (&'a str, Customer)> + 'a {
        let from = (value, Arc::<str>::from(""));
        index
            .range(from.clone()..)
            .take_while(move |(v, _)| *v == from.0)
            .filter_map(|(_, name)| Some((&**name, self.records.get(name)?)))
    }
}

impl serde::Serialize for Customers {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.records.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Customers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let read = BTreeMap::<String, Customer>::deserialize(deserializer)?;
        let mut customers = Customers::default();
        for (key, customer) in &read {
            customers.insert_under(key, customer);
        }
        Ok(customers)
    }
}

#[cfg(test)]
mod tests {
    use channel_types::model::{ContactInfo, Parameter, Value, value};
    use channel_types::r#type::PostalAddress;
    use channel_types::wkt::Timestamp;

    use super::*;

    fn customer(name: &str, domain: &str, identity: &str) -> Customer {
        Customer {
            name: name.into(),
            org_display_name: format!("Org of {domain}"),
            domain: domain.into(),
            cloud_identity_id: identity.into(),
            org_postal_address: Some(PostalAddress {
                region_code: "US".into(),
                address_lines: vec!["1 Example Way".into()],
                ..Default::default()
            }),
            primary_contact_info: Some(ContactInfo {
                email: format!("ada@{domain}"),
                ..Default::default()
            }),
            create_time: Some(Timestamp {
                seconds: 1_700_000_000,
                nanos: 5,
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_stored_record_reads_back_equal_and_smaller_than_its_encoding() {
        let mut records = Records::<Customer>::default();
        let c = customer("accounts/A/customers/S1", "a.example", "C1");
        records.insert(&c);
        assert_eq!(records.get(&c.name), Some(c.clone()));
        let packed = &records.map[c.name.as_str()];
        assert_eq!(
            packed.len(),
            1 + c.encoded_len() - (2 + c.name.len()),
            "the name is left out"
        );
        let e = Entitlement {
            name: "accounts/A/customers/S1/entitlements/E1".into(),
            offer: "accounts/A/offers/O1".into(),
            parameters: vec![Parameter {
                name: "num_units".into(),
                value: Some(Value {
                    kind: Some(value::Kind::DoubleValue(-0.0)),
                }),
                editable: true,
            }],
            ..Default::default()
        };
        let mut entitlements = Records::<Entitlement>::default();
        entitlements.insert(&e);
        let read = entitlements.get(&e.name).expect("stored");
        assert_eq!(read.encode_to_vec(), e.encode_to_vec());
    }

    /// `descriptor`'s message with every field set to a value other than
    /// its default, nested messages too (to `depth`), the first member of
    /// each oneof, and an enum number the schema may not know.
    fn every_field_set(
        descriptor: &prost_reflect::MessageDescriptor,
        depth: usize,
    ) -> prost_reflect::DynamicMessage {
        use prost_reflect::{Kind, Value as Field};
        let mut message = prost_reflect::DynamicMessage::new(descriptor.clone());
        for field in descriptor.fields() {
            let first_of_its_oneof = field
                .containing_oneof()
                .is_none_or(|oneof| oneof.fields().next().is_some_and(|f| f == field));
            if !first_of_its_oneof {
                continue;
            }
            let one = |n: i32| match field.kind() {
                Kind::Double => Some(Field::F64(-0.5 - f64::from(n))),
                Kind::Float => Some(Field::F32(0.25)),
                Kind::Int32 | Kind::Sint32 | Kind::Sfixed32 => Some(Field::I32(-7 - n)),
                Kind::Int64 | Kind::Sint64 | Kind::Sfixed64 => Some(Field::I64(-(1 << 60) - 1)),
                Kind::Uint32 | Kind::Fixed32 => Some(Field::U32(7)),
                Kind::Uint64 | Kind::Fixed64 => Some(Field::U64(u64::MAX)),
                Kind::Bool => Some(Field::Bool(true)),
                Kind::String => Some(Field::String(format!("{} é/{n}", field.name()))),
                Kind::Bytes => Some(Field::Bytes(bytes::Bytes::from_static(b"\0\xff"))),
                Kind::Enum(_) => Some(Field::EnumNumber(if n == 0 { 1 } else { 99 })),
                Kind::Message(inner) if depth > 0 => {
                    Some(Field::Message(every_field_set(&inner, depth - 1)))
                }
                Kind::Message(_) => None,
            };
            let value = if field.is_map() {
                None
            } else if field.is_list() {
                one(0).zip(one(1)).map(|(a, b)| Field::List(vec![a, b]))
            } else {
                one(0)
            };
            if let Some(value) = value {
                message.set_field(&field, value);
            }
        }
        message
    }

    #[test]
    fn every_field_of_a_customer_and_an_entitlement_survives_the_store() {
        let pool = prost_reflect::DescriptorPool::decode(channel_types::FILE_DESCRIPTOR_SET)
            .expect("the schema");
        let full = |name: &str| {
            let descriptor = pool.get_message_by_name(name).expect("a message");
            every_field_set(&descriptor, 4).encode_to_vec()
        };
        let customer_bytes = full("google.cloud.channel.v1.Customer");
        let customer = Customer::decode(customer_bytes.as_slice()).unwrap();
        // The typed message holds every field that was set.
        assert_eq!(customer.encode_to_vec(), customer_bytes);
        let entitlement_bytes = full("google.cloud.channel.v1.Entitlement");
        let entitlement = Entitlement::decode(entitlement_bytes.as_slice()).unwrap();
        assert_eq!(entitlement.encode_to_vec(), entitlement_bytes);
        assert!(entitlement.association_info.is_some() && !entitlement.parameters.is_empty());

        let mut customers = Customers::default();
        customers.insert(&customer);
        customers.insert_under("accounts/A/customers/elsewhere", &customer);
        for key in [customer.name.as_str(), "accounts/A/customers/elsewhere"] {
            let read = customers.get(key).expect("stored");
            assert_eq!(read.encode_to_vec(), customer_bytes, "under {key}");
        }
        let mut entitlements = Records::<Entitlement>::default();
        entitlements.insert(&entitlement);
        let read = entitlements.get(&entitlement.name).expect("stored");
        assert_eq!(read.encode_to_vec(), entitlement_bytes);
        let (_, listed) = entitlements.iter().next().expect("listed");
        assert_eq!(listed, entitlement);
    }

    #[test]
    fn a_record_under_another_name_keeps_its_own_name() {
        let mut records = Records::<Customer>::default();
        let other = customer("accounts/A/customers/S2", "b.example", "");
        records.insert_under("accounts/A/customers/S1", &other);
        let unnamed = customer("", "c.example", "");
        records.insert_under("accounts/A/customers/S3", &unnamed);
        let read: Vec<(String, String)> = records
            .iter()
            .map(|(key, c)| (key.to_string(), c.name))
            .collect();
        assert_eq!(
            read,
            [
                ("accounts/A/customers/S1".to_string(), other.name.clone()),
                ("accounts/A/customers/S3".to_string(), String::new()),
            ]
        );
    }

    #[test]
    fn records_are_listed_in_name_order_by_prefix() {
        let mut records = Records::<Customer>::default();
        for name in [
            "accounts/B/customers/S1",
            "accounts/A/customers/S2",
            "accounts/A/channelPartnerLinks/L/customers/S3",
            "accounts/A/customers/S1",
        ] {
            records.insert(&customer(name, "x.example", ""));
        }
        let under: Vec<&str> = records.under("accounts/A/").map(|(k, _)| k).collect();
        assert_eq!(
            under,
            [
                "accounts/A/channelPartnerLinks/L/customers/S3",
                "accounts/A/customers/S1",
                "accounts/A/customers/S2",
            ]
        );
        assert!(records.any_under("accounts/B/"));
        assert!(!records.any_under("accounts/C/"));
        assert_eq!(
            records.remove("accounts/B/customers/S1").map(|c| c.name),
            Some("accounts/B/customers/S1".to_string())
        );
        assert_eq!(records.len(), 3);
    }

    #[test]
    fn the_indexes_follow_inserts_updates_and_removals() {
        let mut customers = Customers::default();
        customers.insert(&customer("accounts/B/customers/S1", "Shop.example", "C1"));
        customers.insert(&customer("accounts/A/customers/S2", "shop.EXAMPLE", ""));
        customers.insert(&customer("accounts/A/customers/S3", "other.example", "C1"));
        let names = |found: &mut dyn Iterator<Item = (&str, Customer)>| -> Vec<String> {
            found.map(|(k, _)| k.to_string()).collect()
        };
        assert_eq!(
            names(&mut customers.with_domain("SHOP.example")),
            ["accounts/A/customers/S2", "accounts/B/customers/S1"]
        );
        assert_eq!(
            names(&mut customers.with_identity("C1")),
            ["accounts/A/customers/S3", "accounts/B/customers/S1"]
        );
        assert_eq!(
            names(&mut customers.with_identity("")),
            ["accounts/A/customers/S2"]
        );
        // Moved to another domain and identity: found there only.
        customers.insert(&customer("accounts/B/customers/S1", "new.example", "C2"));
        assert_eq!(
            names(&mut customers.with_domain("shop.example")),
            ["accounts/A/customers/S2"]
        );
        assert_eq!(
            names(&mut customers.with_identity("C2")),
            ["accounts/B/customers/S1"]
        );
        customers.remove("accounts/A/customers/S3");
        assert!(customers.with_identity("C1").next().is_none());
        assert!(customers.with_domain("other.example").next().is_none());
    }

    #[test]
    fn customers_save_and_load_as_a_map_of_names() {
        let mut customers = Customers::default();
        let c = customer("accounts/A/customers/S1", "a.example", "C9");
        customers.insert(&c);
        let json = serde_json::to_value(&customers).expect("serializes");
        assert_eq!(json["accounts/A/customers/S1"]["domain"], "a.example");
        let back: Customers = serde_json::from_value(json).expect("deserializes");
        assert_eq!(back.get(&c.name), Some(c));
        assert_eq!(back.with_identity("C9").count(), 1);
    }
}
