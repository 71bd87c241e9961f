//! The state file, kept as a database keeps its files: counters rebuilt from
//! the stored names, foreign files refused and left alone, saves that go
//! through a temporary file beside the state file, a writable directory
//! checked at start, periodic saves, and a save on SIGTERM however early.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use channel_core::Client;
use channel_core::transport::Stubs;
use channel_mock::{Emulator, EmulatorConfig, EmulatorError, Engine};
use channel_types::model::{CreateCustomerRequest, Customer, ListCustomersRequest};
use channel_types::r#type::PostalAddress;

const ACCOUNT: &str = "accounts/C0emulator";

/// A fresh, empty directory of this test process.
fn scratch_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("channel-mock-state-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn customer(domain: &str) -> CreateCustomerRequest {
    CreateCustomerRequest {
        parent: ACCOUNT.into(),
        customer: Some(Customer {
            org_display_name: domain.into(),
            org_postal_address: Some(PostalAddress {
                region_code: "US".into(),
                ..Default::default()
            }),
            domain: domain.into(),
            ..Default::default()
        }),
    }
}

fn client_of(engine: &Engine) -> Client {
    Client::new(Stubs::from_backend(Arc::new(engine.clone())))
}

fn config(path: &Path) -> EmulatorConfig {
    EmulatorConfig {
        state_file: Some(path.to_path_buf()),
        ..EmulatorConfig::default()
    }
}

async fn customers(emulator: &Emulator) -> Vec<Customer> {
    client_of(emulator.engine())
        .list_customers(ListCustomersRequest {
            parent: ACCOUNT.into(),
            ..Default::default()
        })
        .collect_items()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_file_without_the_counter_never_lets_a_new_customer_replace_a_stored_one() {
    let dir = scratch_dir("counter");
    let path = dir.join("state.json");
    let emulator = Emulator::start(config(&path)).await.unwrap();
    for n in 0..3 {
        client_of(emulator.engine())
            .create_customer(customer(&format!("c{n}.example")))
            .await
            .unwrap();
    }
    emulator.shutdown().await.unwrap();

    for counter in [None, Some(0), Some(1)] {
        let mut saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        match counter {
            None => saved.as_object_mut().unwrap().remove("nextId"),
            Some(n) => saved
                .as_object_mut()
                .unwrap()
                .insert("nextId".into(), n.into()),
        };
        let edited = dir.join(format!("edited-{counter:?}.json"));
        std::fs::write(&edited, saved.to_string()).unwrap();
        let emulator = Emulator::start(config(&edited)).await.unwrap();
        for n in 0..3 {
            client_of(emulator.engine())
                .create_customer(customer(&format!("new{n}.example")))
                .await
                .unwrap();
        }
        let all = customers(&emulator).await;
        assert_eq!(all.len(), 6, "counter {counter:?}: three kept, three new");
        emulator.shutdown().await.unwrap();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_file_of_the_wrong_shape_or_an_unknown_version_is_refused_and_left_untouched() {
    let dir = scratch_dir("shape");
    let path = dir.join("state.json");
    for (text, version) in [
        ("[]", false),
        ("3", false),
        ("null", false),
        ("\"state\"", false),
        (r#"{"nextId": 18446744073709551615}"#, false),
        (r#"{"customers": []}"#, false),
        (r#"{"customers": {"accounts/A/customers/../x": {}}}"#, false),
        (
            r#"{"customers": {"accounts/A/customers/x": {"name": "accounts/A/customers/y"}}}"#,
            false,
        ),
        (r#"{"version": 2}"#, true),
        (r#"{"version": "1"}"#, true),
        (r#"{"version": 0, "customers": {}}"#, true),
    ] {
        std::fs::write(&path, text).unwrap();
        let err = Emulator::start(config(&path)).await.unwrap_err();
        if version {
            assert!(
                matches!(err, EmulatorError::UnsupportedVersion(..)),
                "{text}: {err}"
            );
        } else {
            assert!(
                matches!(err, EmulatorError::CorruptState(..)),
                "{text}: {err}"
            );
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "untouched");
    }
    // A file from before the version member existed is version 1.
    std::fs::write(&path, r#"{"nextId": 4}"#).unwrap();
    let emulator = Emulator::start(config(&path)).await.unwrap();
    emulator.shutdown().await.unwrap();
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_state_file_named_like_a_temporary_file_survives_its_saves() {
    let dir = scratch_dir("tmp-name");
    let path = dir.join("x.tmp");
    let emulator = Emulator::start(config(&path)).await.unwrap();
    client_of(emulator.engine())
        .create_customer(customer("kept.example"))
        .await
        .unwrap();
    emulator.shutdown().await.unwrap();
    let emulator = Emulator::start(config(&path)).await.unwrap();
    assert_eq!(customers(&emulator).await.len(), 1);
    emulator.shutdown().await.unwrap();
    let left: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(left, ["x.tmp"], "no temporary file left behind");
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn a_directory_that_cannot_be_written_fails_the_start_not_the_shutdown() {
    // Nobody, root included, may create files in /proc.
    let path = Path::new("/proc/channel-emulator-state.json");
    let err = Emulator::start(config(path)).await.unwrap_err();
    assert!(matches!(err, EmulatorError::StateDirectory(..)), "{err}");
    assert!(err.to_string().contains("/proc"), "{err}");
}

#[tokio::test]
async fn periodic_saves_keep_the_state_without_a_shutdown() {
    let dir = scratch_dir("periodic");
    let path = dir.join("state.json");
    let emulator = Emulator::start(EmulatorConfig {
        save_every: Some(Duration::from_millis(100)),
        ..config(&path)
    })
    .await
    .unwrap();
    let created = client_of(emulator.engine())
        .create_customer(customer("periodic.example"))
        .await
        .unwrap();
    let start = Instant::now();
    let saved = loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains(&created.name) {
            break true;
        }
        if start.elapsed() > Duration::from_secs(5) {
            break false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(saved, "saved within 5 s");
    // Dropped without a shutdown, as if killed: the file holds the customer.
    drop(emulator);
    let emulator = Emulator::start(config(&path)).await.unwrap();
    assert_eq!(customers(&emulator).await.len(), 1);
    emulator.shutdown().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(unix)]
#[test]
fn sigterm_right_after_the_ready_line_always_saves() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    let dir = scratch_dir("sigterm");
    for attempt in 0..10 {
        let path = dir.join(format!("state-{attempt}.json"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_channel-emulator"))
            .args(["--grpc", "127.0.0.1:0", "--http", "127.0.0.1:0", "--state"])
            .arg(&path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert!(line.starts_with('{'), "attempt {attempt}: {line:?}");
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let exit = child.wait().unwrap();
        assert!(exit.success(), "attempt {attempt}: {exit:?}");
        let saved: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(saved["version"], 1, "attempt {attempt}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_help_documents_every_flag() {
    let help = std::process::Command::new(env!("CARGO_BIN_EXE_channel-emulator"))
        .arg("--help")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--save-every",
        "--max-connections",
        "--idle-timeout",
        "--header-read-timeout",
        "--request-timeout",
        "--max-request-bytes",
        "SIGTERM",
    ] {
        assert!(text.contains(flag), "--help documents {flag}");
    }
}
