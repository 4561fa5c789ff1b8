//! Containers of mapped images run as child processes: output as logs, exit codes as states,
//! restart policies, secure environment variables, stop, start, restart, and self-deletion as a
//! managed identity.

use reqwest::Method;
use serde_json::json;

use crate::aci_support::{
    DELETE_STATUSES, PAST_OPERATION, aci_config, action_path, container_view, create_running, definition, get,
    group_path, logs, pid_after, process_is_gone, terminated, wait_for, wait_for_deletion, wait_for_log,
};
use crate::common::Harness;

#[tokio::test]
async fn a_failing_process_is_logged_terminated_and_fails_the_group() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    create_running(&h, &token, "failing", definition("local/exit3:1", "Never")).await;
    let group = wait_for(&h, &token, "failing", terminated).await;
    let state = &container_view(&group)["currentState"];
    assert_eq!(state["exitCode"], 3, "{state}");
    assert_eq!(state["detailStatus"], "Error");
    assert!(state["finishTime"].is_string() && state["startTime"].is_string());
    assert_eq!(group["properties"]["instanceView"]["state"], "Failed");
    assert_eq!(group["properties"]["provisioningState"], "Succeeded");

    let content = logs(&h, &token, "failing", "main", "").await;
    let mut lines: Vec<&str> = content.lines().collect();
    lines.sort_unstable();
    assert_eq!(lines, ["err", "out"], "{content:?}");
    assert_eq!(logs(&h, &token, "failing", "main", "&tail=0").await, "");
    let stamped = logs(&h, &token, "failing", "main", "&tail=1&timestamps=true").await;
    assert_eq!(stamped.lines().count(), 1, "{stamped:?}");
    let (time, line) = stamped.trim_end().split_once(' ').unwrap();
    assert!(time.ends_with('Z') && time.contains('T'), "{stamped:?}");
    assert!(line == "out" || line == "err", "{stamped:?}");

    let missing = action_path(&h, "failing", "containers/other/logs", "");
    let reply = h.arm(Method::GET, &missing, &token, None).await;
    assert_eq!((reply.status, reply.arm_code()), (404, "ContainerNotFound"));
    let bad_tail = action_path(&h, "failing", "containers/main/logs", "&tail=-1");
    let reply = h.arm(Method::GET, &bad_tail, &token, None).await;
    assert_eq!((reply.status, reply.arm_code()), (400, "InvalidQueryParameterValue"));
}

#[tokio::test]
async fn a_successful_run_succeeds_the_group_and_arguments_follow_the_mapping() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    create_running(&h, &token, "fine", definition("local/ok:1", "Never")).await;
    let group = wait_for(&h, &token, "fine", terminated).await;
    assert_eq!(container_view(&group)["currentState"]["exitCode"], 0);
    assert_eq!(container_view(&group)["currentState"]["detailStatus"], "Completed");
    assert_eq!(group["properties"]["instanceView"]["state"], "Succeeded");
    assert_eq!(logs(&h, &token, "fine", "main", "").await, "done\n");

    let mut body = definition("local/args:1", "Never");
    body["properties"]["containers"][0]["properties"]["command"] = json!(["first", "second"]);
    create_running(&h, &token, "args", body).await;
    wait_for(&h, &token, "args", terminated).await;
    assert_eq!(logs(&h, &token, "args", "main", "").await, "args=first second\n");
}

#[tokio::test]
async fn on_failure_restarts_after_a_back_off_on_the_clock() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    create_running(&h, &token, "flaky", definition("local/fail:1", "OnFailure")).await;
    let group = wait_for(&h, &token, "flaky", |g| container_view(g)["restartCount"] == 1).await;
    let view = container_view(&group);
    assert_eq!(view["currentState"]["state"], "Waiting", "{view}");
    assert_eq!(view["previousState"]["state"], "Terminated");
    assert_eq!(view["previousState"]["exitCode"], 1);
    assert_eq!(group["properties"]["instanceView"]["state"], "Running");
    h.advance_clock(10).await;
    let group = wait_for(&h, &token, "flaky", |g| container_view(g)["restartCount"] == 2).await;
    let started = container_view(&group)["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == "Started")
        .cloned()
        .unwrap();
    assert_eq!(started["count"], 2, "{started}");
}

#[tokio::test]
async fn environment_reaches_the_process_and_secure_values_never_come_back() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    let secret = "s3cret-value-that-must-not-leak";
    let mut body = definition("local/env:1", "Never");
    body["properties"]["containers"][0]["properties"]["environmentVariables"] = json!([
        { "name": "SECRET_TOKEN", "secureValue": secret },
        { "name": "PLAIN", "value": "visible" }
    ]);
    body["identity"] = json!({
        "type": "UserAssigned",
        "userAssignedIdentities": { h.info().defaults.identity_resource_id.clone(): {} }
    });
    let created = h.arm(Method::PUT, &group_path(&h, "envy"), &token, Some(body)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert!(!created.text.contains(secret));
    let identities = &created.json["identity"]["userAssignedIdentities"];
    let identity = identities.as_object().unwrap().values().next().unwrap();
    assert_eq!(identity["clientId"], h.info().defaults.identity_client_id);
    h.advance_clock(PAST_OPERATION).await;
    let group = wait_for(&h, &token, "envy", terminated).await;
    assert!(!group.to_string().contains(secret));
    assert_eq!(
        group["properties"]["containers"][0]["properties"]["environmentVariables"],
        json!([{ "name": "SECRET_TOKEN" }, { "name": "PLAIN", "value": "visible" }])
    );
    let content = logs(&h, &token, "envy", "main", "").await;
    let expected = format!(
        "secret={secret}\nplain=visible\ngroup=envy/rg-emulator\ncloud=AzureEmulator\nimds={}\nleak=none\n",
        h.info().endpoints.imds
    );
    assert_eq!(content, expected);
    let list = h
        .arm(
            Method::GET,
            &format!(
                "/subscriptions/{}/providers/Microsoft.ContainerInstance/containerGroups?api-version=2023-05-01",
                h.info().defaults.subscription_id
            ),
            &token,
            None,
        )
        .await;
    assert!(!list.text.contains(secret));
    let journal = serde_json::to_string(&h.journal().await).unwrap();
    assert!(!journal.contains(secret));
}

#[tokio::test]
async fn an_unmapped_image_stays_running_until_stopped() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    create_running(&h, &token, "idle", definition("mcr.microsoft.com/nothing:1", "Never")).await;
    h.advance_clock(1800).await;
    let group = get(&h, &token, "idle").await;
    assert_eq!(container_view(&group)["currentState"]["state"], "Running");
    assert_eq!(group["properties"]["instanceView"]["state"], "Running");
    assert_eq!(logs(&h, &token, "idle", "main", "").await, "");
    let stopped = h
        .arm(Method::POST, &action_path(&h, "idle", "stop", ""), &token, None)
        .await;
    assert_eq!(stopped.status, 204);
    let group = get(&h, &token, "idle").await;
    assert_eq!(group["properties"]["instanceView"]["state"], "Stopped");
    assert_eq!(container_view(&group)["currentState"]["state"], "Terminated");
}

#[tokio::test]
async fn stop_kills_the_process_and_its_children_start_and_restart_run_new_ones() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    create_running(&h, &token, "sleepy", definition("local/sleep:1", "Always")).await;
    let content = wait_for_log(&h, &token, "sleepy", "pid=").await;
    let (pid, child) = (pid_after(&content, "pid="), pid_after(&content, "child="));

    let stopped = h
        .arm(Method::POST, &action_path(&h, "sleepy", "stop", ""), &token, None)
        .await;
    assert_eq!(stopped.status, 204, "{}", stopped.text);
    assert!(process_is_gone(pid).await, "process {pid} survived stop");
    assert!(process_is_gone(child).await, "child {child} survived stop");
    let group = get(&h, &token, "sleepy").await;
    assert_eq!(group["properties"]["instanceView"]["state"], "Stopped");
    let state = &container_view(&group)["currentState"];
    assert_eq!(
        (state["state"].as_str(), state["exitCode"].as_i64()),
        (Some("Terminated"), Some(137))
    );

    let started = h
        .arm(Method::POST, &action_path(&h, "sleepy", "start", ""), &token, None)
        .await;
    assert_eq!(started.status, 202, "{}", started.text);
    assert!(started.header("azure-asyncoperation").is_some());
    h.advance_clock(PAST_OPERATION).await;
    let content = wait_for_log(&h, &token, "sleepy", "pid=").await;
    let second = pid_after(&content, "pid=");
    assert_ne!(second, pid);
    assert_eq!(
        get(&h, &token, "sleepy").await["properties"]["instanceView"]["state"],
        "Running"
    );

    let restarted = h
        .arm(Method::POST, &action_path(&h, "sleepy", "restart", ""), &token, None)
        .await;
    assert_eq!(restarted.status, 204, "{}", restarted.text);
    assert!(process_is_gone(second).await, "process {second} survived restart");
    let group = get(&h, &token, "sleepy").await;
    assert_eq!(container_view(&group)["restartCount"], 1);
    assert_eq!(container_view(&group)["currentState"]["state"], "Running");
    let content = wait_for_log(&h, &token, "sleepy", "pid=").await;
    let third = pid_after(&content, "pid=");
    assert_ne!(third, second);

    let deleted = h.arm(Method::DELETE, &group_path(&h, "sleepy"), &token, None).await;
    assert!(DELETE_STATUSES.contains(&deleted.status), "{}", deleted.status);
    assert!(process_is_gone(third).await, "process {third} survived delete");
}

#[tokio::test]
async fn shutdown_kills_every_process() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    create_running(&h, &token, "left", definition("local/sleep:1", "Always")).await;
    let content = wait_for_log(&h, &token, "left", "child=").await;
    let (pid, child) = (pid_after(&content, "pid="), pid_after(&content, "child="));
    h.emulator.shutdown().await;
    assert!(process_is_gone(pid).await, "process {pid} survived shutdown");
    assert!(process_is_gone(child).await, "child {child} survived shutdown");
}

#[tokio::test]
async fn a_process_deletes_its_own_group_as_the_managed_identity() {
    let h = Harness::with(aci_config()).await;
    let token = h.token().await;
    let mut body = definition("local/self-delete:1", "Never");
    body["identity"] = json!({
        "type": "UserAssigned",
        "userAssignedIdentities": { h.info().defaults.identity_resource_id.clone(): {} }
    });
    create_running(&h, &token, "self-deleting", body).await;
    wait_for_deletion(&h, &token, "self-deleting").await;
    let journal = h.journal().await;
    let delete = journal
        .iter()
        .find(|e| e["method"] == "DELETE" && e["path"].as_str().unwrap().ends_with("/self-deleting"))
        .expect("the DELETE is journaled");
    let status = delete["status"].as_u64().and_then(|s| u16::try_from(s).ok()).unwrap();
    assert!(DELETE_STATUSES.contains(&status), "{delete}");
    assert_eq!(delete["principal"], h.info().defaults.identity_principal_id);
    h.advance_clock(PAST_OPERATION).await;
    let gone = h.arm(Method::GET, &group_path(&h, "self-deleting"), &token, None).await;
    assert_eq!(gone.status, 404);
}

/// No process of a container outlives it: the container's command detaches processes in every
/// way a process can, and a stop, a delete, or the end of the emulator ends them all.
pub(crate) mod containment {
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    use az_emulator::EmulatorConfig;
    use reqwest::Method;
    use serde_json::{Value, json};

    use crate::aci_support::{
        aci_config, action_path, container_view, create_running, definition, get, group_path, process_is_gone,
        wait_for_log,
    };
    use crate::common::Harness;

    /// The image whose command detaches processes (each appends its pid to `$PIDS`).
    const DETACHING: &str = "local/detach:1";
    /// The image whose command traps SIGTERM (and writes `term` to `$PIDS.term` when it comes).
    const TRAPPING: &str = "local/trap:1";
    /// How many pids [`DETACHING`] records before it says `detached` (at least).
    pub(crate) const DETACHED: usize = 9;

    /// Every way of leaving the process tree a shell offers: a background job of a subshell
    /// that exits, `setsid` (with and without `-f`), `nohup`, a job-controlled shell's own
    /// process group whose shell exits, a double fork, a process ignoring SIGTERM, SIGHUP and
    /// SIGINT, and a loop that keeps forking. All of them keep the container's stdout open.
    pub(crate) const DETACH_SCRIPT: &str = r#"
rec='echo $$ >> "$PIDS"; exec sleep 600'
(sleep 600 & echo $! >> "$PIDS")
(sh -c "$rec" &)
setsid sh -c "$rec" &
setsid -f sh -c "$rec"
nohup sh -c "$rec" > /dev/null 2>&1 &
bash -c 'set -m; sh -c "$0" & exit 0' "$rec"
sh -c 'sh -c "$0" & exit 0' "$rec"
sh -c 'trap "" TERM HUP INT; echo $$ >> "$PIDS"; exec sleep 600' &
sh -c 'echo $$ >> "$PIDS"; while :; do sleep 600 & echo $! >> "$PIDS"; sleep 0.05; done' &
echo detached
exec sleep 600
"#;

    /// A main process that leaves a child and traps SIGTERM.
    const TRAP_SCRIPT: &str = r#"
trap 'echo term > "$PIDS.term"; exit 0' TERM
sleep 600 &
echo $! >> "$PIDS"
echo $$ >> "$PIDS"
echo trapping
wait
"#;

    /// [`aci_config`] plus the two images, and `grace_ms` as the stop grace period.
    fn config(grace_ms: u64) -> EmulatorConfig {
        let mut config = EmulatorConfig {
            container_stop_grace_ms: grace_ms,
            ..aci_config()
        };
        for (image, script) in [(DETACHING, DETACH_SCRIPT), (TRAPPING, TRAP_SCRIPT)] {
            config
                .images
                .insert(image.to_owned(), vec!["/bin/sh".into(), "-c".into(), script.into()]);
        }
        config
    }

    /// Whether the tools of the scripts are installed; without them (and without `CI`), the test
    /// says so and is skipped.
    pub(crate) fn tools_present() -> bool {
        let path = std::env::var("PATH").unwrap_or_default();
        let missing: Vec<&str> = ["setsid", "nohup", "bash", "sleep"]
            .into_iter()
            .filter(|tool| !path.split(':').any(|dir| Path::new(dir).join(tool).is_file()))
            .collect();
        if missing.is_empty() {
            return true;
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs {missing:?} for the container containment tests"
        );
        println!("skipped: {missing:?} not installed");
        false
    }

    /// A file for the pids of group `name`'s processes.
    fn pid_file(name: &str) -> PathBuf {
        let file = std::env::temp_dir().join(format!("az-emulator-{name}-{}.pids", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let _ = std::fs::remove_file(file.with_extension("pids.term"));
        file
    }

    /// The pids recorded in `file` so far.
    pub(crate) fn recorded(file: &Path) -> Vec<u32> {
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .filter_map(|line| line.trim().parse().ok())
            .collect()
    }

    /// Whether `pid` runs (exists and is not a zombie).
    fn alive(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .ok()
            .and_then(|stat| stat.rsplit_once(')').map(|(_, rest)| rest.trim_start().to_owned()))
            .is_some_and(|state| !state.starts_with('Z'))
    }

    /// Creates group `name` of `image` with `PIDS` set to `file`, waits until the log says
    /// `ready` and at least `count` pids are recorded; those pids, all alive.
    async fn start(
        h: &Harness,
        token: &str,
        name: &str,
        image: &str,
        file: &Path,
        ready: &str,
        count: usize,
    ) -> Vec<u32> {
        let mut body: Value = definition(image, "Never");
        body["properties"]["containers"][0]["properties"]["environmentVariables"] =
            json!([{ "name": "PIDS", "value": file.display().to_string() }]);
        create_running(h, token, name, body).await;
        wait_for_log(h, token, name, ready).await;
        let mut pids = recorded(file);
        for _ in 0..500 {
            if pids.len() >= count {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            pids = recorded(file);
        }
        assert!(pids.len() >= count, "{name}: only {pids:?} recorded");
        for pid in &pids {
            assert!(alive(*pid), "{name}: process {pid} is not running before the end");
        }
        pids
    }

    /// Every pid recorded in `file` is gone (polling `/proc` briefly).
    async fn all_gone(file: &Path, what: &str) {
        for pid in recorded(file) {
            assert!(process_is_gone(pid).await, "{what}: process {pid} survived");
        }
    }

    #[tokio::test]
    async fn no_detached_process_outlives_a_stop_or_a_delete() {
        if !tools_present() {
            return;
        }
        let h = Harness::with(config(0)).await;
        let token = h.token().await;

        let stopped = pid_file("detach-stop");
        start(&h, &token, "detach-stop", DETACHING, &stopped, "detached", DETACHED).await;
        let reply = h
            .arm(Method::POST, &action_path(&h, "detach-stop", "stop", ""), &token, None)
            .await;
        assert_eq!(reply.status, 204, "{}", reply.text);
        all_gone(&stopped, "stop").await;
        let group = get(&h, &token, "detach-stop").await;
        assert_eq!(group["properties"]["instanceView"]["state"], "Stopped");
        assert_eq!(container_view(&group)["currentState"]["exitCode"], 137);

        let deleted = pid_file("detach-delete");
        start(&h, &token, "detach-delete", DETACHING, &deleted, "detached", DETACHED).await;
        let reply = h
            .arm(Method::DELETE, &group_path(&h, "detach-delete"), &token, None)
            .await;
        assert!([200, 202, 204].contains(&reply.status), "{}", reply.text);
        all_gone(&deleted, "delete").await;

        // No log reader waits for a pipe that a leftover process holds: the emulator ends at once.
        let ended = tokio::time::timeout(Duration::from_secs(10), h.emulator.shutdown()).await;
        assert!(ended.is_ok(), "the emulator did not shut down");
        for file in [stopped, deleted] {
            let _ = std::fs::remove_file(file);
        }
    }

    #[tokio::test]
    async fn the_end_of_the_emulator_ends_detached_processes() {
        if !tools_present() {
            return;
        }
        let h = Harness::with(config(0)).await;
        let token = h.token().await;
        let file = pid_file("detach-shutdown");
        start(&h, &token, "detach-shutdown", DETACHING, &file, "detached", DETACHED).await;
        drop(h);
        all_gone(&file, "drop of the emulator").await;
        let _ = std::fs::remove_file(file);
    }

    #[tokio::test]
    async fn without_a_grace_period_a_stop_kills_at_once_and_with_one_sigterm_comes_first() {
        let h = Harness::with(config(0)).await;
        let token = h.token().await;
        let file = pid_file("trap-now");
        start(&h, &token, "trap-now", TRAPPING, &file, "trapping", 2).await;
        let reply = h
            .arm(Method::POST, &action_path(&h, "trap-now", "stop", ""), &token, None)
            .await;
        assert_eq!(reply.status, 204, "{}", reply.text);
        all_gone(&file, "stop without grace").await;
        assert!(
            !file.with_extension("pids.term").exists(),
            "the main process got SIGTERM though there is no grace period"
        );
        let _ = std::fs::remove_file(&file);

        let h = Harness::with(config(5_000)).await;
        let token = h.token().await;
        let file = pid_file("trap-grace");
        start(&h, &token, "trap-grace", TRAPPING, &file, "trapping", 2).await;
        let reply = h
            .arm(Method::POST, &action_path(&h, "trap-grace", "stop", ""), &token, None)
            .await;
        assert_eq!(reply.status, 204, "{}", reply.text);
        all_gone(&file, "stop with grace").await;
        let term = std::fs::read_to_string(file.with_extension("pids.term")).unwrap_or_default();
        assert_eq!(term, "term\n", "the main process did not get SIGTERM first");
        for file in [file.clone(), file.with_extension("pids.term")] {
            let _ = std::fs::remove_file(file);
        }
    }
}
