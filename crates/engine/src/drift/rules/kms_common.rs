//! What the three `kms.*` rules share: finding a listed key in the inventory. Keys are
//! collected through their aliases (kms:ListAliases), so a key id or ARN that is not
//! found may be a key without an alias: that is unknown, not missing.

use model::{KmsKey, Snapshot};

pub(super) enum Lookup<'a> {
    Found(&'a KmsKey),
    /// An alias no key carries: the key does not exist.
    Missing,
    /// A key id or ARN not found among aliased keys: it may exist without an alias.
    Unaliased,
}

/// An alias ARN (`arn:aws:kms:REGION:ACCOUNT:alias/NAME`) names the alias `alias/NAME`.
pub(super) fn lookup<'a>(snap: &'a Snapshot, name: &str) -> Lookup<'a> {
    let name = name.find(":alias/").map_or(name, |i| &name[i + 1..]);
    match snap.kms_keys.iter().find(|k| k.named(name)) {
        Some(k) => Lookup::Found(k),
        None if name.starts_with("alias/") => Lookup::Missing,
        None => Lookup::Unaliased,
    }
}

/// The key named as the design names it, with its id when that differs.
pub(super) fn label(name: &str, key: &KmsKey) -> String {
    if name == key.id { name.to_string() } else { format!("{name} ({})", key.id) }
}
