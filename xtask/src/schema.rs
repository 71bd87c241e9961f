//! Loading the project's schema with protox (no protoc on the machine).

use std::path::{Path, PathBuf};

use prost_reflect::DescriptorPool;
use prost_types::FileDescriptorSet;

/// The packages whose messages and services we generate code for.
pub(crate) const PACKAGES: &[&str] = &[
    "google.cloud.channel.v1",
    "google.longrunning",
    "google.rpc",
    "google.type",
];

/// The compiled schema: the descriptor set handed to the generators and the
/// same descriptors as a reflection pool for our own tables.
pub(crate) struct Schema {
    pub(crate) files: FileDescriptorSet,
    pub(crate) pool: DescriptorPool,
}

/// Every `.proto` file under `root`, as paths relative to it, sorted so that
/// the output never depends on directory order.
fn proto_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "proto") {
                let rel = path.strip_prefix(root).map_err(|e| e.to_string())?;
                found.push(rel.to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Compiles every schema file below `root`.
pub(crate) fn load(root: &Path) -> Result<Schema, String> {
    let files = proto_files(root)?;
    let mut compiler = protox::Compiler::new([root]).map_err(|e| e.to_string())?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(&files).map_err(|e| format!("{e:?}"))?;
    Ok(Schema {
        files: compiler.file_descriptor_set(),
        pool: compiler.descriptor_pool(),
    })
}

impl Schema {
    /// The descriptor set restricted to the files of our generated packages
    /// and the well-known types they use (which map to existing Rust types),
    /// leaving out the google.api annotations, which are options only.
    pub(crate) fn generated_files(&self) -> FileDescriptorSet {
        FileDescriptorSet {
            file: self
                .files
                .file
                .iter()
                .filter(|f| PACKAGES.contains(&f.package()) || f.package() == "google.protobuf")
                .cloned()
                .collect(),
        }
    }
}
