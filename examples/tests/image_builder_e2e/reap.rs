//! `reap` over a mix of states: an old finished template, a running one, one stuck canceling,
//! a young one, one not ours, and an orphan staging group.

use super::world::{RG, World};
use az_emulator::ImageBuildScript;
use serde_json::json;
use std::time::Duration;

const FINISHED: &str = "t_1600000000001";
const RUNNING: &str = "t_1600000000002";
const STUCK: &str = "t_1600000000003";
const GONE: &str = "t_1600000000009";
const FOREIGN: &str = "golden";

fn row<'a>(table: &'a str, name: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no row {name}:\n{table}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reap_deletes_old_idle_templates_and_orphan_staging_groups_only() {
    // Phases of a minute: the running build stays running while reap looks at it.
    let w = World::start(60_000).await;
    w.create_template(FINISHED, false).await;
    w.start_run(FINISHED).await;
    w.control.advance_clock(Duration::from_secs(600)).unwrap();
    assert_eq!(w.run_state(FINISHED).await.as_deref(), Some("Succeeded"));
    w.create_template(RUNNING, true).await;
    w.start_run(RUNNING).await;
    w.control
        .script_image_builds(ImageBuildScript {
            template: Some(STUCK.to_owned()),
            fail_in_customizer: None,
            message: None,
            stuck_canceling: true,
        })
        .unwrap();
    w.create_template(STUCK, true).await;
    w.start_run(STUCK).await;
    w.post(&format!("{}/cancel", w.template_path(STUCK)), "2024-02-01")
        .await;
    assert_eq!(w.run_state(STUCK).await.as_deref(), Some("Canceling"));
    let young = format!(
        "t_{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    w.create_template(&young, true).await;
    w.create_template(FOREIGN, false).await;
    let orphan = format!("IT_{RG}_{GONE}_0b2f3c8e-1111-4a5b-9c1d-2e3f4a5b6c7d");
    let group = format!("/subscriptions/{}/resourceGroups/{orphan}", w.subscription);
    w.put(
        &group,
        "2021-04-01",
        json!({ "location": w.location, "tags": { "createdBy": "AzureVMImageBuilder", "imageTemplateName": GONE, "imageTemplateResourceGroupName": RG } }),
    )
    .await;

    let args = [
        "reap",
        "--resource-group",
        RG,
        "--min-age",
        "1h",
        "--cancel-timeout",
        "2s",
    ];
    let mark = w.journal_mark();
    let dry = w.run(&[&args[..], &["--dry-run"]].concat()).await;
    assert_eq!(dry.code, Some(0), "{dry:?}");
    w.assert_no_write_since(mark, "reap --dry-run");
    assert!(row(&dry.stdout, FINISHED).contains("would delete"), "{}", dry.stdout);
    assert!(row(&dry.stdout, STUCK).contains("would delete"), "{}", dry.stdout);
    assert!(row(&dry.stdout, &orphan).contains("would delete"), "{}", dry.stdout);
    assert!(row(&dry.stdout, RUNNING).contains("kept"), "{}", dry.stdout);
    assert!(row(&dry.stdout, &young).contains("kept"), "{}", dry.stdout);
    let foreign = format!("{RG}/{FOREIGN} ");
    assert!(
        !dry.stdout
            .lines()
            .any(|l| l.starts_with("image template") && l.contains(&foreign)),
        "{}",
        dry.stdout
    );

    let ran = w.run(&args).await;
    assert_eq!(ran.code, Some(1), "the stuck template is a failure: {ran:?}");
    assert!(row(&ran.stdout, FINISHED).contains("deleted"), "{}", ran.stdout);
    assert!(row(&ran.stdout, &orphan).contains("deleted"), "{}", ran.stdout);
    assert!(row(&ran.stdout, STUCK).contains("FAILED"), "{}", ran.stdout);
    assert!(w.template(FINISHED).await.is_none());
    assert!(w.template(STUCK).await.is_some());
    assert!(w.template(RUNNING).await.is_some());
    assert!(w.template(&young).await.is_some());
    assert!(w.template(FOREIGN).await.is_some());
    assert_eq!(w.run_state(RUNNING).await.as_deref(), Some("Running"));
    assert!(!w.resource_groups().await.contains(&orphan));
    assert!(w.staging_groups(FINISHED).await.is_empty());
    assert_eq!(
        w.staging_groups(RUNNING).await.len(),
        1,
        "a live template's staging group stays"
    );
}
