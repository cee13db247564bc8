//! Reads objects (commits, trees, blobs) from a git repository's object store without running
//! git, for `--staged`: the staged content of a file is a blob in the store, and what HEAD
//! holds is a commit and its trees. A scanned repository is untrusted, so every object is
//! hostile input: sizes are capped before anything is inflated, delta chains are capped in
//! depth and in the bytes they produce, every offset and length is checked, and a corrupt
//! object is an error, never a panic. Files are opened through [`fsio`] (regular files only,
//! no symlink followed) and pack files are read in pieces, never whole.
//!
//! Formats, as git's `Documentation/gitformat-pack.txt` describes them:
//! - a loose object is `objects/xx/yyyy…`, zlib of `<type> <size>\0<content>`;
//! - a pack index (`objects/pack/*.idx`, version 2) has a fan-out table, the sorted object
//!   names, CRCs, 31-bit offsets and a table of 64-bit offsets;
//! - a pack (`*.pack`) entry is a type-and-size header, then zlib data; delta entries
//!   (`OFS_DELTA`, `REF_DELTA`) name their base by a backward offset or an object name, and
//!   their data is a list of copy and insert instructions.
//!
//! Alternates (`objects/info/alternates`) are not followed: an object kept only there is not
//! found.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::fsio;

/// git's own limit on a delta chain is 4095 (`pack.depth`).
const MAX_DELTA_DEPTH: usize = 4096;
/// All the objects one delta chain builds may come to this many bytes, whatever their depth.
const MAX_CHAIN_BYTES: u64 = 256 * 1024 * 1024;
/// Pack files listed at most (a repository has a handful; thousands mean something is wrong).
const MAX_PACKS: usize = 4096;
/// Resolved pack objects kept for the delta chains of the next lookups (trees share bases).
const CACHE_BYTES: usize = 32 * 1024 * 1024;
/// Objects larger than this are not cached.
const MAX_CACHED_OBJECT: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Commit,
    Tree,
    Blob,
    Tag,
}

impl Kind {
    fn from_name(name: &[u8]) -> Option<Kind> {
        Some(match name {
            b"commit" => Kind::Commit,
            b"tree" => Kind::Tree,
            b"blob" => Kind::Blob,
            b"tag" => Kind::Tag,
            _ => return None,
        })
    }

    fn from_pack_type(code: u8) -> Option<Kind> {
        Some(match code {
            1 => Kind::Commit,
            2 => Kind::Tree,
            3 => Kind::Blob,
            4 => Kind::Tag,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub kind: Kind,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OdbError {
    /// No loose object and no pack has it.
    NotFound(String),
    /// The object is larger than the caller's limit.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Malformed data, with what was wrong.
    Corrupt(String),
    Io(String),
}

impl std::fmt::Display for OdbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OdbError::NotFound(oid) => write!(f, "object {oid} is not in the object store"),
            OdbError::TooLarge { size, limit } => {
                write!(f, "larger than {} MiB ({size} bytes), skipped", limit >> 20)
            }
            OdbError::Corrupt(what) => write!(f, "corrupt object data: {what}"),
            OdbError::Io(error) => write!(f, "{error}"),
        }
    }
}

fn corrupt(what: &str) -> OdbError {
    OdbError::Corrupt(what.to_string())
}

fn io(error: impl std::fmt::Display) -> OdbError {
    OdbError::Io(error.to_string())
}

/// The object names as lowercase hex.
pub fn hex(oid: &[u8]) -> String {
    oid.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses lowercase or uppercase hex of exactly `hash_len` bytes.
pub fn parse_hex(text: &str, hash_len: usize) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if text.len() != hash_len * 2 {
        return None;
    }
    let digit = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    text.chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// A repository's object store: `objects/` and the packs in `objects/pack/`.
pub struct Odb {
    objects: PathBuf,
    hash_len: usize,
    packs: Vec<Pack>,
    cache: RefCell<Cache>,
}

/// A resolved pack object, shared between the cache and its users.
type Resolved = (Kind, std::rc::Rc<[u8]>);

#[derive(Default)]
struct Cache {
    /// By pack and offset.
    objects: HashMap<(usize, u64), Resolved>,
    bytes: usize,
}

struct Pack {
    idx: File,
    idx_len: u64,
    pack: File,
    pack_len: u64,
    /// The fan-out table: how many names start with a byte up to each value.
    fanout: Vec<u32>,
}

impl Odb {
    /// Opens the store at `objects` (a repository's `objects/` folder) whose object names are
    /// `hash_len` bytes. Pack indexes that cannot be read are left out (their objects are then
    /// not found); a pack index of an unknown version is too.
    pub fn open(objects: &Path, hash_len: usize) -> Odb {
        let mut packs = Vec::new();
        if let Ok(dir) = std::fs::read_dir(objects.join("pack")) {
            let mut names: Vec<PathBuf> = dir
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|e| e == "idx"))
                .take(MAX_PACKS)
                .collect();
            names.sort();
            packs.extend(
                names
                    .iter()
                    .filter_map(|idx| Pack::open(idx, hash_len).ok()),
            );
        }
        Odb {
            objects: objects.to_path_buf(),
            hash_len,
            packs,
            cache: RefCell::default(),
        }
    }

    pub fn hash_len(&self) -> usize {
        self.hash_len
    }

    /// The object named `oid`, refused when larger than `limit` bytes.
    pub fn read(&self, oid: &[u8], limit: u64) -> Result<Object, OdbError> {
        if oid.len() != self.hash_len {
            return Err(corrupt("an object name of the wrong length"));
        }
        for (at, pack) in self.packs.iter().enumerate() {
            if let Some(offset) = pack.find(oid, self.hash_len)? {
                return self.read_packed(at, offset, limit);
            }
        }
        self.read_loose(oid, limit)
    }

    fn read_loose(&self, oid: &[u8], limit: u64) -> Result<Object, OdbError> {
        let name = hex(oid);
        let path = self.objects.join(&name[..2]).join(&name[2..]);
        let (file, _) = match fsio::open_regular(&path) {
            Ok(opened) => opened,
            Err(fsio::ReadError::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                return Err(OdbError::NotFound(name));
            }
            Err(error) => return Err(io(error)),
        };
        inflate_loose(file, limit)
    }

    /// The object at `offset` of pack `at`, its delta chain resolved.
    fn read_packed(&self, at: usize, offset: u64, limit: u64) -> Result<Object, OdbError> {
        // Walk down to a base object, remembering the deltas on the way.
        let mut deltas: Vec<(usize, u64)> = Vec::new();
        let (mut pack_at, mut entry_at) = (at, offset);
        let (kind, mut data) = loop {
            if let Some((kind, data)) = self.cached(pack_at, entry_at) {
                break (kind, data.to_vec());
            }
            if deltas.len() > MAX_DELTA_DEPTH {
                return Err(corrupt("a delta chain deeper than git allows"));
            }
            let pack = &self.packs[pack_at];
            let header = pack.entry_header(entry_at, self.hash_len)?;
            match header.base {
                None => {
                    let kind = Kind::from_pack_type(header.code)
                        .ok_or_else(|| corrupt("an unknown pack entry type"))?;
                    // A base is refused only when it is larger than what the chain may build.
                    let cap = if deltas.is_empty() {
                        limit
                    } else {
                        MAX_CHAIN_BYTES
                    };
                    if header.size > cap {
                        return Err(OdbError::TooLarge {
                            size: header.size,
                            limit: cap,
                        });
                    }
                    let data = pack.inflate(header.data_at, header.size)?;
                    if !deltas.is_empty() {
                        // A base is usually the base of many deltas (the versions of a tree).
                        self.remember(pack_at, entry_at, kind, &data);
                    }
                    break (kind, data);
                }
                Some(base) => {
                    if header.size > MAX_CHAIN_BYTES {
                        return Err(corrupt("a delta larger than the chain may build"));
                    }
                    deltas.push((pack_at, entry_at));
                    (pack_at, entry_at) = match base {
                        Base::Offset(base_at) => (pack_at, base_at),
                        Base::Name(name) => self.locate_packed(&name)?,
                    };
                }
            }
        };
        // Apply the deltas from the base up, bounding what the whole chain produces.
        let mut built = data.len() as u64;
        for (pack_at, entry_at) in deltas.into_iter().rev() {
            let pack = &self.packs[pack_at];
            let header = pack.entry_header(entry_at, self.hash_len)?;
            let delta = pack.inflate(header.data_at, header.size)?;
            data = apply_delta(&data, &delta, MAX_CHAIN_BYTES)?;
            built = built.saturating_add(data.len() as u64);
            if built > MAX_CHAIN_BYTES {
                return Err(corrupt("a delta chain that builds too many bytes"));
            }
            self.remember(pack_at, entry_at, kind, &data);
        }
        if data.len() as u64 > limit {
            return Err(OdbError::TooLarge {
                size: data.len() as u64,
                limit,
            });
        }
        Ok(Object { kind, data })
    }

    /// Where a `REF_DELTA` base is: it must be in a pack (git never deltas against a loose
    /// object in a pack it wrote; a thin pack's bases are added when it is stored).
    fn locate_packed(&self, oid: &[u8]) -> Result<(usize, u64), OdbError> {
        for (at, pack) in self.packs.iter().enumerate() {
            if let Some(offset) = pack.find(oid, self.hash_len)? {
                return Ok((at, offset));
            }
        }
        Err(OdbError::NotFound(hex(oid)))
    }

    fn cached(&self, pack: usize, offset: u64) -> Option<Resolved> {
        self.cache.borrow().objects.get(&(pack, offset)).cloned()
    }

    fn remember(&self, pack: usize, offset: u64, kind: Kind, data: &[u8]) {
        if data.len() > MAX_CACHED_OBJECT {
            return;
        }
        let mut cache = self.cache.borrow_mut();
        if cache.bytes + data.len() > CACHE_BYTES {
            *cache = Cache::default();
        }
        cache.bytes += data.len();
        cache
            .objects
            .insert((pack, offset), (kind, std::rc::Rc::from(data)));
    }
}

/// Inflates a loose object: header first, so its size is checked before its content is.
fn inflate_loose(file: impl Read, limit: u64) -> Result<Object, OdbError> {
    let mut decoder = flate2::read::ZlibDecoder::new(std::io::BufReader::new(file));
    let mut header = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if header.len() > 32 {
            return Err(corrupt("a loose object header that does not end"));
        }
        match decoder.read(&mut byte) {
            Ok(1) if byte[0] == 0 => break,
            Ok(1) => header.push(byte[0]),
            Ok(_) => return Err(corrupt("a loose object that ends in its header")),
            Err(error) => return Err(corrupt(&format!("zlib: {error}"))),
        }
    }
    let (kind, size) = header
        .iter()
        .position(|&b| b == b' ')
        .and_then(|space| {
            let kind = Kind::from_name(&header[..space])?;
            let size: u64 = std::str::from_utf8(&header[space + 1..])
                .ok()?
                .parse()
                .ok()?;
            Some((kind, size))
        })
        .ok_or_else(|| corrupt("a malformed loose object header"))?;
    if size > limit {
        return Err(OdbError::TooLarge { size, limit });
    }
    let data = read_exactly(decoder, size)?;
    Ok(Object { kind, data })
}

/// Reads `size` bytes of inflated data, and fails when there are fewer or more.
fn read_exactly(reader: impl Read, size: u64) -> Result<Vec<u8>, OdbError> {
    let mut data = Vec::with_capacity(usize::try_from(size.min(1 << 24)).unwrap_or(0));
    reader
        .take(size.saturating_add(1))
        .read_to_end(&mut data)
        .map_err(|error| corrupt(&format!("zlib: {error}")))?;
    if data.len() as u64 != size {
        return Err(corrupt("object data of another size than its header says"));
    }
    Ok(data)
}

enum Base {
    Offset(u64),
    Name(Vec<u8>),
}

struct EntryHeader {
    code: u8,
    /// The inflated size: the object's, or the delta data's.
    size: u64,
    base: Option<Base>,
    /// Where the zlib data starts.
    data_at: u64,
}

impl Pack {
    fn open(idx_path: &Path, hash_len: usize) -> Result<Pack, OdbError> {
        let (idx, idx_len) = fsio::open_regular(idx_path).map_err(io)?;
        let (pack, pack_len) = fsio::open_regular(&idx_path.with_extension("pack")).map_err(io)?;
        let mut head = [0u8; 8 + 256 * 4];
        read_at(&idx, 0, &mut head)?;
        if head[..8] != [0xff, b't', b'O', b'c', 0, 0, 0, 2] {
            return Err(corrupt("a pack index that is not version 2"));
        }
        let fanout: Vec<u32> = head[8..]
            .chunks_exact(4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if fanout.windows(2).any(|w| w[0] > w[1]) {
            return Err(corrupt("a pack index whose fan-out table is not sorted"));
        }
        let count = u64::from(fanout[255]);
        let least = 8 + 256 * 4 + count * (hash_len as u64 + 8) + 2 * hash_len as u64;
        if idx_len < least {
            return Err(corrupt("a pack index shorter than its object count"));
        }
        let mut pack_head = [0u8; 12];
        read_at(&pack, 0, &mut pack_head)?;
        if &pack_head[..4] != b"PACK" {
            return Err(corrupt("a pack without its signature"));
        }
        Ok(Pack {
            idx,
            idx_len,
            pack,
            pack_len,
            fanout,
        })
    }

    fn count(&self) -> u64 {
        u64::from(self.fanout[255])
    }

    /// The pack offset of `oid`, by binary search among the names that share its first byte.
    fn find(&self, oid: &[u8], hash_len: usize) -> Result<Option<u64>, OdbError> {
        let first = usize::from(oid[0]);
        let mut low = if first == 0 {
            0
        } else {
            u64::from(self.fanout[first - 1])
        };
        let mut high = u64::from(self.fanout[first]);
        let names_at = 8 + 256 * 4;
        let mut name = vec![0u8; hash_len];
        while low < high {
            let middle = low + (high - low) / 2;
            read_at(&self.idx, names_at + middle * hash_len as u64, &mut name)?;
            match name.as_slice().cmp(oid) {
                std::cmp::Ordering::Less => low = middle + 1,
                std::cmp::Ordering::Greater => high = middle,
                std::cmp::Ordering::Equal => return self.offset_of(middle, hash_len).map(Some),
            }
        }
        Ok(None)
    }

    fn offset_of(&self, position: u64, hash_len: usize) -> Result<u64, OdbError> {
        let count = self.count();
        let offsets_at = 8 + 256 * 4 + count * (hash_len as u64 + 4);
        let mut small = [0u8; 4];
        read_at(&self.idx, offsets_at + position * 4, &mut small)?;
        let small = u32::from_be_bytes(small);
        let offset = if small & 0x8000_0000 == 0 {
            u64::from(small)
        } else {
            let large_at = offsets_at + count * 4 + u64::from(small & 0x7fff_ffff) * 8;
            if large_at + 8 > self.idx_len {
                return Err(corrupt("a pack index offset outside its table"));
            }
            let mut large = [0u8; 8];
            read_at(&self.idx, large_at, &mut large)?;
            u64::from_be_bytes(large)
        };
        if offset < 12 || offset >= self.pack_len {
            return Err(corrupt("a pack offset outside the pack"));
        }
        Ok(offset)
    }

    fn entry_header(&self, at: u64, hash_len: usize) -> Result<EntryHeader, OdbError> {
        // A header is at most 10 size bytes, then a 10-byte offset or an object name.
        let mut bytes = [0u8; 10 + 32 + 10];
        let available = self.pack_len.saturating_sub(at).min(bytes.len() as u64) as usize;
        read_at(&self.pack, at, &mut bytes[..available])?;
        let bytes = &bytes[..available];
        let (code, size, mut used) = entry_type_and_size(bytes)?;
        let base = match code {
            6 => {
                let (distance, length) = base_distance(&bytes[used..])?;
                used += length;
                let base_at = at
                    .checked_sub(distance)
                    .filter(|&base_at| base_at >= 12 && distance > 0)
                    .ok_or_else(|| corrupt("a delta base before the pack's start"))?;
                Some(Base::Offset(base_at))
            }
            7 => {
                let name = bytes
                    .get(used..used + hash_len)
                    .ok_or_else(|| corrupt("a delta base name cut short"))?
                    .to_vec();
                used += hash_len;
                Some(Base::Name(name))
            }
            _ => None,
        };
        Ok(EntryHeader {
            code,
            size,
            base,
            data_at: at + used as u64,
        })
    }

    /// Inflates `size` bytes from the zlib data at `at`, reading no more of the pack than
    /// such data can take.
    fn inflate(&self, at: u64, size: u64) -> Result<Vec<u8>, OdbError> {
        let mut file = &self.pack;
        file.seek(SeekFrom::Start(at)).map_err(io)?;
        // zlib never grows data by more than a few bytes per 16 KiB block.
        let most = size.saturating_add(size / 64).saturating_add(1024);
        let decoder = flate2::bufread::ZlibDecoder::new(std::io::BufReader::new(file.take(most)));
        read_exactly(decoder, size)
    }
}

/// A pack entry's first bytes: type in bits 4–6 of the first, size in 4 bits, then 7 bits
/// a byte while the high bit is set.
fn entry_type_and_size(bytes: &[u8]) -> Result<(u8, u64, usize), OdbError> {
    let first = *bytes
        .first()
        .ok_or_else(|| corrupt("a pack entry cut short"))?;
    let code = (first >> 4) & 7;
    let mut size = u64::from(first & 0x0f);
    let mut shift = 4u32;
    let mut used = 1;
    let mut byte = first;
    while byte & 0x80 != 0 {
        byte = *bytes
            .get(used)
            .ok_or_else(|| corrupt("a pack entry size cut short"))?;
        if shift > 57 {
            return Err(corrupt("a pack entry size that overflows"));
        }
        size |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        used += 1;
    }
    Ok((code, size, used))
}

/// An `OFS_DELTA` base distance: big-endian 7 bits a byte, each continuation adding one.
fn base_distance(bytes: &[u8]) -> Result<(u64, usize), OdbError> {
    let mut used = 0;
    let mut value = 0u64;
    loop {
        let byte = *bytes
            .get(used)
            .ok_or_else(|| corrupt("a delta base offset cut short"))?;
        if used > 0 {
            value = value
                .checked_add(1)
                .and_then(|v| v.checked_mul(128))
                .ok_or_else(|| corrupt("a delta base offset that overflows"))?;
        }
        value |= u64::from(byte & 0x7f);
        used += 1;
        if byte & 0x80 == 0 {
            return Ok((value, used));
        }
        if used >= 10 {
            return Err(corrupt("a delta base offset that overflows"));
        }
    }
}

/// A delta's size header: little-endian 7 bits a byte.
fn delta_size(delta: &[u8], at: &mut usize) -> Result<u64, OdbError> {
    let mut value = 0u64;
    let mut shift = 0u32;
    loop {
        let byte = *delta
            .get(*at)
            .ok_or_else(|| corrupt("a delta header cut short"))?;
        *at += 1;
        if shift > 63 {
            return Err(corrupt("a delta size that overflows"));
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(value);
        }
        shift += 7;
    }
}

/// Builds an object from its base and a delta; the result may be at most `limit` bytes.
pub fn apply_delta(base: &[u8], delta: &[u8], limit: u64) -> Result<Vec<u8>, OdbError> {
    let mut at = 0;
    let base_size = delta_size(delta, &mut at)?;
    let result_size = delta_size(delta, &mut at)?;
    if base_size != base.len() as u64 {
        return Err(corrupt("a delta for a base of another size"));
    }
    if result_size > limit {
        return Err(OdbError::TooLarge {
            size: result_size,
            limit,
        });
    }
    let result_size = usize::try_from(result_size).map_err(|_| corrupt("a delta too large"))?;
    let mut out = Vec::with_capacity(result_size);
    while at < delta.len() {
        let op = delta[at];
        at += 1;
        if op & 0x80 != 0 {
            // Copy: up to four offset bytes and three size bytes, as the low bits say.
            let mut field = |bits: u8, count: usize| -> Result<usize, OdbError> {
                let mut value = 0usize;
                for i in 0..count {
                    if bits & (1 << i) != 0 {
                        let byte = *delta
                            .get(at)
                            .ok_or_else(|| corrupt("a delta copy cut short"))?;
                        at += 1;
                        value |= usize::from(byte) << (8 * i);
                    }
                }
                Ok(value)
            };
            let offset = field(op & 0x0f, 4)?;
            let mut size = field((op >> 4) & 0x07, 3)?;
            if size == 0 {
                size = 0x10000;
            }
            let source = offset
                .checked_add(size)
                .and_then(|end| base.get(offset..end))
                .ok_or_else(|| corrupt("a delta copy outside its base"))?;
            if out.len() + size > result_size {
                return Err(corrupt("a delta that builds more than it says"));
            }
            out.extend_from_slice(source);
        } else if op != 0 {
            let size = usize::from(op);
            let inserted = delta
                .get(at..at + size)
                .ok_or_else(|| corrupt("a delta insert cut short"))?;
            if out.len() + size > result_size {
                return Err(corrupt("a delta that builds more than it says"));
            }
            out.extend_from_slice(inserted);
            at += size;
        } else {
            return Err(corrupt("a reserved delta instruction"));
        }
    }
    if out.len() != result_size {
        return Err(corrupt("a delta that builds less than it says"));
    }
    Ok(out)
}

/// Reads exactly `buf.len()` bytes at `offset`.
fn read_at(file: &File, offset: u64, buf: &mut [u8]) -> Result<(), OdbError> {
    let mut file = file;
    file.seek(SeekFrom::Start(offset)).map_err(io)?;
    file.read_exact(buf).map_err(|error| match error.kind() {
        std::io::ErrorKind::UnexpectedEof => corrupt("a pack or index cut short"),
        _ => io(error),
    })
}

/// One entry of a tree object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeEntry<'a> {
    pub mode: u32,
    pub name: &'a [u8],
    pub oid: &'a [u8],
}

impl TreeEntry<'_> {
    pub fn is_tree(&self) -> bool {
        self.mode == 0o40000
    }
}

/// The entries of a tree object: `<octal mode> <name>\0<object name>` each.
pub fn tree_entries(data: &[u8], hash_len: usize) -> Result<Vec<TreeEntry<'_>>, OdbError> {
    let mut entries = Vec::new();
    let mut at = 0;
    while at < data.len() {
        let space = data[at..]
            .iter()
            .position(|&b| b == b' ')
            .ok_or_else(|| corrupt("a tree entry without a mode"))?;
        let mode_text = &data[at..at + space];
        if mode_text.is_empty() || mode_text.len() > 7 {
            return Err(corrupt("a tree entry with a malformed mode"));
        }
        let mut mode = 0u32;
        for &digit in mode_text {
            if !(b'0'..=b'7').contains(&digit) {
                return Err(corrupt("a tree entry with a malformed mode"));
            }
            mode = mode * 8 + u32::from(digit - b'0');
        }
        let name_at = at + space + 1;
        let nul = data[name_at..]
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| corrupt("a tree entry without its name's end"))?;
        let name = &data[name_at..name_at + nul];
        let oid_at = name_at + nul + 1;
        let oid = data
            .get(oid_at..oid_at + hash_len)
            .ok_or_else(|| corrupt("a tree entry cut short"))?;
        entries.push(TreeEntry { mode, name, oid });
        at = oid_at + hash_len;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zlib(data: &[u8]) -> Vec<u8> {
        let mut encoder =
            flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(data).expect("in memory");
        encoder.finish().expect("in memory")
    }

    #[test]
    fn loose_objects_inflate_and_are_checked() {
        let object = inflate_loose(&zlib(b"blob 5\0hello")[..], 100).expect("valid");
        assert_eq!(object.kind, Kind::Blob);
        assert_eq!(object.data, b"hello");
        assert_eq!(
            inflate_loose(&zlib(b"blob 5\0hello")[..], 4),
            Err(OdbError::TooLarge { size: 5, limit: 4 })
        );
        for bad in [
            &b"blob 6\0hello"[..],
            b"blob 4\0hello",
            b"blob\0hello",
            b"nope 5\0hello",
            b"blob 99999999999999999999999\0",
            b"blob 5",
            b"",
            &[b'a'; 100][..],
        ] {
            assert!(
                inflate_loose(&zlib(bad)[..], 1 << 20).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        // Not zlib at all, and zlib cut short.
        assert!(inflate_loose(&b"not zlib"[..], 100).is_err());
        let whole = zlib(b"blob 5\0hello");
        for cut in 0..whole.len() {
            assert!(inflate_loose(&whole[..cut], 100).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn deltas_apply_and_refuse_what_does_not_fit() {
        let base = b"hello, world";
        // base size 12, result size 11: copy 7 bytes at 0 ("hello, "), insert "0bit".
        let delta = [12, 11, 0x90, 7, 4, b'0', b'b', b'i', b't'];
        assert_eq!(
            apply_delta(base, &delta, 100).expect("valid"),
            b"hello, 0bit"
        );
        assert_eq!(
            apply_delta(base, &delta, 10),
            Err(OdbError::TooLarge {
                size: 11,
                limit: 10
            })
        );
        for bad in [
            &[11, 11, 0x90, 7, 4, b'0', b'b', b'i', b't'][..], // wrong base size
            &[12, 12, 0x90, 7, 4, b'0', b'b', b'i', b't'],     // builds less
            &[12, 10, 0x90, 7, 4, b'0', b'b', b'i', b't'],     // builds more
            &[12, 11, 0x91, 9, 7],                             // copy past the base
            &[12, 11, 0x90],                                   // copy cut short
            &[12, 11, 9, b'a'],                                // insert cut short
            &[12, 11, 0],                                      // reserved
            &[12],                                             // header cut short
            &[
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
            ],
            &[
                12, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01,
            ],
            &[12, 11, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ] {
            assert!(apply_delta(base, bad, 1 << 20).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn pack_entry_headers_are_bounded() {
        assert_eq!(entry_type_and_size(&[0x35]).expect("valid"), (3, 5, 1));
        assert_eq!(
            entry_type_and_size(&[0xb5, 0x01]).expect("valid"),
            (3, 21, 2)
        );
        assert!(entry_type_and_size(&[]).is_err());
        assert!(entry_type_and_size(&[0xb5]).is_err());
        assert!(entry_type_and_size(&[0xff; 20]).is_err());
        assert_eq!(base_distance(&[0x05]).expect("valid"), (5, 1));
        assert_eq!(base_distance(&[0x81, 0x00]).expect("valid"), (256, 2));
        assert!(base_distance(&[0x81]).is_err());
        assert!(base_distance(&[0xff; 20]).is_err());
    }

    #[test]
    fn trees_parse_and_corrupt_trees_do_not() {
        let mut tree = b"100644 a.rs\0".to_vec();
        tree.extend([1u8; 20]);
        tree.extend(b"40000 src\0");
        tree.extend([2u8; 20]);
        let entries = tree_entries(&tree, 20).expect("valid");
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].name, b"a.rs");
        assert_eq!(entries[0].mode, 0o100644);
        assert!(entries[1].is_tree());
        for cut in 1..tree.len() {
            if cut == 32 {
                continue; // the first entry alone is a valid tree
            }
            assert!(tree_entries(&tree[..cut], 20).is_err(), "cut at {cut}");
        }
        assert!(tree_entries(b"1x0644 a\0", 20).is_err());
        assert!(tree_entries(b"99999999999 a\0", 20).is_err());
    }

    #[test]
    fn hex_round_trips() {
        let oid = parse_hex("00ff10ab", 4).expect("valid");
        assert_eq!(oid, [0x00, 0xff, 0x10, 0xab]);
        assert_eq!(hex(&oid), "00ff10ab");
        assert_eq!(parse_hex("00ff10a", 4), None);
        assert_eq!(parse_hex("00ff10ag", 4), None);
        assert_eq!(parse_hex("+0ff10ab", 4), None);
    }

    /// Garbage in every file of a store is an error, never a panic.
    #[test]
    fn corrupt_stores_are_errors() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let objects = dir.path().join("objects");
        std::fs::create_dir_all(objects.join("pack")).expect("dirs");
        std::fs::create_dir_all(objects.join("ab")).expect("dirs");
        let oid = [0xabu8; 20];
        std::fs::write(objects.join("ab").join(&hex(&oid)[2..]), b"garbage").expect("written");
        // A pack index that claims objects it does not hold.
        let mut idx = vec![0xff, b't', b'O', b'c', 0, 0, 0, 2];
        idx.extend((0..256).flat_map(|_| 1000u32.to_be_bytes()));
        std::fs::write(objects.join("pack/pack-1.idx"), &idx).expect("written");
        std::fs::write(
            objects.join("pack/pack-1.pack"),
            b"PACK\0\0\0\x02\0\0\0\x01",
        )
        .expect("written");
        let odb = Odb::open(&objects, 20);
        assert!(odb.packs.is_empty(), "a short index is left out");
        assert!(matches!(odb.read(&oid, 100), Err(OdbError::Corrupt(_))));
        assert!(matches!(
            odb.read(&[1u8; 20], 100),
            Err(OdbError::NotFound(_))
        ));
        assert!(odb.read(&[1u8; 3], 100).is_err());
    }

    /// A hand-built pack: a blob, an offset delta on it, a delta naming itself as its base,
    /// and entries that lie about their sizes.
    #[test]
    fn hand_built_packs_read_and_lie_safely() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let objects = dir.path().join("objects");
        std::fs::create_dir_all(objects.join("pack")).expect("dirs");
        let mut pack = b"PACK\0\0\0\x02\0\0\0\x04".to_vec();
        let blob_at = pack.len() as u64;
        pack.push(0x30 | 12); // blob, 12 bytes
        pack.extend(zlib(b"hello, world"));
        let delta_at = pack.len() as u64;
        let delta = [12u8, 11, 0x90, 7, 4, b'0', b'b', b'i', b't'];
        pack.push(0x60 | delta.len() as u8); // OFS_DELTA
        let distance = delta_at - blob_at;
        assert!(distance < 128);
        pack.push(distance as u8);
        pack.extend(zlib(&delta));
        let looped_at = pack.len() as u64;
        pack.push(0x70 | delta.len() as u8); // REF_DELTA on its own name
        pack.extend([3u8; 20]);
        pack.extend(zlib(&delta));
        let liar_at = pack.len() as u64;
        pack.push(0x30 | 3); // a blob of "3 bytes" that inflates to 12
        pack.extend(zlib(b"hello, world"));
        let mut names = [
            ([1u8; 20], blob_at),
            ([2u8; 20], delta_at),
            ([3u8; 20], looped_at),
            ([4u8; 20], liar_at),
        ];
        names.sort();
        let mut idx = vec![0xff, b't', b'O', b'c', 0, 0, 0, 2];
        for byte in 0..=255u8 {
            let below = names.iter().filter(|(n, _)| n[0] <= byte).count() as u32;
            idx.extend(below.to_be_bytes());
        }
        for (name, _) in &names {
            idx.extend(name);
        }
        idx.extend([0u8; 4 * 4]);
        for (_, at) in &names {
            idx.extend((*at as u32).to_be_bytes());
        }
        idx.extend([0u8; 40]);
        std::fs::write(objects.join("pack/pack-1.idx"), &idx).expect("written");
        std::fs::write(objects.join("pack/pack-1.pack"), &pack).expect("written");
        let odb = Odb::open(&objects, 20);
        assert_eq!(odb.packs.len(), 1);
        assert_eq!(
            odb.read(&[1u8; 20], 100).expect("a blob").data,
            b"hello, world"
        );
        assert_eq!(
            odb.read(&[2u8; 20], 100).expect("a delta").data,
            b"hello, 0bit"
        );
        assert_eq!(
            odb.read(&[2u8; 20], 5),
            Err(OdbError::TooLarge { size: 11, limit: 5 })
        );
        assert!(matches!(
            odb.read(&[3u8; 20], 100),
            Err(OdbError::Corrupt(_))
        ));
        assert!(matches!(
            odb.read(&[4u8; 20], 100),
            Err(OdbError::Corrupt(_))
        ));
        // Every cut of the pack file is an error or a right answer, never a panic.
        for cut in 12..pack.len() {
            std::fs::write(objects.join("pack/pack-1.pack"), &pack[..cut]).expect("written");
            let odb = Odb::open(&objects, 20);
            for name in 1..=4u8 {
                if let Ok(object) = odb.read(&[name; 20], 100) {
                    assert!(object.data == b"hello, world" || object.data == b"hello, 0bit");
                }
            }
        }
    }
}
