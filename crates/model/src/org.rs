//! An AWS Organization as discovered: its accounts, where each sits in the OU tree, and
//! their tags. The adapter fills it; the engine matches it against an `--org` file.

use crate::Tags;
use serde::{Deserialize, Serialize};

/// Every account of one organisation, in the order discovery found them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub accounts: Vec<Account>,
}

/// One member account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Twelve digits.
    pub id: String,
    /// The account's friendly name (not unique across an organisation).
    pub name: String,
    /// Organizations' account state as AWS spells it: `ACTIVE`, `SUSPENDED`,
    /// `PENDING_ACTIVATION`, `PENDING_CLOSURE`, `CLOSED`.
    pub state: String,
    /// The names of the OUs from the one under the root down to the account's parent;
    /// empty for an account directly under the root.
    pub ou_path: Vec<String>,
    /// The ids of the same OUs (`ou-…`), in the same order.
    pub ou_ids: Vec<String>,
    pub tags: Tags,
}

impl Account {
    /// Only active accounts can be read; every other state is skipped.
    pub fn is_active(&self) -> bool {
        self.state == "ACTIVE"
    }

    /// The OU path as written in an `--org` file: names joined by `/`, `""` at the root.
    pub fn ou_path_text(&self) -> String {
        self.ou_path.join("/")
    }
}
