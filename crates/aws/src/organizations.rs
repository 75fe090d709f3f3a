//! Discovering an AWS Organization for `--org`: every account, the OU path it sits in
//! (names and ids) and its tags, read from the management or delegated administrator
//! account with `List*` calls only.
//!
//! The tree is walked from the roots down: per parent, ListOrganizationalUnitsForParent
//! and ListAccountsForParent. That is two calls per OU, where ListAccounts followed by
//! ListParents would cost one call per account and level. Then ListTagsForResource per
//! account. Calls run a few at a time: Organizations allows few requests per second.

use crate::{AwsOptions, ConnectError, errors, tag_map};
use aws_sdk_organizations::Client;
use futures::{StreamExt, TryStreamExt, stream};
use model::org::{Account, Organization};
use model::source::FetchError;
use std::sync::atomic::{AtomicU64, Ordering};

/// Organizations calls in flight at once.
const CONCURRENCY: usize = 4;

/// AWS nests OUs five deep; a deeper walk means the answers loop.
const MAX_DEPTH: usize = 8;

/// A connection to the Organizations API, with call accounting.
pub struct Organizations {
    organizations: Client,
    ctx: errors::Context,
    calls: AtomicU64,
    errors: AtomicU64,
}

/// A parent still to list: a root or an OU, with the OU path down to it.
struct Parent {
    id: String,
    names: Vec<String>,
    ids: Vec<String>,
}

impl Organizations {
    /// Connect with `opts`' credentials (the management or delegated administrator
    /// account: `profile` of the org file), timeouts and endpoint. `opts.assume` is
    /// honoured too, for an organisation read through a role.
    pub async fn connect(opts: &AwsOptions) -> Result<Organizations, ConnectError> {
        let (config, ctx) = crate::load(opts).await?;
        Ok(Organizations {
            organizations: Client::new(&config),
            ctx,
            calls: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }

    /// Every account of the organisation, with OU path and tags, in the order found.
    pub async fn discover(&self) -> Result<Organization, FetchError> {
        let roots =
            pages!(self, "organizations:ListRoots", self.organizations.list_roots().into_paginator().send(), |p| {
                p.roots.unwrap_or_default()
            });
        let mut frontier: Vec<Parent> = roots
            .into_iter()
            .filter_map(|r| r.id)
            .map(|id| Parent { id, names: Vec::new(), ids: Vec::new() })
            .collect();
        let mut accounts = Vec::new();
        for _ in 0..=MAX_DEPTH {
            if frontier.is_empty() {
                break;
            }
            let listed: Vec<(Vec<Parent>, Vec<Account>)> =
                stream::iter(frontier.iter().map(|p| self.children(p))).buffered(CONCURRENCY).try_collect().await?;
            frontier = Vec::new();
            for (ous, found) in listed {
                frontier.extend(ous);
                accounts.extend(found);
            }
        }
        if !frontier.is_empty() {
            return Err(FetchError::new(format!(
                "organizations:ListOrganizationalUnitsForParent: OUs nested deeper than {MAX_DEPTH} levels"
            )));
        }
        let tags: Vec<model::Tags> =
            stream::iter(accounts.iter().map(|a| self.tags(&a.id))).buffered(CONCURRENCY).try_collect().await?;
        for (a, t) in accounts.iter_mut().zip(tags) {
            a.tags = t;
        }
        Ok(Organization { accounts })
    }

    /// The OUs and accounts directly under one parent.
    async fn children(&self, parent: &Parent) -> Result<(Vec<Parent>, Vec<Account>), FetchError> {
        let ous = pages!(
            self,
            "organizations:ListOrganizationalUnitsForParent",
            self.organizations.list_organizational_units_for_parent().parent_id(&parent.id).into_paginator().send(),
            |p| p.organizational_units.unwrap_or_default()
        );
        let ous = ous
            .into_iter()
            .filter_map(|ou| {
                let (id, name) = (ou.id?, ou.name.unwrap_or_default());
                let mut names = parent.names.clone();
                names.push(name);
                let mut ids = parent.ids.clone();
                ids.push(id.clone());
                Some(Parent { id, names, ids })
            })
            .collect();
        let accounts = pages!(
            self,
            "organizations:ListAccountsForParent",
            self.organizations.list_accounts_for_parent().parent_id(&parent.id).into_paginator().send(),
            |p| p.accounts.unwrap_or_default()
        );
        let accounts = accounts
            .into_iter()
            .filter_map(|a| {
                // `Status` is being retired in favour of `State`: read `State` first.
                let state = a
                    .state()
                    .map(|s| s.as_str().to_string())
                    .or_else(|| a.status().map(|s| s.as_str().to_string()))
                    .unwrap_or_else(|| "UNKNOWN".to_string());
                Some(Account {
                    id: a.id?,
                    name: a.name.unwrap_or_default(),
                    state,
                    ou_path: parent.names.clone(),
                    ou_ids: parent.ids.clone(),
                    tags: model::Tags::new(),
                })
            })
            .collect();
        Ok((ous, accounts))
    }

    async fn tags(&self, account: &str) -> Result<model::Tags, FetchError> {
        let tags = pages!(
            self,
            "organizations:ListTagsForResource",
            self.organizations.list_tags_for_resource().resource_id(account).into_paginator().send(),
            |p| p.tags.unwrap_or_default()
        );
        Ok(tag_map(tags.iter().map(|t| (Some(t.key()), Some(t.value())))))
    }

    /// Calls made and calls failed so far.
    pub fn call_stats(&self) -> (u64, u64) {
        (self.calls.load(Ordering::Relaxed), self.errors.load(Ordering::Relaxed))
    }

    fn count_call(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Turn an SDK error into a one-line error, counting it.
    fn fail<E, R>(&self, op: &str, e: &aws_smithy_runtime_api::client::result::SdkError<E, R>) -> FetchError
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        self.errors.fetch_add(1, Ordering::Relaxed);
        errors::sdk_error(op, e, &self.ctx)
    }
}
