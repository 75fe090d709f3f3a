//! The baseline `scripts/bench-fetch.sh` compares `driftdeck check` against: the same
//! API pages fetched with the same SDK and nothing else (no model conversion, no
//! evaluation, no report). Same calls as `check` with the client-a-prod design (STS
//! identity first, then the nine kinds concurrently, each kind's calls in sequence),
//! same page sizes, every page. Prints the number of calls and items.
//!
//! Usage: AWS_ENDPOINT_URL=http://127.0.0.1:PORT cargo run --release --example raw_fetch [-- --in-flight N]
//! (`--in-flight N` runs at most N kinds at once, largest first, to study ordering.)

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_cloudwatch::types::AlarmType;
use futures::StreamExt;
use futures::future::BoxFuture;
use std::time::{Duration, Instant};

type Count = Result<(u64, u64), String>;

/// Drain a paginator, counting pages (calls) and items.
macro_rules! drain {
    ($stream:expr, |$p:ident| $items:expr) => {{
        let mut s = $stream;
        let (mut calls, mut items) = (0u64, 0u64);
        while let Some(page) = s.next().await {
            calls += 1;
            let $p = page.map_err(|e| format!("{e:?}"))?;
            items += $items as u64;
        }
        (calls, items)
    }};
}

struct Clients {
    ec2: aws_sdk_ec2::Client,
    rds: aws_sdk_rds::Client,
    cache: aws_sdk_elasticache::Client,
    cw: aws_sdk_cloudwatch::Client,
}

fn add(a: (u64, u64), b: (u64, u64)) -> (u64, u64) {
    (a.0 + b.0, a.1 + b.1)
}

/// One kind's calls, exactly as `src/aws/` makes them (page sizes included).
fn kind<'a>(c: &'a Clients, name: &'static str) -> BoxFuture<'a, Count> {
    Box::pin(async move {
        Ok(match name {
            "vpcs" => drain!(c.ec2.describe_vpcs().max_results(1000).into_paginator().send(), |p| p.vpcs().len()),
            "subnets" => {
                drain!(c.ec2.describe_subnets().max_results(1000).into_paginator().send(), |p| p.subnets().len())
            }
            "route_tables" => drain!(c.ec2.describe_route_tables().max_results(100).into_paginator().send(), |p| p
                .route_tables()
                .len()),
            "nat_gateways" => drain!(c.ec2.describe_nat_gateways().max_results(1000).into_paginator().send(), |p| p
                .nat_gateways()
                .len()),
            "security_groups" => {
                let g = drain!(c.ec2.describe_security_groups().max_results(1000).into_paginator().send(), |p| p
                    .security_groups()
                    .len());
                let r = drain!(c.ec2.describe_security_group_rules().max_results(1000).into_paginator().send(), |p| p
                    .security_group_rules()
                    .len());
                add(g, r)
            }
            "db_instances" => drain!(c.rds.describe_db_instances().max_records(100).into_paginator().send(), |p| p
                .db_instances()
                .len()),
            "db_clusters" => {
                let mut with_group = false;
                let mut n = drain!(c.rds.describe_db_clusters().max_records(100).into_paginator().send(), |p| {
                    with_group |= p.db_clusters().iter().any(|x| x.db_subnet_group().is_some());
                    p.db_clusters().len()
                });
                if with_group {
                    n = add(
                        n,
                        drain!(c.rds.describe_db_subnet_groups().max_records(100).into_paginator().send(), |p| p
                            .db_subnet_groups()
                            .len()),
                    );
                }
                n
            }
            "cache_replication_groups" => {
                let mut n =
                    drain!(c.cache.describe_replication_groups().max_records(100).into_paginator().send(), |p| p
                        .replication_groups()
                        .len());
                if n.1 > 0 {
                    let clusters = drain!(
                        c.cache
                            .describe_cache_clusters()
                            .max_records(100)
                            .show_cache_clusters_not_in_replication_groups(false)
                            .into_paginator()
                            .send(),
                        |p| p.cache_clusters().len()
                    );
                    let groups =
                        drain!(c.cache.describe_cache_subnet_groups().max_records(100).into_paginator().send(), |p| p
                            .cache_subnet_groups()
                            .len());
                    n = add(add(n, clusters), groups);
                }
                n
            }
            "alarms" => drain!(
                c.cw.describe_alarms()
                    .alarm_types(AlarmType::MetricAlarm)
                    .alarm_types(AlarmType::CompositeAlarm)
                    .max_records(100)
                    .into_paginator()
                    .send(),
                |p| p.metric_alarms().len() + p.composite_alarms().len()
            ),
            other => return Err(format!("unknown kind {other}")),
        })
    })
}

/// The kinds `check` fetches for client-a-prod, largest first (by items at scale 4).
const KINDS: [&str; 9] = [
    "security_groups",
    "alarms",
    "route_tables",
    "subnets",
    "db_instances",
    "cache_replication_groups",
    "db_clusters",
    "nat_gateways",
    "vpcs",
];

#[tokio::main]
async fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let in_flight = args
        .iter()
        .position(|a| a == "--in-flight")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(KINDS.len());
    let started = Instant::now();
    // The same client settings as `check --timeout 120` (see src/aws/mod.rs).
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(aws_config::Region::new("eu-west-2"))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_timeout(Duration::from_secs(120))
                .operation_attempt_timeout(Duration::from_secs(40))
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
    let results: Vec<Count> =
        futures::stream::iter(KINDS.iter().map(|k| kind(&c, k))).buffered(in_flight).collect().await;
    let mut total = (1u64, 0u64);
    for (k, r) in KINDS.iter().zip(results) {
        let n = r.map_err(|e| format!("{k}: {e}"))?;
        total = add(total, n);
    }
    println!(
        "raw_fetch: {} calls, {} items, in flight {in_flight}, {:.3} s",
        total.0,
        total.1,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
