//! The IO-free checks, table-driven at each rule's boundaries: every refusal is one line that
//! names the input and the rule, and what passes passes.

use acr_agentpool::Error;
use acr_agentpool::checks::{
    AGENT_POOL_REGIONS, Limits, QuotaUse, REGIONS_AS_OF, check_quota, check_registry, check_schedulable,
    check_task_run_pool, normalize_region, parse_tier, validate_count, validate_os, validate_pool_name,
};
use acr_agentpool::model::{
    AgentPool, AgentPoolProperties, Os, ProvisioningState, Registry, Task, TaskProperties, Tier,
};
use serde_json::json;

/// The message of an `InvalidInput` about `field`; panics on anything else.
fn invalid(result: Result<impl std::fmt::Debug, Error>, field: &str) -> String {
    match result {
        Err(Error::InvalidInput { field: f, message }) if f == field => one_line(message),
        other => panic!("expected invalid {field}, got {other:?}"),
    }
}

/// The message of a `Refused` by `check`; panics on anything else.
fn refused(result: Result<impl std::fmt::Debug, Error>, check: &str) -> String {
    match result {
        Err(Error::Refused { check: c, message }) if c == check => one_line(message),
        other => panic!("expected refused by {check}, got {other:?}"),
    }
}

fn one_line(message: String) -> String {
    assert!(!message.contains('\n'), "not one line: {message}");
    message
}

fn pool(name: &str, tier: &str, count: i32, state: &str) -> AgentPool {
    AgentPool {
        name: Some(name.to_owned()),
        location: "westus2".to_owned(),
        properties: Some(AgentPoolProperties {
            count: Some(count),
            tier: Some(tier.to_owned()),
            os: Some(Os::Linux),
            provisioning_state: Some(ProvisioningState::from(state)),
            ..AgentPoolProperties::default()
        }),
        ..AgentPool::default()
    }
}

fn registry(sku: &str, location: &str) -> Registry {
    serde_json::from_value(json!({ "name": "myreg", "location": location, "sku": { "name": sku } })).unwrap()
}

#[test]
fn pool_names_follow_the_spec_pattern_and_lengths() {
    let long = "a".repeat(20);
    for ok in ["abc", "my-pool", "ABC-123", "-ab", "ab-", "123", long.as_str()] {
        validate_pool_name(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
    }
    let too_long = "a".repeat(21);
    let cases = [
        ("ab", "length 2"),
        ("", "length 0"),
        (too_long.as_str(), "length 21"),
        ("my_pool", "'_'"),
        ("my pool", "' '"),
        ("pööl", "'ö'"),
        ("pool.1", "'.'"),
        ("poo/l", "'/'"),
    ];
    for (name, why) in cases {
        let message = invalid(validate_pool_name(name), "agent_pool_name");
        assert!(message.contains(why), "{name}: {message}");
        assert!(message.contains("3 to 20"), "{name}: {message}");
    }
}

#[test]
fn tiers_are_read_in_any_case_and_know_their_size() {
    let table = [
        ("S1", Tier::S1, 2, 3, false),
        ("s2", Tier::S2, 4, 8, false),
        (" S3 ", Tier::S3, 8, 16, false),
        ("i6", Tier::I6, 64, 216, true),
    ];
    for (input, tier, vcpus, memory, isolated) in table {
        let parsed = parse_tier(input).unwrap();
        assert_eq!(parsed, tier, "{input}");
        assert_eq!(parsed.vcpus(), Some(vcpus), "{input}");
        assert_eq!(parsed.memory_gib(), Some(memory), "{input}");
        assert_eq!(parsed.is_isolated(), isolated, "{input}");
    }
    for bad in ["S4", "", "standard", "S 1"] {
        let message = invalid(parse_tier(bad), "tier");
        assert!(
            message.contains("S1 (2 vCPU)") && message.contains("I6"),
            "{bad}: {message}"
        );
    }
    assert_eq!(Tier::Other("S9".into()).vcpus(), None);
}

#[test]
fn counts_are_zero_or_more_and_fit_an_int32() {
    for (count, expected) in [(0, 0), (1, 1), (i64::from(i32::MAX), i32::MAX)] {
        assert_eq!(validate_count(count).unwrap(), expected);
    }
    assert!(invalid(validate_count(-1), "count").contains("-1 is negative"));
    assert!(invalid(validate_count(i64::from(i32::MAX) + 1), "count").contains("too large"));
}

#[test]
fn only_linux_is_an_agent_pool_os() {
    for ok in ["Linux", "linux", "LINUX"] {
        assert_eq!(validate_os(ok).unwrap(), Os::Linux);
    }
    let windows = invalid(validate_os("windows"), "os");
    assert!(
        windows.contains("Linux nodes only") && windows.contains("expected Linux"),
        "{windows}"
    );
    let other = invalid(validate_os("Plan9"), "os");
    assert!(other.contains("'Plan9'") && other.contains("expected Linux"), "{other}");
}

#[test]
fn regions_are_the_documented_list_under_any_spelling() {
    assert_eq!(REGIONS_AS_OF, "2022-10-11");
    assert_eq!(AGENT_POOL_REGIONS.len(), 12);
    let limits = Limits::default();
    assert_eq!((limits.standard_vcpu_quota, limits.isolated_vcpu_quota), (16, 0));
    assert_eq!(limits.regions, AGENT_POOL_REGIONS);
    for (input, normalized) in [
        ("West US 2", "westus2"),
        ("westus2", "westus2"),
        ("  USGov Virginia ", "usgovvirginia"),
        ("SOUTH\tCENTRAL US", "southcentralus"),
    ] {
        assert_eq!(normalize_region(input), normalized);
        assert!(limits.offers(input), "{input}");
    }
    for absent in ["West US", "westus3", "switzerlandnorth", ""] {
        assert!(!limits.offers(absent), "{absent}");
    }
}

#[test]
fn a_registry_must_be_premium_in_a_region_with_agent_pools() {
    let limits = Limits::default();
    check_registry(&registry("Premium", "West US 2"), &limits).unwrap();
    check_registry(&registry("premium", "eastus"), &limits).unwrap();
    for sku in ["Basic", "Standard", "Classic"] {
        let message = refused(check_registry(&registry(sku, "westus2"), &limits), "sku");
        assert!(message.contains(&format!("myreg is {sku}")), "{message}");
        assert!(
            message.contains("az acr update --name myreg --sku Premium"),
            "{message}"
        );
    }
    let message = refused(check_registry(&registry("Premium", "West US"), &limits), "region");
    assert!(
        message.contains("myreg is in West US") && message.contains("westus2, southcentralus"),
        "{message}"
    );
    assert!(
        message.contains(REGIONS_AS_OF) && message.contains("includes westus"),
        "{message}"
    );

    let wider = Limits {
        regions: vec!["Switzerland North".into()],
        ..Limits::default()
    };
    check_registry(&registry("Premium", "switzerlandnorth"), &wider).unwrap();
}

#[test]
fn standard_pools_share_sixteen_vcpus() {
    let limits = Limits::default();
    let existing = [pool("p1", "S3", 1, "Succeeded"), pool("iso", "I6", 1, "Succeeded")];
    // 8 in use by p1 (the isolated pool is another class): 8 more fit exactly, 9 do not.
    let table: [(&str, Tier, u32, Option<u64>); 6] = [
        ("new", Tier::S1, 4, Some(8)),
        ("new", Tier::S2, 2, Some(8)),
        ("new", Tier::S3, 1, Some(8)),
        ("new", Tier::S1, 0, Some(0)),
        ("new", Tier::S1, 5, None),
        ("new", Tier::S2, 3, None),
    ];
    for (name, tier, count, fits) in table {
        let result = check_quota(&existing, name, &tier, count, &limits);
        match fits {
            Some(requested) => assert_eq!(
                result.unwrap(),
                QuotaUse {
                    used: 8,
                    requested,
                    quota: 16,
                    unknown: vec![]
                },
                "{tier} x {count}"
            ),
            None => {
                let message = refused(result, "quota");
                assert!(
                    message.contains("+ 8 vCPU in use by other standard pools (p1: S3 x 1)"),
                    "{message}"
                );
                assert!(
                    message.contains("> quota 16") && message.contains("support request"),
                    "{message}"
                );
            }
        }
    }
    let message = refused(check_quota(&existing, "new", &Tier::S2, 3, &limits), "quota");
    assert!(
        message.contains("S2 x 3 = 12 vCPU + 8 vCPU in use by other standard pools (p1: S3 x 1) = 20 > quota 16"),
        "{message}"
    );
}

#[test]
fn exactly_the_quota_passes_and_one_more_fails() {
    let limits = Limits::default();
    let existing = [pool("p1", "S1", 7, "Succeeded")];
    // 14 in use: one S1 instance (2) reaches 16; an S1 x 2 would be 18.
    assert_eq!(check_quota(&existing, "p2", &Tier::S1, 1, &limits).unwrap().used, 14);
    refused(check_quota(&existing, "p2", &Tier::S1, 2, &limits), "quota");
    // 17 vCPU cannot be asked for with even tiers: a raised odd quota shows the same edge.
    let odd = Limits {
        standard_vcpu_quota: 17,
        ..Limits::default()
    };
    check_quota(&[pool("p1", "S1", 7, "Succeeded")], "p2", &Tier::S1, 1, &odd).unwrap();
    refused(
        check_quota(&[pool("p1", "S1", 8, "Succeeded")], "p2", &Tier::S1, 1, &odd),
        "quota",
    );
}

#[test]
fn isolated_pools_have_no_quota_unless_raised() {
    let message = refused(check_quota(&[], "iso", &Tier::I6, 1, &Limits::default()), "quota");
    assert!(
        message.contains("I6 x 1 = 64 vCPU + 0 vCPU in use by other isolated pools (none) = 64 > quota 0"),
        "{message}"
    );
    // Standard pools do not count against the isolated quota, nor the other way round.
    let raised = Limits {
        isolated_vcpu_quota: 128,
        ..Limits::default()
    };
    let standard = [pool("big", "S3", 2, "Succeeded")];
    assert_eq!(check_quota(&standard, "iso", &Tier::I6, 2, &raised).unwrap().used, 0);
    refused(check_quota(&standard, "iso", &Tier::I6, 3, &raised), "quota");
    let isolated = [pool("iso", "I6", 2, "Succeeded")];
    assert_eq!(check_quota(&isolated, "std", &Tier::S3, 2, &raised).unwrap().used, 0);
}

#[test]
fn an_update_replaces_the_pools_own_count() {
    let limits = Limits::default();
    let existing = [pool("mine", "S2", 3, "Succeeded"), pool("other", "S1", 2, "Succeeded")];
    // Scaling "mine" to 3 again: 12 + 4 used by "other" = 16, not 12 + 12 + 4.
    let use_ = check_quota(&existing, "mine", &Tier::S2, 3, &limits).unwrap();
    assert_eq!((use_.used, use_.requested), (4, 12));
    // Names compare as ARM compares them.
    assert_eq!(check_quota(&existing, "MINE", &Tier::S2, 3, &limits).unwrap().used, 4);
    refused(check_quota(&existing, "mine", &Tier::S2, 4, &limits), "quota");
    // Scaling to 0 always fits.
    assert_eq!(
        check_quota(&existing, "mine", &Tier::S2, 0, &limits).unwrap().requested,
        0
    );
}

#[test]
fn pools_of_unknown_size_are_named_not_guessed() {
    let limits = Limits::default();
    let existing = [pool("future", "S9", 4, "Succeeded"), pool("p1", "S3", 1, "Succeeded")];
    let use_ = check_quota(&existing, "new", &Tier::S3, 1, &limits).unwrap();
    assert_eq!(
        (use_.used, use_.unknown.clone()),
        (8, vec!["future: S9 x 4".to_owned()])
    );
    let message = refused(check_quota(&existing, "new", &Tier::S3, 2, &limits), "quota");
    assert!(
        message.contains("not counted, size unknown: future: S9 x 4"),
        "{message}"
    );
    let message = invalid(check_quota(&[], "new", &Tier::Other("S9".into()), 1, &limits), "tier");
    assert!(message.contains("'S9' is not an agent pool tier"), "{message}");
}

#[test]
fn runs_need_a_provisioned_pool_with_instances() {
    check_schedulable(&pool("p", "S1", 1, "Succeeded")).unwrap();
    check_schedulable(&pool("p", "S1", 3, "succeeded")).unwrap();
    let message = refused(check_schedulable(&pool("p", "S1", 0, "Succeeded")), "scale");
    assert!(
        message.contains("p has 0 instances") && message.contains("Queued forever"),
        "{message}"
    );
    assert!(
        message.contains("az acr agentpool update --name p --count 1"),
        "{message}"
    );
    for state in ["Creating", "Updating", "Failed", "Deleting", "Canceled"] {
        let message = refused(check_schedulable(&pool("p", "S1", 1, state)), "agent pool");
        assert!(message.contains(&format!("p is {state}, not Succeeded")), "{message}");
    }
    let mut stateless = pool("p", "S1", 1, "Succeeded");
    stateless.properties.as_mut().unwrap().provisioning_state = None;
    refused(check_schedulable(&stateless), "agent pool");
}

#[test]
fn a_task_run_names_a_pool_only_when_its_task_has_none() {
    let task = |pool: Option<&str>| Task {
        name: Some("mytask".into()),
        location: "westus2".into(),
        properties: Some(TaskProperties {
            agent_pool_name: pool.map(str::to_owned),
            ..TaskProperties::default()
        }),
        ..Task::default()
    };
    check_task_run_pool(&task(None), None).unwrap();
    check_task_run_pool(&task(None), Some("pool-b")).unwrap();
    check_task_run_pool(&task(Some("pool-a")), None).unwrap();
    for requested in ["pool-b", "pool-a"] {
        let message = refused(
            check_task_run_pool(&task(Some("pool-a")), Some(requested)),
            "agent pool",
        );
        assert!(message.contains("mytask already runs on pool pool-a"), "{message}");
        assert!(message.contains(&format!("asked for {requested}")), "{message}");
    }
    invalid(check_task_run_pool(&task(None), Some("p_1")), "agent_pool_name");
}
