//! The shape every `Microsoft.Network` resource here shares: a tracked resource (id, name, type,
//! location, tags, `properties`) holding named child resources inline (a virtual network's
//! `subnets`, a security group's `securityRules`, a route table's `routes`), each also addressable
//! as `{parent id}/{children}/{name}`, as the Network specification models them
//! (learn.microsoft.com "Virtual Networks - Get", "Network Security Groups - Get", "Route Tables -
//! Get").

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::marker::PhantomData;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::lifecycle::Lifecycle;
use crate::model::ids;
use crate::model::store::Stored;

/// What distinguishes one resource type from the others.
pub(crate) trait Kind: Clone + Debug + Send + Sync + 'static {
    /// The resource type, e.g. `Microsoft.Network/virtualNetworks`.
    const TYPE: &'static str;
    /// The property (and path segment) of its children, e.g. `subnets`.
    const CHILDREN: &'static str;
    /// The subnet property that refers to a resource of this kind (`networkSecurityGroup`,
    /// `routeTable`), whose `subnets` back-references Network then lists; `None` for none.
    const REFERENCED_AS: Option<&'static str> = None;

    /// Adds what Network computes for the resource of id `id` to its `properties` (the default
    /// security rules of a security group); nothing by default.
    fn computed(_id: &str, _properties: &mut Map<String, Value>) {}
}

/// A child resource: its name, its validated `properties` as the API answers them (without
/// `provisioningState`, which its lifecycle gives), and its lifecycle.
#[derive(Clone, Debug)]
pub(crate) struct Child {
    pub name: String,
    pub properties: Map<String, Value>,
    pub lifecycle: Lifecycle,
}

impl Child {
    /// Its JSON under the parent of id `parent_id`, in the children segment `segment`. Like the
    /// specification's examples (SubnetGet, RouteTableGet, NetworkSecurityGroupGet), without a
    /// `type`.
    pub fn to_json(&self, parent_id: &str, segment: &str, now: Instant) -> Value {
        let mut properties = self.properties.clone();
        properties.insert(
            "provisioningState".into(),
            self.lifecycle.provisioning_state(now).into(),
        );
        json!({
            "name": self.name,
            "id": format!("{parent_id}/{segment}/{}", self.name),
            "properties": properties,
        })
    }

    /// The `id` of the object at `key` of its properties (`networkSecurityGroup`, `routeTable`).
    pub fn reference(&self, key: &str) -> Option<&str> {
        self.properties.get(key)?.get("id")?.as_str()
    }

    /// The strings of `addressPrefix` and `addressPrefixes` (a subnet's ranges).
    pub fn address_prefixes(&self) -> Vec<&str> {
        let single = self.properties.get("addressPrefix").and_then(Value::as_str);
        let many = self
            .properties
            .get("addressPrefixes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str);
        single.into_iter().chain(many).collect()
    }
}

/// A tracked `Microsoft.Network` resource of kind `K`.
#[derive(Clone, Debug)]
pub(crate) struct Resource<K: Kind> {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// Its validated `properties` but its children and `provisioningState`.
    pub properties: Map<String, Value>,
    /// Its children, in the order written.
    pub children: Vec<Child>,
    pub lifecycle: Lifecycle,
    pub kind: PhantomData<K>,
}

impl<K: Kind> Resource<K> {
    /// The children whose deletion has not completed at `now`.
    pub fn live_children(&self, now: Instant) -> impl Iterator<Item = &Child> {
        self.children.iter().filter(move |child| !child.lifecycle.is_gone(now))
    }

    /// The child `name` (any case) unless its deletion has completed at `now`.
    pub fn child(&self, name: &str, now: Instant) -> Option<&Child> {
        self.live_children(now)
            .find(|child| child.name.eq_ignore_ascii_case(name))
    }

    /// Puts `child` in place of the one with its name (any case), or after the others; forgets
    /// children whose deletion has completed at `now`.
    pub fn put_child(&mut self, child: Child, now: Instant) {
        self.children.retain(|existing| !existing.lifecycle.is_gone(now));
        match self
            .children
            .iter_mut()
            .find(|existing| existing.name.eq_ignore_ascii_case(&child.name))
        {
            Some(existing) => *existing = child,
            None => self.children.push(child),
        }
    }
}

impl<K: Kind> Stored for Resource<K> {
    fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, K::TYPE, &self.name)
    }

    /// `tags` only when it has some, as the specification's examples show it.
    fn to_json(&self, now: Instant) -> Value {
        let id = Stored::id(self);
        let mut properties = self.properties.clone();
        K::computed(&id, &mut properties);
        let children: Vec<Value> = self
            .live_children(now)
            .map(|child| child.to_json(&id, K::CHILDREN, now))
            .collect();
        properties.insert(K::CHILDREN.into(), children.into());
        properties.insert(
            "provisioningState".into(),
            self.lifecycle.provisioning_state(now).into(),
        );
        let mut body = json!({
            "id": id,
            "name": self.name,
            "type": K::TYPE,
            "location": self.location,
            "properties": properties,
        });
        if !self.tags.is_empty() {
            body["tags"] = json!(self.tags);
        }
        body
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.lifecycle.is_gone(now)
    }
}
