//! Values kept for the whole run, by number: the names of calls, types and fields, and the
//! callees of calls. A large workspace has a million calls but some tens of thousands of
//! names and a few thousand callees, so a call keeps a callee's number (4 bytes) and a
//! callee keeps its names' numbers.
//!
//! Each kind has one table for the run: values are appended by any thread and read by
//! number without a lock. A table only grows, bounded by the distinct values of the run (of
//! every run, in one process). Each thread also remembers the values it looked up last, so
//! that common ones (`clone`, `map_err`, `Ok`) take no lock.

use foldhash::HashMap;
use std::borrow::Borrow;
use std::cell::RefCell;
use std::hash::{BuildHasher, Hash};
use std::num::NonZeroU32;
use std::sync::{LazyLock, Mutex};

/// A run-wide table: each value has a number from 1.
struct Table<T: 'static> {
    values: boxcar::Vec<T>,
    numbers: Mutex<HashMap<T, NonZeroU32>>,
}

impl<T: Copy + Eq + Hash + 'static> Table<T> {
    fn new() -> Self {
        Table {
            values: boxcar::Vec::new(),
            numbers: Mutex::new(HashMap::default()),
        }
    }

    fn get(&self, number: NonZeroU32) -> T {
        self.values[number.get() as usize - 1]
    }

    /// The number of the value `key` stands for; a new value, made by `make`, takes the
    /// next number.
    fn number<Q>(&self, key: &Q, make: impl FnOnce() -> T) -> NonZeroU32
    where
        T: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        // A poisoned lock only means another thread panicked while it held it; the map is
        // still whole (an insert does not unwind halfway through).
        let mut numbers = self.numbers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(number) = numbers.get(key) {
            return *number;
        }
        let value = make();
        let at = self.values.push(value);
        // Four billion distinct values would take far more memory than any scan has; were
        // it ever reached, later values would share the last number rather than panic.
        let number = u32::try_from(at + 1)
            .ok()
            .and_then(NonZeroU32::new)
            .unwrap_or(NonZeroU32::MAX);
        numbers.insert(value, number);
        number
    }
}

/// How many values each thread remembers per table, in [`Recent`].
const RECENT_VALUES: usize = 4096;

/// The values a thread looked up last, one per slot of their key's hash: a fixed 16 KiB.
struct Recent {
    hasher: foldhash::fast::RandomState,
    slots: Box<[Option<NonZeroU32>]>,
}

impl Recent {
    fn new() -> Self {
        Recent {
            hasher: foldhash::fast::RandomState::default(),
            slots: vec![None; RECENT_VALUES].into_boxed_slice(),
        }
    }

    /// [`Table::number`], without the table's lock when `key` was looked up last in its slot.
    fn number<T, Q>(&mut self, table: &Table<T>, key: &Q, make: impl FnOnce() -> T) -> NonZeroU32
    where
        T: Copy + Eq + Hash + Borrow<Q> + 'static,
        Q: Hash + Eq + ?Sized,
    {
        let slot = self.hasher.hash_one(key) as usize % RECENT_VALUES;
        match self.slots[slot] {
            Some(number) if table.get(number).borrow() == key => number,
            _ => {
                let number = table.number(key, make);
                self.slots[slot] = Some(number);
                number
            }
        }
    }
}

static NAMES: LazyLock<Table<&'static str>> = LazyLock::new(Table::new);
static CALLEES: LazyLock<Table<Callee>> = LazyLock::new(Table::new);

thread_local! {
    static RECENT_NAMES: RefCell<Recent> = RefCell::new(Recent::new());
    static RECENT_CALLEES: RefCell<Recent> = RefCell::new(Recent::new());
}

/// A short name kept for the whole run (a call's name, path or type). Names repeat (every
/// `clone`, `map_err`, `Hmac::new_from_slice`), so the run keeps one copy of each text and a
/// `Name` is its number: 4 bytes (`Option<Name>` too), copied freely, equal when the texts
/// are. Ordered by text, so sorting by name does not depend on which thread saw it first.
/// Compares with and derefs to `str`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Name(NonZeroU32);

impl Name {
    pub fn as_str(&self) -> &'static str {
        NAMES.get(self.0)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl Default for Name {
    fn default() -> Self {
        Name::from("")
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        // A name's text is leaked into the table: it is kept for the run anyway.
        let make = || -> &'static str { Box::leak(text.into()) };
        Name(RECENT_NAMES.with(|recent| recent.borrow_mut().number(&NAMES, text, make)))
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Name::from(text.as_str())
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a call calls, as written: see [`crate::extract::rust::webhooks::Call`].
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Callee {
    pub name: Name,
    pub path: Option<Name>,
    pub on_type: Option<Name>,
}

/// A [`Callee`]'s number.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct CalleeNumber(NonZeroU32);

impl Callee {
    pub fn number(self) -> CalleeNumber {
        CalleeNumber(
            RECENT_CALLEES.with(|recent| recent.borrow_mut().number(&CALLEES, &self, || self)),
        )
    }
}

impl CalleeNumber {
    pub fn callee(self) -> Callee {
        CALLEES.get(self.0)
    }
}
