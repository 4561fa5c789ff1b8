//! Subscriptions and their ARM representation.

use serde::Serialize;
use serde_json::{Value, json};

/// An Azure subscription.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct Subscription {
    pub id: String,
    pub tenant_id: String,
    pub display_name: String,
}

impl Subscription {
    /// The `Microsoft.Resources/subscriptions` JSON of the 2016-06-01 and later api-versions.
    pub fn to_json(&self) -> Value {
        json!({
            "id": format!("/subscriptions/{}", self.id),
            "authorizationSource": "RoleBased",
            "managedByTenants": [],
            "subscriptionId": self.id,
            "tenantId": self.tenant_id,
            "displayName": self.display_name,
            "state": "Enabled",
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "PayAsYouGo_2014-09-01",
                "spendingLimit": "Off"
            }
        })
    }
}
