//! `cloudchannel config`: defaults kept in `config.yaml` under the
//! configuration directory (`--config-dir`, `CLOUDCHANNEL_CONFIG_DIR`, or
//! `cloudchannel` in the user's configuration directory), so that a
//! reseller stops repeating the account, the key file or the endpoint.
//!
//! Flags always win over the file. Keys: `account`, `credentials`,
//! `subject`, `transport`, `endpoint`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::connect::{GlobalArgs, Transport};
use crate::failure::Failure;

/// The keys `config set` takes, with what each holds.
pub(crate) const KEYS: [(&str, &str); 5] = [
    (
        "account",
        "the reseller account for positionals and account fields left out (C012345)",
    ),
    (
        "credentials",
        "a service account key file, as --credentials",
    ),
    (
        "subject",
        "the user a service account acts for, as --subject",
    ),
    ("transport", "http or grpc, as --transport"),
    ("endpoint", "the service's address, as --endpoint"),
];

/// The file the defaults live in.
const FILE: &str = "config.yaml";

/// The defaults of one configuration directory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Config {
    values: BTreeMap<String, String>,
}

/// The configuration directory the flags name, or the user's default.
pub(crate) fn directory(args: &GlobalArgs) -> Option<PathBuf> {
    args.config_dir
        .clone()
        .or_else(|| dirs::config_dir().map(|d| d.join("cloudchannel")))
}

impl Config {
    /// Reads the file in `dir`; a missing file is an empty configuration.
    pub(crate) fn load(dir: Option<&Path>) -> Result<Config, Failure> {
        let Some(dir) = dir else {
            return Ok(Config::default());
        };
        let path = dir.join(FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => {
                return Err(Failure::Usage(format!(
                    "the configuration {}: cannot read it: {e}",
                    path.display()
                )));
            }
        };
        let values: BTreeMap<String, String> = if text.trim().is_empty() {
            BTreeMap::new()
        } else {
            // A mapping refuses a key given twice, which a map of strings
            // would take silently, keeping the last.
            serde_yaml_ng::from_str::<serde_yaml_ng::Mapping>(&text)
                .and_then(|_| serde_yaml_ng::from_str(&text))
                .map_err(|e| {
                    Failure::Usage(format!(
                        "the configuration {}: expected KEY: VALUE lines ({e}); fix it or set \
                     the keys again with `cloudchannel config set`",
                        path.display()
                    ))
                })?
        };
        for (key, value) in &values {
            check(key, value).map_err(|problem| {
                Failure::Usage(format!("the configuration {}: {problem}", path.display()))
            })?;
        }
        Ok(Config { values })
    }

    /// Writes the file in `dir`, creating the directory.
    pub(crate) fn save(&self, dir: &Path) -> Result<(), Failure> {
        let path = dir.join(FILE);
        let fail = |e: &dyn std::fmt::Display| {
            Failure::Other(format!(
                "the configuration {}: cannot write it: {e}",
                path.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
        let text = serde_yaml_ng::to_string(&self.values).map_err(|e| fail(&e))?;
        std::fs::write(&path, text).map_err(|e| fail(&e))
    }

    /// The value of `key`, if set.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// Sets `key` after checking the value; a key file is kept by its
    /// absolute path, so that it is found from any directory.
    pub(crate) fn set(&mut self, key: &str, value: &str) -> Result<(), Failure> {
        let mut value = check(key, value).map_err(Failure::Usage)?;
        if key == "credentials" {
            let path = std::path::absolute(&value).map_err(|e| {
                Failure::Usage(format!("credentials: cannot resolve '{value}': {e}"))
            })?;
            value = path.to_string_lossy().into_owned();
        }
        self.values.insert(key.to_string(), value);
        Ok(())
    }

    /// Removes `key`; whether it was set.
    pub(crate) fn unset(&mut self, key: &str) -> Result<bool, Failure> {
        known(key).map_err(Failure::Usage)?;
        Ok(self.values.remove(key).is_some())
    }

    /// Every key that is set, with its value.
    pub(crate) fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// `accounts/C012345`, from the `account` key.
    pub(crate) fn account(&self) -> Option<String> {
        self.get("account").map(|a| {
            if a.starts_with("accounts/") {
                a.to_string()
            } else {
                format!("accounts/{a}")
            }
        })
    }

    /// Fills the connection flags the command line left out;
    /// `own_credentials` when it names the caller another way (`-p key`,
    /// `-p access-token`), so that no configured key file applies.
    pub(crate) fn apply(&self, args: &mut GlobalArgs, own_credentials: bool) {
        let token_given = args.access_token.is_some() || own_credentials;
        if args.credentials.is_none() && !token_given && !args.emulator {
            args.credentials = self.get("credentials").map(PathBuf::from);
            if args.credentials.is_some() && args.subject.is_none() {
                args.subject = self.get("subject").map(str::to_string);
            }
        }
        if args.endpoint.is_none() && !args.emulator {
            args.endpoint = self.get("endpoint").map(str::to_string);
        }
        if args.transport.is_none() {
            args.transport = match self.get("transport") {
                Some("grpc") => Some(Transport::Grpc),
                Some("http") => Some(Transport::Http),
                _ => None,
            };
        }
    }
}

fn known(key: &str) -> Result<(), String> {
    if KEYS.iter().any(|(k, _)| *k == key) {
        Ok(())
    } else {
        let keys: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
        Err(format!(
            "unknown configuration key '{key}'; the keys are {}",
            keys.join(", ")
        ))
    }
}

/// The value to store for `key`, or what was expected.
fn check(key: &str, value: &str) -> Result<String, String> {
    known(key)?;
    let value = value.trim();
    let valid = match key {
        // Account ids are letters and digits (C012345); anything else
        // would be refused by the server on every later call.
        "account" => {
            let id = value.strip_prefix("accounts/").unwrap_or(value);
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        }
        "credentials" => !value.is_empty(),
        "subject" => value.contains('@'),
        "transport" => matches!(value, "http" | "grpc"),
        "endpoint" => {
            (value.starts_with("https://") || value.starts_with("http://") || value.contains(':'))
                && crate::connect::check_endpoint(value).is_ok()
                && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        _ => true,
    };
    if valid {
        Ok(value.to_string())
    } else {
        let expected = match key {
            "account" => "an account id such as C012345 or accounts/C012345",
            "credentials" => "the path of a service account key file",
            "subject" => "a user's email address",
            "transport" => "http or grpc",
            _ => "an address such as https://cloudchannel.googleapis.com or http://127.0.0.1:8790",
        };
        Err(format!("{key}: expected {expected}, got '{value}'"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_checked_kept_and_read_back() {
        let dir = std::env::temp_dir().join(format!("cloudchannel-config-{}", std::process::id()));
        let mut config = Config::load(Some(&dir)).unwrap();
        assert_eq!(config, Config::default());
        config.set("account", "C012345").unwrap();
        config.set("transport", "grpc").unwrap();
        config.save(&dir).unwrap();
        let back = Config::load(Some(&dir)).unwrap();
        assert_eq!(back, config);
        assert_eq!(back.account().as_deref(), Some("accounts/C012345"));
        config.set("credentials", "keys/reseller.json").unwrap();
        let kept = std::path::PathBuf::from(config.get("credentials").unwrap());
        assert!(
            kept.is_absolute() && kept.ends_with("keys/reseller.json"),
            "{kept:?}"
        );
        let e = config.set("transport", "pigeon").unwrap_err().to_string();
        assert_eq!(e, "error: transport: expected http or grpc, got 'pigeon'");
        for (key, value) in [
            ("account", "C01 2345"),
            ("account", "accounts/C012345/customers/S1"),
            ("account", "C01\u{7}"),
            ("endpoint", "ftp://cloudchannel.googleapis.com"),
            ("endpoint", "https://"),
            ("endpoint", "http://127.0.0.1 :8791"),
        ] {
            let e = config.set(key, value).unwrap_err().to_string();
            assert!(
                e.starts_with(&format!("error: {key}: expected ")),
                "{value}: {e}"
            );
        }
        config.set("endpoint", "127.0.0.1:8790").unwrap();
        config.set("endpoint", "http://127.0.0.1:8791").unwrap();
        config.set("account", "accounts/C0emulator").unwrap();
        let e = config.set("colour", "blue").unwrap_err().to_string();
        assert!(e.contains("the keys are account, credentials, subject, transport, endpoint"));
        std::fs::write(dir.join(FILE), "account: [1, 2]\n").unwrap();
        let e = Config::load(Some(&dir)).unwrap_err().to_string();
        assert!(e.contains("expected KEY: VALUE lines"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_key_written_twice_in_the_file_is_refused_not_resolved_silently() {
        let dir = std::env::temp_dir().join(format!("cloudchannel-twice-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(FILE), "account: C1\naccount: C2\n").unwrap();
        let e = Config::load(Some(&dir)).unwrap_err().to_string();
        assert!(
            e.contains("expected KEY: VALUE lines (duplicate entry with key \"account\""),
            "{e}"
        );
        // A value that YAML reads as a number is still taken as its text.
        std::fs::write(dir.join(FILE), "account: 12345\n").unwrap();
        let config = Config::load(Some(&dir)).unwrap();
        assert_eq!(config.account().as_deref(), Some("accounts/12345"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
