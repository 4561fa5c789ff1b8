//! The generic store of ARM resources: one ordered map per resource type, keyed by the lowercase
//! resource id (ARM compares ids case-insensitively), so that a list is a range of keys and its
//! order is the paging order. [`Stores`] holds the store of every resource type whose provider
//! keeps its state to itself, one per Rust type, so that adding a type touches no shared struct.

use std::any::{Any, TypeId};
use std::collections::{BTreeMap, HashMap};
use std::fmt::Debug;
use std::ops::Bound;
use std::time::Instant;

use serde_json::Value;

/// A resource the store holds.
pub(crate) trait Stored: Clone + Debug + Send + Sync + 'static {
    /// Its ARM id, in the case it was created with.
    fn id(&self) -> String;

    /// Its ARM JSON at the emulator time `now`.
    fn to_json(&self, now: Instant) -> Value;

    /// Whether its deletion has completed at `now`: it is then invisible, and forgotten by the
    /// next write that meets it.
    fn is_gone(&self, _now: Instant) -> bool {
        false
    }
}

/// The store key of a resource id (or of an id prefix).
pub(crate) fn key(id: &str) -> String {
    id.to_lowercase()
}

/// The resources of one type, ordered by key.
#[derive(Clone, Debug)]
pub(crate) struct Store<T> {
    by_key: BTreeMap<String, T>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            by_key: BTreeMap::new(),
        }
    }
}

impl<T: Stored> Store<T> {
    /// The resource with id `id` (any case), unless its deletion has completed at `now`.
    pub fn get(&self, id: &str, now: Instant) -> Option<&T> {
        self.by_key.get(&key(id)).filter(|resource| !resource.is_gone(now))
    }

    /// Mutable access; a resource whose deletion has completed at `now` is forgotten first.
    pub fn get_mut(&mut self, id: &str, now: Instant) -> Option<&mut T> {
        let key = key(id);
        if self.by_key.get(&key).is_some_and(|resource| resource.is_gone(now)) {
            self.by_key.remove(&key);
        }
        self.by_key.get_mut(&key)
    }

    /// Adds a resource, or replaces the one with the same id.
    pub fn insert(&mut self, resource: T) {
        self.by_key.insert(key(&resource.id()), resource);
    }

    /// Removes the resource with id `id`.
    pub fn remove(&mut self, id: &str) -> Option<T> {
        self.by_key.remove(&key(id))
    }

    /// The live resources whose id starts with `prefix` (any case), in key order.
    pub fn under<'a>(&'a self, prefix: &str, now: Instant) -> impl Iterator<Item = &'a T> + 'a {
        let prefix = key(prefix);
        self.by_key
            .range::<String, _>((Bound::Included(&prefix), Bound::Unbounded))
            .take_while(move |(key, _)| key.starts_with(&prefix))
            .map(|(_, resource)| resource)
            .filter(move |resource| !resource.is_gone(now))
    }

    /// Removes every resource whose id starts with `prefix` (any case), live or not.
    pub fn remove_under(&mut self, prefix: &str) -> Vec<T> {
        let prefix = key(prefix);
        let keys: Vec<String> = self
            .by_key
            .range::<String, _>((Bound::Included(&prefix), Bound::Unbounded))
            .take_while(|(key, _)| key.starts_with(&prefix))
            .map(|(key, _)| key.clone())
            .collect();
        keys.iter().filter_map(|key| self.by_key.remove(key)).collect()
    }

    /// Forgets every resource whose deletion has completed at `now`.
    pub fn forget_gone(&mut self, now: Instant) {
        self.by_key.retain(|_, resource| !resource.is_gone(now));
    }

    /// Every resource, live or not, in key order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.by_key.values()
    }

    /// Every resource, live or not, in key order, mutably.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.by_key.values_mut()
    }
}

/// A [`Store`] of some type, as [`Stores`] keeps it.
trait AnyStore: Any + Debug + Send + Sync {
    /// A copy (the state is cloned to apply seeds atomically).
    fn clone_box(&self) -> Box<dyn AnyStore>;
}

impl<T: Stored> AnyStore for Store<T> {
    fn clone_box(&self) -> Box<dyn AnyStore> {
        Box::new(self.clone())
    }
}

/// The stores of the resource types that keep their state to themselves, one per type.
#[derive(Debug, Default)]
pub(crate) struct Stores {
    by_type: HashMap<TypeId, Box<dyn AnyStore>>,
}

impl Clone for Stores {
    fn clone(&self) -> Self {
        Stores {
            by_type: self
                .by_type
                .iter()
                .map(|(type_id, store)| (*type_id, store.clone_box()))
                .collect(),
        }
    }
}

impl Stores {
    /// The store of `T`; `None` until a resource of that type has been written.
    pub fn get<T: Stored>(&self) -> Option<&Store<T>> {
        let store: &dyn Any = self.by_type.get(&TypeId::of::<T>())?.as_ref();
        store.downcast_ref()
    }

    /// The store of `T`, created empty when there is none yet.
    pub fn get_mut<T: Stored>(&mut self) -> &mut Store<T> {
        let slot = self
            .by_type
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(Store::<T>::default()));
        let store: &mut dyn Any = slot.as_mut();
        match store.downcast_mut() {
            Some(store) => store,
            None => unreachable!("the store under a type's id holds that type"),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::{Value, json};

    use super::{Store, Stored, Stores};

    #[derive(Clone, Debug)]
    struct Thing {
        id: String,
        gone_at: Option<Instant>,
    }

    impl Stored for Thing {
        fn id(&self) -> String {
            self.id.clone()
        }

        fn to_json(&self, _now: Instant) -> Value {
            json!({ "id": self.id })
        }

        fn is_gone(&self, now: Instant) -> bool {
            self.gone_at.is_some_and(|at| at <= now)
        }
    }

    fn thing(id: &str) -> Thing {
        Thing {
            id: id.into(),
            gone_at: None,
        }
    }

    fn ids<'a>(things: impl Iterator<Item = &'a Thing>) -> Vec<&'a str> {
        things.map(|t| t.id.as_str()).collect()
    }

    #[test]
    fn keys_ignore_case_and_prefixes_scope_lists() {
        let now = Instant::now();
        let mut store = Store::default();
        for id in ["/s/RG-B/x", "/s/rg-a/B", "/s/rg-a/a", "/s/rg-ab/z", "/t/rg-a/a"] {
            store.insert(thing(id));
        }
        assert_eq!(store.get("/S/rg-b/X", now).unwrap().id, "/s/RG-B/x");
        assert_eq!(ids(store.under("/S/RG-A/", now)), ["/s/rg-a/a", "/s/rg-a/B"]);
        assert_eq!(
            ids(store.under("/s/", now)),
            ["/s/rg-a/a", "/s/rg-a/B", "/s/rg-ab/z", "/s/RG-B/x"]
        );
        let removed = store.remove_under("/s/rg-a/");
        assert_eq!(ids(removed.iter()), ["/s/rg-a/a", "/s/rg-a/B"]);
        assert_eq!(ids(store.values()), ["/s/rg-ab/z", "/s/RG-B/x", "/t/rg-a/a"]);
        assert!(store.remove("/T/RG-A/A").is_some());
    }

    #[test]
    fn a_completed_deletion_hides_and_then_forgets() {
        let now = Instant::now();
        let mut store = Store::default();
        store.insert(Thing {
            id: "/gone".into(),
            gone_at: Some(now),
        });
        assert!(store.get("/gone", now - Duration::from_millis(1)).is_some());
        assert!(store.get("/gone", now).is_none());
        assert_eq!(store.under("/", now).count(), 0);
        assert!(store.get_mut("/gone", now).is_none());
        assert_eq!(store.values().count(), 0);
    }

    #[test]
    fn stores_hold_one_store_per_type() {
        let mut stores = Stores::default();
        assert!(stores.get::<Thing>().is_none());
        stores.get_mut::<Thing>().insert(thing("/a"));
        let copy = stores.clone();
        stores.get_mut::<Thing>().insert(thing("/b"));
        assert_eq!(copy.get::<Thing>().unwrap().values().count(), 1);
        assert_eq!(stores.get::<Thing>().unwrap().values().count(), 2);
    }
}
