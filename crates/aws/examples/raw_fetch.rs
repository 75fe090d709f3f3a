//! The baseline `scripts/bench-fetch.sh` compares `driftdeck check` against: the same
//! API pages fetched with the same SDK and nothing else (no model conversion, no
//! evaluation, no report). Same calls as `check` (STS identity first, then the kinds,
//! each kind's calls in sequence, exactly as `crates/aws/src/` makes them), same page sizes,
//! every page, and the same concurrency: `check` starts every kind at once behind one
//! FIFO semaphore of `PER_ACCOUNT_IN_FLIGHT` (4) permits, in `Kind` order.
//!
//! Usage: AWS_ENDPOINT_URL=http://127.0.0.1:PORT raw_fetch --kinds k1,k2,.. [--in-flight N] [--timeout S]
//! Prints one line per kind (`kind NAME calls C items I extra E`: `items` is what
//! `check` counts in its JSON inventory, `extra` the other items read, e.g. rules) and a
//! total whose `calls` includes the identity lookup, like check's logged call count.

/// The binary's allocator (see `src/main.rs`): the two sides differ in what they do,
/// not in how they allocate.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_cloudwatch::types::AlarmType;
use futures::future::BoxFuture;
use std::time::{Duration, Instant};

/// Calls (pages), primary items (what check's inventory counts), other items.
#[derive(Default, Clone, Copy)]
struct Count {
    calls: u64,
    items: u64,
    extra: u64,
}

impl Count {
    /// `other`'s calls and all its items as extra: a secondary call of the same kind.
    fn plus_extra(self, other: Count) -> Count {
        Count { calls: self.calls + other.calls, items: self.items, extra: self.extra + other.items + other.extra }
    }
}

/// Drain a paginator, counting pages (calls) and items.
macro_rules! drain {
    ($stream:expr, |$p:ident| $items:expr) => {{
        let mut s = $stream;
        let mut n = Count::default();
        while let Some(page) = s.next().await {
            n.calls += 1;
            let $p = page.map_err(|e| format!("{e:?}"))?;
            n.items += $items as u64;
        }
        n
    }};
}

struct Clients {
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    cache: aws_sdk_elasticache::Client,
    cw: aws_sdk_cloudwatch::Client,
}

/// Page sizes, as in crates/aws/src/: EC2 1000 (route tables, ACLs, prefix lists 100), RDS,
/// ElastiCache and CloudWatch 100.
const EC2_PAGE: i32 = 1000;
const SMALL_PAGE: i32 = 100;

/// DescribeCacheClusters without the members of replication groups, as crates/aws/src/elasticache.rs.
async fn cache_clusters(c: &Clients) -> Result<Count, String> {
    Ok(drain!(
        c.cache
            .describe_cache_clusters()
            .max_records(SMALL_PAGE)
            .show_cache_clusters_not_in_replication_groups(false)
            .into_paginator()
            .send(),
        |p| p.cache_clusters().len()
    ))
}

async fn cache_subnet_groups(c: &Clients) -> Result<Count, String> {
    Ok(drain!(c.cache.describe_cache_subnet_groups().max_records(SMALL_PAGE).into_paginator().send(), |p| p
        .cache_subnet_groups()
        .len()))
}

/// One kind's calls, exactly as `crates/aws/src/` makes them (page sizes and follow-up calls).
fn kind<'a>(c: &'a Clients, name: &'a str) -> BoxFuture<'a, Result<Count, String>> {
    Box::pin(async move {
        let ec2 = &c.ec2;
        Ok(match name {
            "vpcs" => drain!(ec2.describe_vpcs().max_results(EC2_PAGE).into_paginator().send(), |p| p.vpcs().len()),
            "subnets" => {
                drain!(ec2.describe_subnets().max_results(EC2_PAGE).into_paginator().send(), |p| p.subnets().len())
            }
            "route_tables" => {
                drain!(ec2.describe_route_tables().max_results(SMALL_PAGE).into_paginator().send(), |p| p
                    .route_tables()
                    .len())
            }
            "internet_gateways" => {
                drain!(ec2.describe_internet_gateways().max_results(EC2_PAGE).into_paginator().send(), |p| p
                    .internet_gateways()
                    .len())
            }
            "nat_gateways" => drain!(ec2.describe_nat_gateways().max_results(EC2_PAGE).into_paginator().send(), |p| p
                .nat_gateways()
                .len()),
            "peering_connections" => {
                drain!(ec2.describe_vpc_peering_connections().max_results(EC2_PAGE).into_paginator().send(), |p| p
                    .vpc_peering_connections()
                    .len())
            }
            "security_groups" => {
                let g = drain!(ec2.describe_security_groups().max_results(EC2_PAGE).into_paginator().send(), |p| p
                    .security_groups()
                    .len());
                g.plus_extra(drain!(
                    ec2.describe_security_group_rules().max_results(EC2_PAGE).into_paginator().send(),
                    |p| p.security_group_rules().len()
                ))
            }
            "db_instances" => {
                drain!(c.rds.describe_db_instances().max_records(SMALL_PAGE).into_paginator().send(), |p| p
                    .db_instances()
                    .len())
            }
            "db_clusters" => {
                let mut with_group = false;
                let n = drain!(c.rds.describe_db_clusters().max_records(SMALL_PAGE).into_paginator().send(), |p| {
                    with_group |= p.db_clusters().iter().any(|x| x.db_subnet_group().is_some());
                    p.db_clusters().len()
                });
                if !with_group {
                    return Ok(n);
                }
                n.plus_extra(drain!(
                    c.rds.describe_db_subnet_groups().max_records(SMALL_PAGE).into_paginator().send(),
                    |p| p.db_subnet_groups().len()
                ))
            }
            "cache_replication_groups" => {
                let n = drain!(
                    c.cache.describe_replication_groups().max_records(SMALL_PAGE).into_paginator().send(),
                    |p| p.replication_groups().len()
                );
                if n.items == 0 {
                    return Ok(n);
                }
                n.plus_extra(cache_clusters(c).await?).plus_extra(cache_subnet_groups(c).await?)
            }
            "cache_clusters" => {
                let n = cache_clusters(c).await?;
                if n.items == 0 {
                    return Ok(n);
                }
                n.plus_extra(cache_subnet_groups(c).await?)
            }
            "alarms" => drain!(
                c.cw.describe_alarms()
                    .alarm_types(AlarmType::MetricAlarm)
                    .alarm_types(AlarmType::CompositeAlarm)
                    .max_records(SMALL_PAGE)
                    .into_paginator()
                    .send(),
                |p| p.metric_alarms().len() + p.composite_alarms().len()
            ),
            "network_acls" => {
                drain!(ec2.describe_network_acls().max_results(SMALL_PAGE).into_paginator().send(), |p| p
                    .network_acls()
                    .len())
            }
            "prefix_lists" => {
                let mut ids = Vec::new();
                let mut n =
                    drain!(ec2.describe_managed_prefix_lists().max_results(SMALL_PAGE).into_paginator().send(), |p| {
                        ids.extend(p.prefix_lists().iter().filter_map(|l| l.prefix_list_id().map(str::to_string)));
                        p.prefix_lists().len()
                    });
                // One GetManagedPrefixListEntries walk per list, in sequence.
                for id in &ids {
                    n = n.plus_extra(drain!(
                        ec2.get_managed_prefix_list_entries()
                            .prefix_list_id(id)
                            .max_results(SMALL_PAGE)
                            .into_paginator()
                            .send(),
                        |p| p.entries().len()
                    ));
                }
                n
            }
            "vpc_endpoints" => {
                drain!(ec2.describe_vpc_endpoints().max_results(EC2_PAGE).into_paginator().send(), |p| p
                    .vpc_endpoints()
                    .len())
            }
            "flow_logs" => {
                drain!(ec2.describe_flow_logs().max_results(EC2_PAGE).into_paginator().send(), |p| p.flow_logs().len())
            }
            "network_interfaces" => {
                drain!(ec2.describe_network_interfaces().max_results(EC2_PAGE).into_paginator().send(), |p| p
                    .network_interfaces()
                    .len())
            }
            other => return Err(format!("unknown kind {other}")),
        })
    })
}

/// `Kind::ALL` (crates/model/src/lib.rs): `check` collects the needed kinds in a `BTreeSet<Kind>`
/// and starts them in this order, so this is the order they queue for the semaphore.
const CHECK_ORDER: [&str; 17] = [
    "vpcs",
    "subnets",
    "route_tables",
    "internet_gateways",
    "nat_gateways",
    "peering_connections",
    "security_groups",
    "db_instances",
    "db_clusters",
    "cache_replication_groups",
    "cache_clusters",
    "alarms",
    "network_acls",
    "prefix_lists",
    "vpc_endpoints",
    "flow_logs",
    "network_interfaces",
];

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let mut kinds: Vec<&str> = arg(&args, "--kinds")
        .ok_or("usage: raw_fetch --kinds k1,k2,.. [--in-flight N] [--timeout S]")?
        .split(',')
        .filter(|k| !k.is_empty())
        .collect();
    kinds.sort_by_key(|k| CHECK_ORDER.iter().position(|o| o == k).unwrap_or(CHECK_ORDER.len()));
    // check's per-account limit (src/poller.rs PER_ACCOUNT_IN_FLIGHT).
    let in_flight: usize = arg(&args, "--in-flight").and_then(|n| n.parse().ok()).unwrap_or(4).max(1);
    let timeout = Duration::from_secs(arg(&args, "--timeout").and_then(|n| n.parse().ok()).unwrap_or(120));
    let started = Instant::now();
    // The same client settings as `check --timeout S` (crates/aws/src/lib.rs, src/collect/mod.rs
    // aws_options: each attempt may take max(10 s, S / 3)).
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-2"))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_timeout(timeout)
                .operation_attempt_timeout(Duration::from_secs(10).max(timeout / 3))
                .build(),
        )
        .retry_config(RetryConfig::standard().with_max_attempts(3))
        .load()
        .await;
    let sts = aws_sdk_sts::Client::new(&config);
    sts.get_caller_identity().send().await.map_err(|e| format!("{e:?}"))?;
    let c = Clients {
        ec2: aws_sdk_ec2::Client::new(&config),
        rds: aws_sdk_rds::Client::new(&config),
        cache: aws_sdk_elasticache::Client::new(&config),
        cw: aws_sdk_cloudwatch::Client::new(&config),
    };
    // As src/source.rs: every kind's future at once, each waiting on one FIFO semaphore.
    let limit = tokio::sync::Semaphore::new(in_flight);
    let results = futures::future::join_all(kinds.iter().map(|k| {
        let (c, limit) = (&c, &limit);
        async move {
            let _permit = limit.acquire().await.map_err(|e| e.to_string())?;
            kind(c, k).await
        }
    }))
    .await;
    let mut total = Count { calls: 1, ..Count::default() };
    for (k, r) in kinds.iter().zip(results) {
        let n = r.map_err(|e| format!("{k}: {e}"))?;
        println!("kind {k} calls {} items {} extra {}", n.calls, n.items, n.extra);
        total = Count { calls: total.calls + n.calls, items: total.items + n.items, extra: total.extra + n.extra };
    }
    println!(
        "raw_fetch: {} calls, {} items, in flight {in_flight}, {:.3} s",
        total.calls,
        total.items + total.extra,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
