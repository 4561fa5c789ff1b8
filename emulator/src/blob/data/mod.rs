//! Blob contents on disk and their properties in memory.
//!
//! Layout under the emulator's state directory (`{state_dir}/blob`):
//! `{data_id}/b/{h}` is the content of the blob whose name hashes to `h` (SHA-256, hex),
//! `{data_id}/u/{h}/{block id, hex}` its uncommitted blocks, and `tmp/` the bodies being
//! received. `data_id` is the container's ([`crate::model::storage::BlobContainer::data_id`]),
//! new at each creation, so that a re-created container starts empty. Contents are written to a
//! temporary file and renamed into place (atomic); readers that opened the previous file keep
//! reading it. Writes to one blob are serialized by a per-blob lock ([`BlobData::lock`]).
//!
//! Nothing is left behind: a container deleted on the data plane drops its files at once
//! ([`BlobData::drop_container`]); one that went another way (its account deleted over ARM, its
//! resource group deleted) is found by [`BlobData::sweep`], which drops the data no container
//! of the World refers to any more; and the files of every container go with the store
//! (the World, which names them, lives in memory only).

mod props;
mod temp;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub(crate) use props::{BlobKind, BlobProps, Block, ContentHeaders};
pub(crate) use temp::TempFile;

use crate::error::Error;
use crate::random;

/// The lock that serializes the writes to one blob.
pub(crate) type WriteLock = Arc<tokio::sync::Mutex<()>>;

/// The blobs of one container.
#[derive(Default)]
struct ContainerBlobs {
    /// Committed blobs by name (ordered as List Blobs lists them: by UTF-8 bytes).
    blobs: BTreeMap<String, BlobProps>,
    /// Uncommitted blocks by blob name, in the order they were last put.
    uncommitted: HashMap<String, Vec<Block>>,
}

/// Blob contents on disk and their properties, for every container.
pub(crate) struct BlobData {
    root: PathBuf,
    /// The secret user delegation keys are derived from (random per emulator).
    delegation_secret: Vec<u8>,
    index: Mutex<HashMap<String, ContainerBlobs>>,
    locks: Mutex<HashMap<(String, String), WriteLock>>,
}

impl BlobData {
    /// An empty store under `root` (created, with its `tmp` folder).
    pub fn new(root: PathBuf) -> Result<BlobData, Error> {
        let tmp = root.join("tmp");
        std::fs::create_dir_all(&tmp).map_err(|source| Error::StateDir { path: tmp, source })?;
        Ok(BlobData {
            root,
            delegation_secret: random::key_bytes(32)?,
            index: Mutex::new(HashMap::new()),
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// The secret user delegation keys are derived from.
    pub fn delegation_secret(&self) -> &[u8] {
        &self.delegation_secret
    }

    fn index(&self) -> MutexGuard<'_, HashMap<String, ContainerBlobs>> {
        self.index.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A new empty temporary file, removed when dropped unless persisted.
    pub async fn temp_file(&self) -> std::io::Result<(TempFile, tokio::fs::File)> {
        TempFile::create(self.root.join("tmp").join(random::uuid())).await
    }

    /// A new temporary name of the file at `from`, removed when dropped unless persisted (see
    /// [`TempFile::link`]).
    pub async fn temp_link(&self, from: &std::path::Path) -> std::io::Result<TempFile> {
        TempFile::link(from, self.root.join("tmp").join(random::uuid())).await
    }

    /// The file of blob `name` in container `data_id`.
    pub fn blob_path(&self, data_id: &str, name: &str) -> PathBuf {
        self.root.join(data_id).join("b").join(name_hash(name))
    }

    /// The file of uncommitted block `id` (decoded) of blob `name`.
    pub fn block_path(&self, data_id: &str, name: &str, id: &[u8]) -> PathBuf {
        self.blocks_dir(data_id, name).join(hex(id))
    }

    fn blocks_dir(&self, data_id: &str, name: &str) -> PathBuf {
        self.root.join(data_id).join("u").join(name_hash(name))
    }

    /// The lock that serializes writes to blob `name` of container `data_id`.
    pub fn lock(&self, data_id: &str, name: &str) -> WriteLock {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(locks.entry((data_id.to_owned(), name.to_owned())).or_default())
    }

    /// The properties of committed blob `name`.
    pub fn get(&self, data_id: &str, name: &str) -> Option<BlobProps> {
        self.index().get(data_id)?.blobs.get(name).cloned()
    }

    /// Makes `file` the content of blob `name` and `props` its properties, at once (readers
    /// see the old blob or the new one, never a mix); its uncommitted blocks are dropped (Put
    /// Blob and Put Block List discard them).
    pub fn commit(&self, data_id: &str, name: &str, file: TempFile, props: BlobProps) -> std::io::Result<()> {
        let path = self.blob_path(data_id, name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut index = self.index();
        file.persist(&path)?;
        let container = index.entry(data_id.to_owned()).or_default();
        container.blobs.insert(name.to_owned(), props);
        if container.uncommitted.remove(name).is_some() {
            remove_dir_soon(self.blocks_dir(data_id, name));
        }
        Ok(())
    }

    /// The properties of blob `name` and its file opened for reading, consistent with each
    /// other; `None` when there is no such blob.
    pub fn open(&self, data_id: &str, name: &str) -> Option<std::io::Result<(BlobProps, std::fs::File)>> {
        let index = self.index();
        let props = index.get(data_id)?.blobs.get(name)?.clone();
        Some(std::fs::File::open(self.blob_path(data_id, name)).map(|file| (props, file)))
    }

    /// Changes the properties of blob `name` in place; `false` when there is no such blob.
    pub fn update(&self, data_id: &str, name: &str, change: impl FnOnce(&mut BlobProps)) -> bool {
        let mut index = self.index();
        match index.get_mut(data_id).and_then(|c| c.blobs.get_mut(name)) {
            Some(props) => {
                change(props);
                true
            }
            None => false,
        }
    }

    /// Removes blob `name` (its properties, its uncommitted blocks and its file); whether it
    /// existed.
    pub fn remove(&self, data_id: &str, name: &str) -> bool {
        let existed = {
            let mut index = self.index();
            let Some(container) = index.get_mut(data_id) else {
                return false;
            };
            container.uncommitted.remove(name);
            container.blobs.remove(name).is_some()
        };
        let _ = std::fs::remove_file(self.blob_path(data_id, name));
        remove_dir_soon(self.blocks_dir(data_id, name));
        existed
    }

    /// The committed blobs whose names start with `prefix`, from `marker` on (inclusive), in
    /// order.
    pub fn list(&self, data_id: &str, prefix: &str, marker: Option<&str>) -> Vec<(String, BlobProps)> {
        let index = self.index();
        let Some(container) = index.get(data_id) else {
            return Vec::new();
        };
        let start = marker.map_or(prefix, |m| m.max(prefix));
        container
            .blobs
            .range::<str, _>((std::ops::Bound::Included(start), std::ops::Bound::Unbounded))
            .take_while(|(name, _)| name.starts_with(prefix))
            .map(|(name, props)| (name.clone(), props.clone()))
            .collect()
    }

    /// The uncommitted blocks of blob `name`, in order.
    pub fn uncommitted(&self, data_id: &str, name: &str) -> Vec<Block> {
        self.index()
            .get(data_id)
            .and_then(|c| c.uncommitted.get(name))
            .cloned()
            .unwrap_or_default()
    }

    /// Records uncommitted block `block` of blob `name` (replacing one with the same id).
    pub fn add_uncommitted(&self, data_id: &str, name: &str, block: Block) {
        let mut index = self.index();
        let blocks = index
            .entry(data_id.to_owned())
            .or_default()
            .uncommitted
            .entry(name.to_owned())
            .or_default();
        blocks.retain(|b| b.id != block.id);
        blocks.push(block);
    }

    /// Forgets a container's blobs and removes its files.
    pub fn drop_container(&self, data_id: &str) {
        self.index().remove(data_id);
        self.locks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|(id, _), _| id != data_id);
        remove_dir_soon(self.root.join(data_id));
    }

    /// Drops the data of every container that is not among the data ids `live` returns (those
    /// of the containers the World has). `live` is asked after the ids holding data are listed,
    /// so a container created meanwhile is never dropped (data ids are never reused); nothing
    /// is asked when no container holds data.
    pub fn sweep(&self, live: impl FnOnce() -> HashSet<String>) {
        let held: Vec<String> = self.index().keys().cloned().collect();
        if held.is_empty() {
            return;
        }
        let live = live();
        for data_id in held.iter().filter(|id| !live.contains(*id)) {
            self.drop_container(data_id);
        }
    }

    /// Makes sure the folder of blob `name`'s uncommitted blocks exists.
    pub async fn prepare_blocks_dir(&self, data_id: &str, name: &str) -> std::io::Result<()> {
        tokio::fs::create_dir_all(self.blocks_dir(data_id, name)).await
    }
}

impl Drop for BlobData {
    /// Removes the files of every container: the World that names them is gone.
    fn drop(&mut self) {
        let index = self.index.get_mut().unwrap_or_else(PoisonError::into_inner);
        for data_id in index.keys() {
            let _ = std::fs::remove_dir_all(self.root.join(data_id));
        }
    }
}

/// Removes a folder on a blocking thread, ignoring errors (it may not exist).
fn remove_dir_soon(dir: PathBuf) {
    if dir.exists() {
        tokio::task::spawn_blocking(move || {
            let _ = std::fs::remove_dir_all(dir);
        });
    }
}

/// The hex SHA-256 of a blob name: a file name whatever characters the blob name has.
fn name_hash(name: &str) -> String {
    hex(ring::digest::digest(&ring::digest::SHA256, name.as_bytes()).as_ref())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use time::OffsetDateTime;

    use super::*;

    fn store() -> BlobData {
        let root = std::env::temp_dir().join(format!("az-emulator-blobdata-{}", random::uuid()));
        BlobData::new(root).unwrap()
    }

    #[test]
    fn listing_honours_prefix_and_marker() {
        let data = store();
        let now = OffsetDateTime::now_utc();
        for name in ["a/1", "a/2", "a0", "b", "a/3"] {
            let file = std::fs::File::create(data.root.join("tmp").join(name.replace('/', "_"))).map(drop);
            file.unwrap();
            let temp = TempFile::existing(data.root.join("tmp").join(name.replace('/', "_")));
            data.commit("c", name, temp, BlobProps::new(BlobKind::Block, 0, now))
                .unwrap();
        }
        assert!(data.open("c", "a/1").unwrap().is_ok());
        assert!(data.open("c", "zz").is_none());
        let names = |list: Vec<(String, BlobProps)>| list.into_iter().map(|(n, _)| n).collect::<Vec<_>>();
        assert_eq!(names(data.list("c", "", None)), ["a/1", "a/2", "a/3", "a0", "b"]);
        assert_eq!(names(data.list("c", "a/", None)), ["a/1", "a/2", "a/3"]);
        assert_eq!(names(data.list("c", "a/", Some("a/2"))), ["a/2", "a/3"]);
        assert_eq!(names(data.list("c", "", Some("a0"))), ["a0", "b"]);
        assert_eq!(names(data.list("c", "a/", Some("0"))), ["a/1", "a/2", "a/3"]);
        assert!(data.remove("c", "b"));
        assert!(!data.remove("c", "b"));
        assert!(data.blob_path("c", "x/y").starts_with(&data.root));
        std::fs::remove_dir_all(&data.root).unwrap();
    }

    #[tokio::test]
    async fn a_sweep_drops_only_unreferenced_containers_and_the_store_drops_the_rest() {
        let data = store();
        let root = data.root.clone();
        let now = OffsetDateTime::now_utc();
        for id in ["kept", "gone"] {
            let temp = root.join("tmp").join(id);
            std::fs::write(&temp, id).unwrap();
            data.commit(
                id,
                "b",
                TempFile::existing(temp),
                BlobProps::new(BlobKind::Block, 2, now),
            )
            .unwrap();
        }
        let asked = std::cell::Cell::new(false);
        data.sweep(|| {
            asked.set(true);
            HashSet::from(["kept".to_owned()])
        });
        assert!(asked.get());
        assert!(data.get("kept", "b").is_some());
        assert!(data.get("gone", "b").is_none());
        for _ in 0..100 {
            if !root.join("gone").exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert!(!root.join("gone").exists());
        assert!(data.blob_path("kept", "b").exists());

        let empty = store();
        empty.sweep(|| unreachable!("nothing is held: the World is not read"));
        drop(empty);

        drop(data);
        assert!(!root.join("kept").exists());
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn uncommitted_blocks_replace_by_id() {
        let data = store();
        data.add_uncommitted(
            "c",
            "b",
            Block {
                id: "AA==".into(),
                size: 1,
            },
        );
        data.add_uncommitted(
            "c",
            "b",
            Block {
                id: "AQ==".into(),
                size: 2,
            },
        );
        data.add_uncommitted(
            "c",
            "b",
            Block {
                id: "AA==".into(),
                size: 3,
            },
        );
        let ids: Vec<_> = data.uncommitted("c", "b").into_iter().map(|b| (b.id, b.size)).collect();
        assert_eq!(ids, [("AQ==".to_owned(), 2), ("AA==".to_owned(), 3)]);
        std::fs::remove_dir_all(&data.root).unwrap();
    }
}
