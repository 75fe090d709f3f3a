//! Assuming a role in another account (a member of an organisation): the credentials of
//! the options (profile, environment, SSO) sign one STS AssumeRole call, and every client
//! of the connection then acts in the member account.

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;

/// The role to assume, over the options' own credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    /// `arn:aws:iam::ACCOUNT:role/NAME`.
    pub role_arn: String,
    pub external_id: Option<String>,
}

impl AssumeRole {
    /// The role `role_name` of `account`.
    pub fn new(account: &str, role_name: &str, external_id: Option<String>) -> Self {
        AssumeRole { role_arn: format!("arn:aws:iam::{account}:role/{role_name}"), external_id }
    }
}

/// Seen in CloudTrail as the session that made each call.
const SESSION_NAME: &str = "driftdeck";

/// `base` with its credentials replaced by the role's. The STS client inherits `base`'s
/// region, endpoint, timeouts and retries; the assumed credentials are cached by the
/// config's identity cache and renewed before they expire.
pub(crate) async fn config(base: &SdkConfig, role: &AssumeRole) -> SdkConfig {
    let mut builder = AssumeRoleProvider::builder(role.role_arn.clone()).session_name(SESSION_NAME).configure(base);
    if let Some(id) = &role.external_id {
        builder = builder.external_id(id.clone());
    }
    let provider = builder.build().await;
    base.to_builder().credentials_provider(SharedCredentialsProvider::new(provider)).build()
}

/// One line for an account whose role could not be assumed: the role and STS's reason.
pub(crate) fn refused(role: &AssumeRole, why: &str) -> String {
    let hint = if why.contains("AccessDenied") || why.contains("not authorized") {
        "; check that the role exists in the account and trusts these credentials (and the external id)"
    } else {
        ""
    };
    format!("cannot assume {}: {why}{hint}", role.role_arn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arn_names_account_and_role() {
        let r = AssumeRole::new("222222222222", "driftdeck-readonly", None);
        assert_eq!(r.role_arn, "arn:aws:iam::222222222222:role/driftdeck-readonly");
    }

    #[test]
    fn a_denial_says_what_to_check() {
        let r = AssumeRole::new("222222222222", "driftdeck-readonly", Some("x-1".into()));
        let msg = refused(
            &r,
            "AccessDenied: User: arn:aws:iam::111111111111:user/ci is not authorized to perform: sts:AssumeRole",
        );
        assert!(msg.starts_with("cannot assume arn:aws:iam::222222222222:role/driftdeck-readonly: AccessDenied"));
        assert!(msg.ends_with("(and the external id)"));
        assert!(!refused(&r, "timed out").contains("check"));
    }
}
