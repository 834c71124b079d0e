//! File storage through `object_store`: originals and Parquet snapshots under stable keys,
//! a local directory by default, any object store (S3, Azure, GCS) in production.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use tokio::io::AsyncReadExt;

use crate::error::{Error, Result};

/// Where files live. Cheap to clone.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Set for the local store: keys map to files under this directory.
    local_root: Option<PathBuf>,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Storage")
            .field("store", &self.store.to_string())
            .field("local_root", &self.local_root)
            .finish()
    }
}

/// Key of an uploaded original: `uploads/csv/{user_id}/{file_id}.{ext}`.
pub fn upload_key(user_id: &str, file_id: &str, ext: &str) -> String {
    format!(
        "uploads/csv/{user_id}/{file_id}.{}",
        ext.trim_start_matches('.')
    )
}

/// Key of a data source's snapshot: `processed/{user_id}/{data_source_id}.parquet`.
pub fn processed_key(user_id: &str, data_source_id: &str) -> String {
    format!("processed/{user_id}/{data_source_id}.parquet")
}

fn check_key(key: &str) -> Result<ObjectPath> {
    let bad = |reason: &str| Error::InvalidKey {
        key: key.to_string(),
        reason: reason.to_string(),
    };
    if key.is_empty() || key.starts_with('/') || key.contains('\\') {
        return Err(bad("keys are relative paths with `/` separators"));
    }
    if key
        .split('/')
        .any(|p| p.is_empty() || p == "." || p == "..")
    {
        return Err(bad("empty, `.` and `..` segments are not allowed"));
    }
    ObjectPath::parse(key).map_err(|e| bad(&e.to_string()))
}

impl Storage {
    /// A local directory store rooted at `root` (created if missing).
    pub fn local(root: &Path) -> Result<Self> {
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let root = root.canonicalize().map_err(|e| Error::io(root, e))?;
        let store = LocalFileSystem::new_with_prefix(&root)
            .map_err(Error::internal)?
            .with_automatic_cleanup(true);
        Ok(Storage {
            store: Arc::new(store),
            local_root: Some(root),
        })
    }

    /// Any object store (S3, Azure, GCS, in-memory for tests).
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        Storage {
            store,
            local_root: None,
        }
    }

    /// Copy a local file to `key`, streaming in chunks. Returns its size in bytes.
    pub async fn put_file(&self, key: &str, local: &Path) -> Result<u64> {
        let path = check_key(key)?;
        let mut file = tokio::fs::File::open(local)
            .await
            .map_err(|e| Error::io(local, e))?;
        let upload = self
            .store
            .put_multipart(&path)
            .await
            .map_err(Error::internal)?;
        let mut writer = WriteMultipart::new(upload);
        let mut buf = vec![0u8; 4 << 20];
        let mut total = 0u64;
        loop {
            let n = file.read(&mut buf).await.map_err(|e| Error::io(local, e))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            writer.write(&buf[..n]);
        }
        writer.finish().await.map_err(Error::internal)?;
        Ok(total)
    }

    /// Store bytes at `key`.
    pub async fn put_bytes(&self, key: &str, bytes: Vec<u8>) -> Result<u64> {
        let path = check_key(key)?;
        let n = bytes.len() as u64;
        self.store
            .put(&path, bytes.into())
            .await
            .map_err(Error::internal)?;
        Ok(n)
    }

    /// Delete `key`; deleting a missing key is not an error.
    pub async fn delete(&self, key: &str) -> Result<()> {
        let path = check_key(key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Error::internal(e)),
        }
    }

    /// Size in bytes of the object at `key`.
    pub async fn size(&self, key: &str) -> Result<u64> {
        let path = check_key(key)?;
        match self.store.head(&path).await {
            Ok(meta) => Ok(meta.size),
            Err(object_store::Error::NotFound { .. }) => Err(Error::NotFound {
                key: key.to_string(),
            }),
            Err(e) => Err(Error::internal(e)),
        }
    }

    /// Does an object exist at `key`?
    pub async fn exists(&self, key: &str) -> Result<bool> {
        match self.size(key).await {
            Ok(_) => Ok(true),
            Err(Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The file backing `key` for the local store (what the query session reads).
    pub fn local_path(&self, key: &str) -> Result<Option<PathBuf>> {
        check_key(key)?;
        Ok(self.local_root.as_ref().map(|r| r.join(key)))
    }

    /// A local file with the object's content: the file itself for the local store,
    /// otherwise a download to `cache_path`.
    pub async fn local_copy(&self, key: &str, cache_path: &Path) -> Result<PathBuf> {
        if let Some(p) = self.local_path(key)? {
            if p.is_file() {
                return Ok(p);
            }
            return Err(Error::NotFound {
                key: key.to_string(),
            });
        }
        let path = check_key(key)?;
        let got = self.store.get(&path).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => Error::NotFound {
                key: key.to_string(),
            },
            other => Error::internal(other),
        })?;
        let bytes = got.bytes().await.map_err(Error::internal)?;
        if let Some(parent) = cache_path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        tokio::fs::write(cache_path, &bytes)
            .await
            .map_err(|e| Error::io(cache_path, e))?;
        Ok(cache_path.to_path_buf())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_size_path_delete() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::local(dir.path()).unwrap();
        let src = dir.path().join("src.csv");
        std::fs::write(&src, b"a,b\n1,2\n").unwrap();
        let key = upload_key("u1", "f1", "csv");
        assert_eq!(key, "uploads/csv/u1/f1.csv");
        assert_eq!(s.put_file(&key, &src).await.unwrap(), 8);
        assert_eq!(s.size(&key).await.unwrap(), 8);
        let p = s.local_path(&key).unwrap().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"a,b\n1,2\n");
        assert_eq!(s.local_copy(&key, &dir.path().join("x")).await.unwrap(), p);
        s.delete(&key).await.unwrap();
        s.delete(&key).await.unwrap();
        assert!(!s.exists(&key).await.unwrap());
        assert_eq!(s.size(&key).await.unwrap_err().code(), "not_found");
        assert_eq!(processed_key("u", "d"), "processed/u/d.parquet");
    }

    #[tokio::test]
    async fn refuses_escaping_keys() {
        let dir = tempfile::tempdir().unwrap();
        let s = Storage::local(dir.path()).unwrap();
        for k in ["../etc/passwd", "/etc/passwd", "a//b", "a/./b", ""] {
            assert_eq!(s.size(k).await.unwrap_err().code(), "invalid_key", "{k}");
        }
    }

    #[tokio::test]
    async fn in_memory_store_downloads() {
        let s = Storage::new(Arc::new(object_store::memory::InMemory::new()));
        s.put_bytes("processed/u/d.parquet", b"PAR1".to_vec())
            .await
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let p = s
            .local_copy("processed/u/d.parquet", &dir.path().join("c/d.parquet"))
            .await
            .unwrap();
        assert_eq!(std::fs::read(p).unwrap(), b"PAR1");
    }
}
