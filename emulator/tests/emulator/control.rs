//! The typed control API (`Emulator::control`): the same state the admin API changes, without
//! HTTP.

use std::time::Duration;

use az_emulator::{
    ControlError, Directive, FaultConfig, FaultRule, JobSpec, JobState, ListenerKind, PatSeed, ResourceGroupSeed,
    SeedSections,
};
use reqwest::Method;

use crate::common::Harness;

#[tokio::test]
async fn journal_faults_and_clock() {
    let h = Harness::start().await;
    let control = h.emulator.control();
    let token = h.token().await;
    let journal = control.journal();
    assert_eq!(journal.len(), 1);
    assert!(journal[0].is(ListenerKind::Login, "post"));
    assert_eq!(journal[0].status, Some(200));
    // The typed entries are what `GET /journal` serves.
    let served = h.admin(Method::GET, "/journal", None).await;
    assert_eq!(served.json, serde_json::to_value(&journal).unwrap());
    control.clear_journal();
    assert!(control.journal().is_empty());

    let rule = FaultRule {
        path_contains: Some("resourcegroups/rg-emulator".to_owned()),
        rate_503: 1.0,
        ..FaultRule::default()
    };
    let faults = FaultConfig {
        routes: vec![rule],
        ..FaultConfig::default()
    };
    control.set_faults(&faults).unwrap();
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 503);
    let entry = control.journal().pop().unwrap();
    assert_eq!((entry.status, entry.fault.as_deref()), (Some(503), Some("503")));
    control.clear_faults();
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 200);
    let bad = FaultConfig {
        rate_429: 2.0,
        ..FaultConfig::default()
    };
    assert!(matches!(control.set_faults(&bad), Err(ControlError::Invalid(m)) if m.contains("rate_429")));

    let before = control.clock();
    assert_eq!(before.offset, Duration::ZERO);
    let after = control.advance_clock(Duration::from_secs(7200)).unwrap();
    assert_eq!(after.offset, Duration::from_secs(7200));
    assert!(after.now.duration_since(before.now).unwrap() >= Duration::from_secs(7200));
    assert_eq!(h.admin(Method::GET, "/clock", None).await.json["offset_ms"], 7_200_000);
    // The token issued before has expired on the emulator's clock.
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 401, "{}", reply.text);
    assert!(matches!(
        control.advance_clock(Duration::from_secs(200 * 365 * 86_400)),
        Err(ControlError::Invalid(_))
    ));
}

#[tokio::test]
async fn seeding_and_federated_tokens() {
    let h = Harness::start().await;
    let control = h.emulator.control();
    let seeds = SeedSections {
        resource_groups: vec![ResourceGroupSeed {
            subscription_id: None,
            name: "rg-seeded".to_owned(),
            location: Some("westeurope".to_owned()),
            tags: Default::default(),
        }],
        ..SeedSections::default()
    };
    let seeded = control.seed(&seeds).unwrap();
    assert_eq!(seeded["resource_groups"][0]["name"], "rg-seeded");
    let token = h.token().await;
    let reply = h.arm(Method::GET, &h.rg_path("rg-seeded"), &token, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["location"], "westeurope");
    // All or nothing: a seed that refers to nothing changes nothing.
    let bad = SeedSections {
        resource_groups: vec![ResourceGroupSeed {
            subscription_id: Some("00000000-0000-0000-0000-000000000000".to_owned()),
            name: "rg-never".to_owned(),
            location: None,
            tags: Default::default(),
        }],
        ..SeedSections::default()
    };
    assert!(matches!(control.seed(&bad), Err(ControlError::Invalid(_))));
    let reply = h.arm(Method::GET, &h.rg_path("rg-never"), &token, None).await;
    assert_eq!(reply.status, 404);

    let assertion = control.federated_token("https://issuer.example", "subject-1", None);
    let claims = crate::common::claims(&assertion);
    assert_eq!(claims["iss"], "https://issuer.example");
    assert_eq!(claims["sub"], "subject-1");
    assert_eq!(claims["aud"], "api://AzureADTokenExchange");
}

#[tokio::test]
async fn devops_pools_pats_and_jobs() {
    let h = Harness::start().await;
    let control = h.emulator.control();
    let d = h.info().defaults.clone();
    let (org, pool) = (d.devops_organization.as_str(), d.devops_pool.as_str());

    let queued = control
        .queue_job(org, pool, &JobSpec::new("echo hi").with_name("first"))
        .unwrap();
    let job = control.job(org, queued.request_id).unwrap();
    assert_eq!(
        (job.state, job.result, job.name.as_str(), job.agent_name.as_deref()),
        (JobState::Queued, None, "first", None)
    );
    assert_eq!(job.job_id, queued.job_id);
    let served = h
        .admin(Method::GET, &format!("/devops/{org}/jobs/{}", queued.request_id), None)
        .await;
    assert_eq!(served.json["jobName"], "first");
    assert_eq!(served.json["state"], "queued");
    let second = control
        .queue_job(org, pool, &JobSpec::new("true").with_directive(Directive::Update(4)))
        .unwrap();
    let listed: Vec<i64> = control.jobs(org, pool).unwrap().iter().map(|j| j.request_id).collect();
    assert_eq!(listed, [queued.request_id, second.request_id]);
    assert!(control.agents(org, pool).unwrap().is_empty());

    let bad_update = JobSpec::new("true").with_directive(Directive::Update(2));
    assert!(matches!(
        control.queue_job(org, pool, &bad_update),
        Err(ControlError::Invalid(_))
    ));
    assert!(matches!(
        control.queue_job(org, "nope", &JobSpec::new("true")),
        Err(ControlError::NotFound(m)) if m.contains("nope")
    ));
    assert!(matches!(
        control.queue_job("nope", pool, &JobSpec::new("true")),
        Err(ControlError::NotFound(_))
    ));
    assert!(matches!(control.job(org, 999), Err(ControlError::NotFound(_))));

    let added = control.add_pool(org, "linux").unwrap();
    assert_eq!((added.id, added.name.as_str()), (2, "linux"));
    assert!(matches!(control.add_pool(org, "LINUX"), Err(ControlError::Conflict(_))));
    assert!(matches!(control.add_pool(org, "a/b"), Err(ControlError::Invalid(_))));
    assert!(control.jobs(org, "linux").unwrap().is_empty());

    let seed = PatSeed {
        scopes: vec!["vso.agentpools".to_owned()],
        name: Some("reader".to_owned()),
        ..PatSeed::default()
    };
    let pat = control.add_pat(org, &seed).unwrap();
    assert_eq!(pat.len(), 52);
    let url = format!("{}/_apis/distributedtask/pools?api-version=7.1", d.devops_url);
    let auth = crate::devops_support::basic(&pat);
    let reply = h
        .send(Method::GET, &url, &[("authorization", auth.as_str())], None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["count"], 2);
    let entry = control.journal().pop().unwrap();
    assert_eq!(entry.principal.as_deref(), Some("pat:reader"));
}
