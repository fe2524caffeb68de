//! What one worker keeps of what it has read across the commits it checks: blobs and tree
//! listings by id, and the pack reader it opened.

use execguard_core::RepoPath;
use git2::{Oid, Repository};

use crate::pack_reader;

/// What one worker has read, kept across the commits it checks: consecutive commits share most
/// of their specs, execplans and code, so each is read once. Blobs are read through a
/// [`pack_reader::PackReader`], opened on the first read, which keeps the versions it decodes
/// from packs; the blobs it reads from elsewhere (loose objects, alternates) and those libgit2
/// reads are kept here.
#[derive(Default)]
pub struct ReadCache {
    blobs: std::cell::RefCell<std::collections::HashMap<Oid, std::rc::Rc<[u8]>>>,
    blob_bytes: std::cell::Cell<usize>,
    pub(crate) listings:
        std::cell::RefCell<std::collections::HashMap<Oid, std::rc::Rc<[RepoPath]>>>,
    pub(crate) packs: std::cell::OnceCell<Option<std::rc::Rc<pack_reader::PackReader>>>,
}

impl ReadCache {
    /// Blobs larger than this are read each time.
    const MAX_BLOB: usize = 256 * 1024;
    /// When the cached blobs pass this, the cache starts over.
    const MAX_TOTAL: usize = 2 * 1024 * 1024;

    pub(crate) fn blob(&self, id: Oid) -> Option<std::rc::Rc<[u8]>> {
        self.blobs.borrow().get(&id).cloned()
    }

    /// Blob `id` as the pack reader finds it, and whether the reader keeps it (see
    /// [`pack_reader::PackReader::blob`]); `None` for libgit2 to read.
    pub(crate) fn packed_blob(&self, repo: &Repository, id: Oid) -> Option<(Vec<u8>, bool)> {
        self.packs
            .get_or_init(|| pack_reader::for_thread(repo))
            .as_ref()?
            .blob(id)
    }

    pub(crate) fn keep_blob(&self, id: Oid, data: &[u8]) {
        if data.len() > Self::MAX_BLOB {
            return;
        }
        if self.blob_bytes.get() + data.len() > Self::MAX_TOTAL {
            self.blobs.borrow_mut().clear();
            self.blob_bytes.set(0);
        }
        self.blob_bytes.set(self.blob_bytes.get() + data.len());
        self.blobs.borrow_mut().insert(id, data.into());
    }
}
