//! EC2 collectors, one file per concern: addresses (`vpc`), routing and what routes lead to
//! (`routing`), what traffic may pass (`firewall`), what is recorded (`flow_logs`),
//! instance metadata on launch templates and instances (`instances`), transit gateways
//! (`transit`) and Site-to-Site VPN (`vpn`).

mod firewall;
mod flow_logs;
mod instances;
mod routing;
mod transit;
mod vpc;
mod vpn;

use crate::tag_map;
use aws_sdk_ec2::types as t;
use model::Tags;

/// The largest page most EC2 describes allow (DescribeRouteTables and the prefix-list
/// calls cap theirs at 100: see `routing`).
const PAGE: i32 = 1000;

fn tags(ts: &[t::Tag]) -> Tags {
    tag_map(ts.iter().map(|x| (x.key(), x.value())))
}
