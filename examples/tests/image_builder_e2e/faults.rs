//! The fault matrix through the real binary: about 30% of ARM and Blob requests, of every
//! method, answered 429 (with `Retry-After`), 500 or 503, or their connection dropped (Entra
//! stays fault-free); `image-builder build` ends as it does without faults, prints the same
//! variables, and leaves nothing behind.

use super::strs;
use super::world::{Announced, World};
use az_emulator::{FaultConfig, FaultRule, JournalEntry, ListenerKind};

/// 7.5% each of 429, 500, 503 and dropped connections. ARM has a rule per method so that the
/// few POSTs (run, cancel) draw from their own seeded sequence, whatever the order of the GETs
/// around them: the first run POST's answer is lost (a 5xx or a dropped connection), which the
/// test checks.
fn faults() -> FaultConfig {
    let rule = |listener, method: Option<&str>, seed| FaultRule {
        listener: Some(listener),
        method: method.map(str::to_owned),
        rate_429: 0.075,
        rate_500: 0.075,
        rate_503: 0.075,
        rate_drop: 0.075,
        retry_after_secs: Some(0),
        seed: Some(seed),
        ..FaultRule::default()
    };
    // Seed 14's first draw is a dropped connection, its second none.
    let mut routes: Vec<FaultRule> = [("GET", 1), ("PUT", 2), ("DELETE", 3), ("POST", 14)]
        .into_iter()
        .map(|(method, seed)| rule(ListenerKind::Arm, Some(method), seed))
        .collect();
    routes.push(rule(ListenerKind::Blob, None, 5));
    FaultConfig {
        seed: Some(14),
        retry_after_secs: 0,
        routes,
        ..FaultConfig::default()
    }
}

/// The `##vso[task.setvariable ...]` lines of a build, its template name and image id
/// replaced by placeholders.
fn variables(stdout: &str, template: &str, image: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("##vso[task.setvariable"))
        .map(|l| l.replace(image, "<image>").replace(template, "<template>"))
        .collect()
}

fn faulted(journal: &[JournalEntry], listener: ListenerKind) -> Vec<&str> {
    journal
        .iter()
        .filter(|e| e.listener == listener)
        .filter_map(|e| e.fault.as_deref())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_build_through_30_percent_faults_prints_the_same_variables_and_leaves_nothing() {
    let w = World::start(300).await;
    let package = w.package(200_000);
    let build = |image: &str| {
        let mut args = w.build_args(&package);
        args.extend(["--distribute", "managed-image", "--image-id", image].map(String::from));
        args
    };

    // Without faults, for reference.
    let calm_image = w.id("Microsoft.Compute/images/app-calm");
    let calm = w.run(&strs(&build(&calm_image))).await;
    assert_eq!(calm.code, Some(0), "{calm:?}");
    let expected = variables(&calm.stdout, &calm.template(), &calm_image);
    assert!(expected.len() >= 7, "{}", calm.stdout);

    let image = w.id("Microsoft.Compute/images/app-faults");
    let mark = w.journal_mark();
    w.control.set_faults(&faults()).unwrap();
    let ran = w.run(&strs(&build(&image))).await;
    w.control.clear_faults();
    let journal: Vec<JournalEntry> = w.control.journal().into_iter().filter(|e| e.seq > mark).collect();

    assert_eq!(ran.code, Some(0), "{ran:?}");
    let name = ran.template();
    assert_eq!(variables(&ran.stdout, &name, &image), expected, "{}", ran.stdout);
    assert!(w.managed_image(&image).await.is_some(), "the managed image");
    w.assert_nothing_left(&name).await;

    // The faults really happened: on both services, 5xx and dropped connections among them, and
    // on the run's POST (whose answer lost, the template was read before asking again).
    for listener in [ListenerKind::Arm, ListenerKind::Blob] {
        let faults = faulted(&journal, listener);
        assert!(!faults.is_empty(), "no fault on {listener:?}");
        assert!(faults.iter().any(|f| f.starts_with('5')), "{listener:?}: {faults:?}");
    }
    assert!(
        faulted(&journal, ListenerKind::Arm).contains(&"drop"),
        "no dropped connection"
    );
    assert!(
        faulted(&journal, ListenerKind::Login).is_empty(),
        "Entra stays fault-free"
    );
    let runs: Vec<_> = journal
        .iter()
        .filter(|e| e.method == "POST" && e.path.ends_with("/run"))
        .collect();
    assert!(
        runs.first()
            .is_some_and(|e| e.fault.as_deref().is_some_and(|f| f != "429")),
        "the first run POST's answer is lost (5xx or dropped): {runs:?}"
    );
    assert_eq!(
        runs.iter().filter(|e| e.status == Some(202)).count(),
        1,
        "one run started: {runs:?}"
    );
}
