//! Objects read from the packs of a check's object directories, resolving each delta chain from
//! the nearest version already decoded.
//!
//! git stores most versions of a file as a delta against another version, in chains up to 50
//! long. gitoxide's own reader keeps only the object it was asked for, so an object whose chain
//! runs through versions nobody asked for (other files, in a repacked history) is rebuilt from the
//! chain's base every time: on a real-size history that is three times the inflating `git log`
//! does. Like git's delta base cache, this reader keeps versions it decodes along a chain, least
//! recently used first out, under a cap in bytes: walking the chain down stops at the first
//! version it holds. It keeps the version asked for and one in [`KEEP_EVERY`] of those below it,
//! not each: a chain of a repacked history runs through the versions of many files of the same
//! name, most never asked for, and keeping all of them crowded out the versions the next commits
//! ask for again. Where the walks themselves are deep (see [`DEEP_WALK`]), the cap grows and
//! every other version is kept: the memory is spent only where the walks spend the time.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use gix_pack::data::decode::entry::ResolvedBase;
use gix_pack::data::entry::Header;

/// Longer chains than this are left to the other readers (git itself writes at most 4,095).
const MAX_CHAIN: usize = 10_000;

/// Bytes decoded between two times the pages of the packs are given back (see
/// [`SharedPacks::give_back_pages`]). Mapping a page again costs a minor fault: 23,000 of them
/// over 10,009 commits.
const PAGES_EVERY: usize = 8 * 1024 * 1024;

/// The packs of a check's object directories and the versions decoded from them, shared by its
/// worker threads: they judge neighbouring commits, whose chains run through the same versions.
pub(crate) struct SharedPacks {
    dirs: Vec<PathBuf>,
    packs: Vec<gix_pack::Bundle>,
    decoded: Mutex<Decoded>,
    /// Bytes decoded since the pages of the packs were last given back.
    since_given_back: AtomicUsize,
}

/// The packs opened for each set of object directories, while a reader holds them.
static OPENED: Mutex<Vec<Weak<SharedPacks>>> = Mutex::new(Vec::new());

impl SharedPacks {
    /// The packs of the object directories `dirs` (`pack/*.idx` with their `.pack`), keeping at
    /// most `cap` bytes of decoded versions, opened once while in use; a pack that cannot be
    /// opened is left out, for the other readers to answer for.
    pub(crate) fn for_dirs(dirs: &[PathBuf], cap: usize) -> Arc<SharedPacks> {
        let mut opened = OPENED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        opened.retain(|packs| packs.strong_count() > 0);
        if let Some(packs) = opened
            .iter()
            .filter_map(Weak::upgrade)
            .find(|packs| packs.dirs == dirs)
        {
            return packs;
        }
        let packs = Arc::new(SharedPacks::open(dirs, cap));
        opened.push(Arc::downgrade(&packs));
        packs
    }

    fn open(dirs: &[PathBuf], cap: usize) -> SharedPacks {
        let mut indexes: Vec<_> = with_alternates(dirs)
            .iter()
            .filter_map(|dir| std::fs::read_dir(dir.join("pack")).ok())
            .flatten()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "idx"))
            .collect();
        indexes.sort();
        SharedPacks {
            dirs: dirs.to_vec(),
            packs: indexes
                .iter()
                .filter_map(|idx| gix_pack::Bundle::at(idx, gix_hash::Kind::Sha1).ok())
                .collect(),
            decoded: Mutex::new(Decoded::new(cap)),
            since_given_back: AtomicUsize::new(0),
        }
    }

    /// Counts `bytes` decoded; every [`PAGES_EVERY`] bytes, gives back the pages of the packs.
    fn count_decoded(&self, bytes: usize) {
        let before = self.since_given_back.fetch_add(bytes, Ordering::Relaxed);
        if before < PAGES_EVERY && before + bytes >= PAGES_EVERY {
            self.since_given_back.store(0, Ordering::Relaxed);
            self.give_back_pages();
        }
    }

    /// Drops the pages of the pack files from this process's mappings. gitoxide maps each pack
    /// whole, so a walk through a long history would otherwise keep every page it ever read
    /// mapped (a 34 MB pack for 10,000 commits), on top of libgit2's bounded windows. The pages
    /// stay in the kernel's page cache: the next read maps them again from there, with the same
    /// contents, since a pack file is never changed in place and the mapping is never written.
    #[cfg(target_os = "linux")]
    #[allow(unsafe_code)]
    fn give_back_pages(&self) {
        for bundle in &self.packs {
            let pack = &bundle.pack;
            let Some(data) = pack.entry_slice(0..pack.data_len() as u64) else {
                continue;
            };
            // SAFETY: `data` is the whole read-only mapping of a pack file (it starts at the
            // mapping's page-aligned start), which nothing writes through. MADV_DONTNEED on such
            // a file mapping only drops its resident pages; a later access maps the same bytes of
            // the file again, so slices other threads hold keep their contents.
            unsafe {
                libc::madvise(
                    data.as_ptr().cast_mut().cast(),
                    data.len(),
                    libc::MADV_DONTNEED,
                );
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn give_back_pages(&self) {}
}

/// How deep alternates of alternates are followed, as by libgit2 and git.
const ALTERNATE_DEPTH: usize = 5;

/// `dirs` and, after each, the object directories its `info/alternates` lists (relative ones
/// from that directory, in the repository's own list only), followed as libgit2 follows them: a `--shared` clone keeps every pack
/// in the repository it was cloned from, and those packs would otherwise be read without the
/// versions this reader keeps.
pub(crate) fn with_alternates(dirs: &[PathBuf]) -> Vec<PathBuf> {
    fn add(dir: PathBuf, depth: usize, all: &mut Vec<PathBuf>) {
        if all.contains(&dir) {
            return;
        }
        all.push(dir.clone());
        if depth == ALTERNATE_DEPTH {
            return;
        }
        let Ok(text) = std::fs::read_to_string(dir.join("info").join("alternates")) else {
            return;
        };
        for line in text.lines() {
            let line = line.trim_end_matches('\r');
            // Comments and quoted paths, which libgit2 does not read either, are skipped.
            if line.is_empty() || line.starts_with('#') || line.starts_with('"') {
                continue;
            }
            let path = Path::new(line);
            // libgit2 reads a relative path from the repository's own list only.
            if path.is_relative() && depth > 0 {
                continue;
            }
            add(dir.join(path), depth + 1, all);
        }
    }
    let mut all = Vec::new();
    for dir in dirs {
        add(dir.clone(), 0, &mut all);
    }
    all
}

/// One worker's reader of the shared packs.
pub(crate) struct PackChains {
    shared: Arc<SharedPacks>,
    inflate: gix_zlib::Inflate,
    chain: Vec<gix_pack::data::Entry>,
}

impl PackChains {
    pub(crate) fn new(shared: Arc<SharedPacks>) -> PackChains {
        PackChains {
            shared,
            inflate: gix_zlib::Inflate::default(),
            chain: Vec::new(),
        }
    }

    /// Object `id` and its kind, when a pack has it and it decodes; `None` otherwise.
    pub(crate) fn object(
        &mut self,
        id: &gix_hash::oid,
        out: &mut Vec<u8>,
    ) -> Option<gix_object::Kind> {
        let (bundle, index) = self
            .shared
            .packs
            .iter()
            .find_map(|bundle| Some((bundle, bundle.index.lookup(id)?)))?;
        let kind = decode(
            bundle,
            bundle.index.pack_offset_at_index(index),
            &mut Locked(&self.shared.decoded),
            &mut self.inflate,
            &mut self.chain,
            out,
        );
        self.shared.count_decoded(out.len());
        kind
    }

    /// The first `len` bytes of commit `id` into `out` (all of it when shorter), and whether
    /// that is the whole commit, when a pack stores it whole; `None` otherwise (a delta, another
    /// kind of object, not in these packs), for [`Self::object`] to decode. A merge-base walk
    /// reads only a commit's header, a third of a git.git commit.
    pub(crate) fn whole_commit_prefix(
        &mut self,
        id: &gix_hash::oid,
        len: usize,
        out: &mut Vec<u8>,
    ) -> Option<bool> {
        let (bundle, index) = self
            .shared
            .packs
            .iter()
            .find_map(|bundle| Some((bundle, bundle.index.lookup(id)?)))?;
        let pack = &bundle.pack;
        let entry = pack.entry(bundle.index.pack_offset_at_index(index)).ok()?;
        if !matches!(entry.header, Header::Commit) {
            return None;
        }
        let size = usize::try_from(entry.decompressed_size).ok()?;
        let wanted = size.min(len);
        let input = pack.entry_slice(entry.data_offset..pack.pack_end() as u64)?;
        out.clear();
        out.resize(wanted, 0);
        self.inflate.reset();
        let (_, _, written) = self.inflate.prefix(input, out).ok()?;
        if written != wanted {
            return None;
        }
        self.shared.count_decoded(wanted);
        Some(wanted == size)
    }
}

/// Decodes the entry at `offset` of `bundle` into `out`: walks its chain down to a version held
/// in `decoded` or a whole object, then decodes the versions above it, keeping the one asked for
/// and every [`KEEP_EVERY`]th on the way up.
fn decode(
    bundle: &gix_pack::Bundle,
    offset: u64,
    decoded: &mut Locked<'_>,
    inflate: &mut gix_zlib::Inflate,
    chain: &mut Vec<gix_pack::data::Entry>,
    out: &mut Vec<u8>,
) -> Option<gix_object::Kind> {
    let pack = &bundle.pack;
    // gitoxide keys the versions it keeps by the pack's own id.
    let pack_id = pack.id;
    chain.clear();
    let mut entry = pack.entry(offset).ok()?;
    loop {
        if chain.is_empty() {
            if let Some(kind) = decoded.copy(pack_id, entry.data_offset, out) {
                return Some(kind);
            }
        } else if decoded.holds(pack_id, entry.data_offset) {
            break;
        }
        let base = match entry.header {
            Header::OfsDelta { base_distance } => entry.checked_base_pack_offset(base_distance)?,
            Header::RefDelta { base_id } => offset_of(bundle, &base_id)?,
            _ if chain.is_empty() => {
                let kind = entry.header.as_kind()?;
                let at = entry.data_offset;
                decoded.walked(0);
                let outcome = pack
                    .decode_entry(
                        entry,
                        out,
                        inflate,
                        &|_, _| Ok(None),
                        &mut gix_pack::cache::Never,
                    )
                    .ok()?;
                // Kept, as a version asked for is: the rules of a commit read each of its files
                // in turn (its size, then its Progress), and each read inflated it again.
                gix_pack::cache::DecodeEntry::put(
                    decoded,
                    pack_id,
                    at,
                    out,
                    kind,
                    outcome.compressed_size,
                );
                return Some(kind);
            }
            // Not kept: gitoxide inflates a whole base again whenever it decodes a delta on it
            // (it looks only deltas up in the kept versions), so it is inflated there once.
            _ => break,
        };
        if chain.len() == MAX_CHAIN {
            return None;
        }
        chain.push(entry);
        entry = pack.entry(base).ok()?;
    }
    // `chain` runs from the version asked for down to the one above what is held or whole. Each
    // decode applies the deltas from the last version kept up to the next one it keeps (gitoxide
    // keeps the version it was asked for): the versions in between would only crowd the kept
    // ones out, and any of them is at most `keep_every` deltas from one kept.
    let len = chain.len();
    let keep_every = decoded.walked(len);
    let mut kind = None;
    for (index, entry) in chain.iter().enumerate().rev() {
        if index != 0 && !(len - index).is_multiple_of(keep_every) {
            continue;
        }
        let outcome = pack
            .decode_entry(
                entry.clone(),
                out,
                inflate,
                &|base_id, _| match offset_of(bundle, base_id) {
                    Some(offset) => Ok(Some(ResolvedBase::InPack(pack.entry(offset)?))),
                    None => Ok(None),
                },
                decoded,
            )
            .ok()?;
        kind = Some(outcome.kind);
    }
    kind
}

/// Of the versions a chain is decoded through, one in this many is kept besides the one asked
/// for. On the merge-heavy history of `bench/topics.py` (1,442 commits), keeping each version
/// applied 51,600 deltas and this 31,700 (every 4th: 32,300; every 16th: 37,100; none: 55,500).
const KEEP_EVERY: usize = 8;

/// Deltas a walk applies, on average, above which the walks are deep: the cap of decoded versions
/// grows [`DEEP_GROWTH`] times and one in [`DEEP_KEEP_EVERY`] versions is kept. On the merge-heavy
/// history of `bench/topics.py`, whose chains run through same-named files up to 50 deep, a walk
/// applies 6.2 deltas; on git.git's last 300 merges 1.1, on 10,009 commits of consecutive versions
/// 0.1. Decided every [`WALKS_JUDGED`] walks, on all the walks so far, once: a cap that shrank
/// again would drop what it kept.
const DEEP_WALK: usize = 3;

/// How many times the cap grows where the walks are deep: 12 MiB to 48. On `bench/topics.py`,
/// with every other version kept, 31,700 deltas become 14,000 (32 MiB: 17,800; 64 MiB: 13,100).
const DEEP_GROWTH: usize = 4;

/// One in this many versions below the one asked for is kept where the walks are deep: with the
/// grown cap there is room for them (every 4th: 15,800 deltas at 48 MiB, every 8th: 19,600).
const DEEP_KEEP_EVERY: usize = 2;

/// Walks between two judgements of whether the walks are deep.
const WALKS_JUDGED: usize = 256;

/// Where object `id` starts in the pack of `bundle`, when that pack has it: the base of a delta
/// that names its base by id.
fn offset_of(bundle: &gix_pack::Bundle, id: &gix_hash::oid) -> Option<u64> {
    Some(bundle.index.pack_offset_at_index(bundle.index.lookup(id)?))
}

/// Decoded versions by pack and offset, least recently used first out, under a cap in bytes.
struct Decoded {
    versions: clru::CLruCache<(u32, u64), Version, std::hash::RandomState, ByLength>,
    /// The cap, in bytes, as first set.
    cap: usize,
    /// Walks down a chain (reads of a version not kept) and the deltas they applied.
    walks: usize,
    deltas: usize,
    /// One in this many versions below the one asked for is kept.
    keep_every: usize,
}

struct Version {
    data: Vec<u8>,
    kind: gix_object::Kind,
    compressed_size: usize,
}

struct ByLength;

impl clru::WeightScale<(u32, u64), Version> for ByLength {
    fn weight(&self, _: &(u32, u64), version: &Version) -> usize {
        version.data.len()
    }
}

impl Decoded {
    fn new(cap: usize) -> Decoded {
        let cap = NonZeroUsize::new(cap).unwrap_or(NonZeroUsize::MIN);
        Decoded {
            versions: clru::CLruCache::with_config(
                clru::CLruCacheConfig::new(cap).with_scale(ByLength),
            ),
            cap: cap.get(),
            walks: 0,
            deltas: 0,
            keep_every: KEEP_EVERY,
        }
    }

    /// Counts a walk that applies `deltas`; the walks found deep, grows the cap and keeps more of
    /// each chain. Returns how many versions apart the walk keeps them.
    fn walked(&mut self, deltas: usize) -> usize {
        self.walks += 1;
        self.deltas += deltas;
        if self.keep_every == KEEP_EVERY
            && self.walks.is_multiple_of(WALKS_JUDGED)
            && self.deltas > DEEP_WALK * self.walks
        {
            self.keep_every = DEEP_KEEP_EVERY;
            let grown = self.cap.saturating_mul(DEEP_GROWTH);
            self.versions
                .resize(NonZeroUsize::new(grown).unwrap_or(NonZeroUsize::MIN));
        }
        self.keep_every
    }
}

/// The shared versions, locked for each look-up or addition only: decoding runs unlocked.
struct Locked<'a>(&'a Mutex<Decoded>);

impl Locked<'_> {
    fn lock(&self) -> MutexGuard<'_, Decoded> {
        // A thread that panicked while holding the lock left the cache whole: every change to it
        // is one call into the cache.
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn copy(&mut self, pack_id: u32, offset: u64, out: &mut Vec<u8>) -> Option<gix_object::Kind> {
        gix_pack::cache::DecodeEntry::get(self, pack_id, offset, out).map(|(kind, _)| kind)
    }

    fn holds(&self, pack_id: u32, offset: u64) -> bool {
        self.lock().versions.contains(&(pack_id, offset))
    }

    fn walked(&self, deltas: usize) -> usize {
        self.lock().walked(deltas)
    }
}

impl gix_pack::cache::DecodeEntry for Locked<'_> {
    fn put(
        &mut self,
        pack_id: u32,
        offset: u64,
        data: &[u8],
        kind: gix_object::Kind,
        compressed_size: usize,
    ) {
        let version = Version {
            data: data.to_vec(),
            kind,
            compressed_size,
        };
        // Over the cap, the cache refuses it.
        let _ = self
            .lock()
            .versions
            .put_with_weight((pack_id, offset), version);
    }

    fn get(
        &mut self,
        pack_id: u32,
        offset: u64,
        out: &mut Vec<u8>,
    ) -> Option<(gix_object::Kind, usize)> {
        let decoded = &mut *self.lock();
        let version = decoded.versions.get(&(pack_id, offset))?;
        out.clear();
        out.extend_from_slice(&version.data);
        Some((version.kind, version.compressed_size))
    }
}

#[cfg(test)]
#[path = "pack_chains_tests.rs"]
mod tests;
