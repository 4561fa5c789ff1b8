//! The stand-in agent as real processes: installed from the package, configured with
//! `config.sh`, running jobs with `bin/Agent.Listener run --once`, obeying directives and
//! signals, removed with `config.sh remove`.

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::time::{Duration, Instant};

use az_emulator::{Directive, JobSpec};
use reqwest::Method;

use crate::common::Harness;
use crate::devops_support::{
    TempDir, agent_command, devops_config, files_under, finish, interrupt, is_executable, run_agent,
};

const LISTENER: &str = "bin/Agent.Listener";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_package_installs_configures_runs_one_job_and_removes() {
    let h = Harness::with(devops_config()).await;
    let pat = h.info().defaults.devops_pat.clone();
    let listed = h
        .devops(
            Method::GET,
            "packages/agent?platform=linux-x64&$top=1&api-version=7.1",
            Some(&h.pat_auth()),
            None,
        )
        .await;
    let url = listed.json["value"][0]["downloadUrl"].as_str().unwrap().to_owned();
    let archive = h.http.get(url).send().await.unwrap().bytes().await.unwrap();
    let dir = TempDir::new("installed");
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(archive.as_ref()));
    tar.set_preserve_permissions(true);
    tar.unpack(dir.path()).unwrap();

    let d = h.info().defaults.clone();
    let configured = run_agent(
        dir.path(),
        "config.sh",
        &["--unattended", "--acceptTeeEula", "--agent", "a1"],
        &[
            ("VSTS_AGENT_INPUT_URL", &d.devops_url),
            ("VSTS_AGENT_INPUT_POOL", "Default"),
            ("vsts_agent_input_token", &pat),
        ],
    )
    .await;
    assert_eq!(configured.code(), Some(0), "{configured:?}");
    assert!(configured.stdout.contains("Connecting to server"), "{configured:?}");
    assert!(
        configured.stdout.contains("Successfully added the agent"),
        "{configured:?}"
    );
    assert!(configured.stdout.contains("Settings Saved."), "{configured:?}");
    assert!(!configured.stdout.contains(&pat) && !configured.stderr.contains(&pat));
    for file in [".agent", ".credentials", ".credentials_rsaparams"] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    let key_mode = std::fs::metadata(dir.path().join(".credentials_rsaparams"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(key_mode & 0o777, 0o600);
    for file in files_under(dir.path()) {
        let content = std::fs::read(&file).unwrap();
        assert!(
            !content.windows(pat.len()).any(|w| w == pat.as_bytes()),
            "{} holds the PAT",
            file.display()
        );
    }
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join(".agent")).unwrap()).unwrap();
    assert_eq!(settings["agentName"], "a1");
    assert_eq!(settings["poolId"], 1);
    assert_eq!(settings["serverUrl"], d.devops_url.as_str());
    let agents = h.pool_agents().await;
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0]["name"], "a1");
    assert_eq!(agents[0]["status"], "offline");

    let request = h.queue_job(JobSpec::new(
        "echo hi > file; echo \"agent=$AGENT_NAME token=${VSTS_AGENT_INPUT_TOKEN:-none} job=$SYSTEM_JOBID\" > env.txt; \
         echo \"$AGENT_HOMEDIRECTORY $AGENT_WORKFOLDER $AGENT_TEMPDIRECTORY $BUILD_SOURCESDIRECTORY $(pwd)\" > dirs.txt",
    ));
    let ran = run_agent(
        dir.path(),
        LISTENER,
        &["run", "--once"],
        &[("VSTS_AGENT_INPUT_TOKEN", &pat)],
    )
    .await;
    assert_eq!(ran.code(), Some(0), "{ran:?}");
    assert!(ran.stdout.contains("Listening for Jobs"), "{ran:?}");
    let job = h.job(request).await;
    assert_eq!(job["state"], "completed");
    assert_eq!(job["result"], "succeeded");
    assert_eq!(job["agentName"], "a1");
    // A job runs in its sources folder, with the real agent's predefined folder variables.
    let work = dir.path().join("_work");
    let sources = work.join("1").join("s");
    assert_eq!(std::fs::read_to_string(sources.join("file")).unwrap(), "hi\n");
    let dirs = std::fs::read_to_string(sources.join("dirs.txt")).unwrap();
    let root = dir.path().canonicalize().unwrap();
    let expected = [
        root.clone(),
        root.join("_work"),
        root.join("_work/_temp"),
        root.join("_work/1/s"),
        root.join("_work/1/s"),
    ]
    .map(|p| p.display().to_string())
    .join(" ");
    assert_eq!(dirs.trim(), expected);
    assert!(work.join("_temp").is_dir() && work.join("1/a").is_dir() && work.join("1/b").is_dir());
    let env = std::fs::read_to_string(sources.join("env.txt")).unwrap();
    assert_eq!(
        env.trim(),
        format!("agent=a1 token=none job={}", job["jobId"].as_str().unwrap())
    );
    assert!(!dir.path().join(".listener.pid").exists());
    let agents = h.pool_agents().await;
    assert_eq!(agents[0]["status"], "offline");
    assert_eq!(agents[0]["lastCompletedRequest"]["requestId"], request);

    let removed = run_agent(
        dir.path(),
        "config.sh",
        &["remove"],
        &[("VSTS_AGENT_INPUT_TOKEN", &pat)],
    )
    .await;
    assert_eq!(removed.code(), Some(0), "{removed:?}");
    assert!(
        removed.stdout.contains("Succeeded: Removing agent from the server"),
        "{removed:?}"
    );
    assert!(h.pool_agents().await.is_empty());
    assert!(!dir.path().join(".agent").exists());
    assert!(!dir.path().join(".credentials_rsaparams").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directives_exit_and_update_come_before_the_job() {
    let h = Harness::with(devops_config()).await;
    let dir = h.configured_agent("directed").await;
    let request = h.queue_job(
        JobSpec::new("true")
            .with_directive(Directive::Exit(2))
            .with_directive(Directive::Update(3)),
    );

    let first = run_agent(dir.path(), LISTENER, &["run", "--once"], &[]).await;
    assert_eq!(first.code(), Some(2), "{first:?}");
    assert_eq!(h.job(request).await["state"], "queued");

    let second = run_agent(dir.path(), LISTENER, &["run", "--once"], &[]).await;
    assert_eq!(second.code(), Some(3), "{second:?}");
    // As the real agent: the updater, left running after the listener exited, waits for the
    // listener's pid to be gone, then swaps bin/ and externals/ with the new version's.
    let backup = dir.path().join("bin.bak.4.258.1");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !backup.join("Agent.Listener").is_file() || dir.path().join("bin.4.259.0").exists() {
        assert!(Instant::now() < deadline, "the updater never swapped bin/");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(is_executable(&dir.path().join(LISTENER)));
    assert!(dir.path().join("externals").is_dir());
    let log = std::fs::read_dir(dir.path().join("_diag"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("SelfUpdate-"))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !std::fs::read_to_string(&log).unwrap().contains("Exit _update.sh") {
        assert!(Instant::now() < deadline, "the updater did not finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let third = run_agent(dir.path(), LISTENER, &["run", "--once"], &[]).await;
    assert_eq!(third.code(), Some(0), "{third:?}");
    assert_eq!(h.job(request).await["result"], "succeeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_cancels_a_running_job_and_the_listener_exits_0() {
    let h = Harness::with(devops_config()).await;
    let dir = h.configured_agent("interrupted").await;
    let request = h.queue_job(JobSpec::new("sleep 30"));
    let child = agent_command(dir.path(), LISTENER, &["run", "--once"], &[])
        .spawn()
        .unwrap();
    h.wait_for_job(request, "assigned").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    interrupt(&child);
    let ran = finish(child, 10).await;
    assert_eq!(ran.code(), Some(0), "{ran:?}");
    assert!(ran.stdout.contains("Exiting..."), "{ran:?}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_eq!(h.job(request).await["result"], "canceled");
    h.wait_for_agent_status("interrupted", "offline").await;
    assert!(!dir.path().join(".listener.pid").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_is_ignored_while_a_job_that_asks_so_runs() {
    let h = Harness::with(devops_config()).await;
    let dir = h.configured_agent("stubborn").await;
    let request = h.queue_job(JobSpec::new("sleep 1; echo done > done.txt").ignoring_sigint());
    let child = agent_command(dir.path(), LISTENER, &["run", "--once"], &[])
        .spawn()
        .unwrap();
    h.wait_for_job(request, "assigned").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    interrupt(&child);
    let ran = finish(child, 20).await;
    assert_eq!(ran.code(), Some(0), "{ran:?}");
    assert_eq!(h.job(request).await["result"], "succeeded");
    assert!(dir.path().join("_work/1/s/done.txt").is_file());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_listener_blocks_removal_and_stops_promptly_on_sigint() {
    let h = Harness::with(devops_config()).await;
    let pat = h.info().defaults.devops_pat.clone();
    let dir = h.configured_agent("waiting").await;
    let child = agent_command(dir.path(), LISTENER, &["run", "--once"], &[])
        .spawn()
        .unwrap();
    h.wait_for_agent_status("waiting", "online").await;

    let refused = run_agent(
        dir.path(),
        "config.sh",
        &["remove"],
        &[("VSTS_AGENT_INPUT_TOKEN", &pat)],
    )
    .await;
    assert_eq!(refused.code(), Some(1), "{refused:?}");
    assert!(refused.stderr.contains("the agent is running a job"), "{refused:?}");

    let started = Instant::now();
    interrupt(&child);
    let ran = finish(child, 10).await;
    assert_eq!(ran.code(), Some(0), "{ran:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    h.wait_for_agent_status("waiting", "offline").await;

    std::fs::write(dir.path().join(".remove-fails"), "").unwrap();
    let scripted = run_agent(
        dir.path(),
        "config.sh",
        &["remove"],
        &[("VSTS_AGENT_INPUT_TOKEN", &pat)],
    )
    .await;
    assert_eq!(scripted.code(), Some(1), "{scripted:?}");
    assert_eq!(h.pool_agents().await.len(), 1);
    std::fs::remove_file(dir.path().join(".remove-fails")).unwrap();
    let by_variable = run_agent(
        dir.path(),
        "config.sh",
        &["remove"],
        &[
            ("VSTS_AGENT_INPUT_TOKEN", &pat),
            ("AZ_EMULATOR_AGENT_REMOVE_FAILS", "1"),
        ],
    )
    .await;
    assert_eq!(by_variable.code(), Some(1), "{by_variable:?}");
    let removed = run_agent(
        dir.path(),
        "config.sh",
        &["remove"],
        &[("VSTS_AGENT_INPUT_TOKEN", &pat)],
    )
    .await;
    assert_eq!(removed.code(), Some(0), "{removed:?}");
    assert!(h.pool_agents().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configure_reports_pools_credentials_duplicates_and_connection_failures() {
    let h = Harness::with(devops_config()).await;
    let dir = TempDir::new("failing");
    h.emulator.lay_out_agent(dir.path()).unwrap();

    let no_pool = h.configure(dir.path(), "x", &["--pool", "nope"]).await;
    assert_eq!(no_pool.code(), Some(1), "{no_pool:?}");
    assert!(no_pool.stderr.contains("Agent pool not found: 'nope'"), "{no_pool:?}");

    let url = h.info().defaults.devops_url.clone();
    let bad_token = run_agent(
        dir.path(),
        "config.sh",
        &["--unattended", "--url", &url, "--token", "wrong"],
        &[],
    )
    .await;
    assert_eq!(bad_token.code(), Some(1), "{bad_token:?}");
    assert!(
        bad_token
            .stderr
            .contains(&format!("VS30063: You are not authorized to access {url}.")),
        "{bad_token:?}"
    );

    let read_only = h.seed_pat(&["vso.agentpools"]).await;
    let denied = run_agent(
        dir.path(),
        "config.sh",
        &["--unattended", "--url", &url, "--agent", "ro"],
        &[("VSTS_AGENT_INPUT_TOKEN", &read_only)],
    )
    .await;
    assert_eq!(denied.code(), Some(1), "{denied:?}");
    assert!(denied.stderr.contains("Access denied"), "{denied:?}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("https://127.0.0.1:{}/org", closed.local_addr().unwrap().port());
    drop(closed);
    let unreachable = run_agent(
        dir.path(),
        "config.sh",
        &["--unattended", "--url", &nowhere, "--token", "t"],
        &[],
    )
    .await;
    assert_eq!(unreachable.code(), Some(1), "{unreachable:?}");
    assert!(
        unreachable.stderr.contains(&format!("Failed to connect to {nowhere}")),
        "{unreachable:?}"
    );

    let first = h.configured_agent("dup").await;
    let duplicate = h.configure(dir.path(), "dup", &[]).await;
    assert_eq!(duplicate.code(), Some(1), "{duplicate:?}");
    assert!(
        duplicate
            .stderr
            .contains("Pool 1 already contains an agent with name dup."),
        "{duplicate:?}"
    );
    let replaced = h.configure(dir.path(), "dup", &["--replace"]).await;
    assert_eq!(replaced.code(), Some(0), "{replaced:?}");
    assert!(
        replaced.stdout.contains("Successfully replaced the agent"),
        "{replaced:?}"
    );
    assert_eq!(h.pool_agents().await.len(), 1);
    let again = h.configure(dir.path(), "dup", &["--replace"]).await;
    assert_eq!(again.code(), Some(1), "already configured: {again:?}");

    let stale = run_agent(first.path(), LISTENER, &["run", "--once"], &[]).await;
    assert_eq!(stale.code(), Some(1), "{stale:?}");
    assert!(stale.stderr.contains("credential was rejected"), "{stale:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn service_principal_auth_and_a_deleted_agent_ends_its_listener() {
    let h = Harness::with(devops_config()).await;
    let d = h.info().defaults.clone();
    let dir = TempDir::new("sp");
    h.emulator.lay_out_agent(dir.path()).unwrap();
    let configured = run_agent(
        dir.path(),
        "config.sh",
        &[
            "--unattended",
            "--url",
            &d.devops_url,
            "--agent",
            "sp-agent",
            "--auth",
            "sp",
            "--clientId",
            &d.client_id,
            "--tenantId",
            &d.tenant_id,
        ],
        &[("VSTS_AGENT_INPUT_CLIENTSECRET", &d.client_secret)],
    )
    .await;
    assert_eq!(configured.code(), Some(0), "{configured:?}");

    let child = agent_command(dir.path(), LISTENER, &["run", "--once"], &[])
        .spawn()
        .unwrap();
    h.wait_for_agent_status("sp-agent", "online").await;
    let id = h.pool_agents().await[0]["id"].as_i64().unwrap();
    let deleted = h
        .devops(
            Method::DELETE,
            &format!("pools/1/agents/{id}?api-version=7.1"),
            Some(&h.pat_auth()),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    let ran = finish(child, 10).await;
    assert_eq!(ran.code(), Some(1), "{ran:?}");
    assert!(ran.stderr.contains("credential was rejected"), "{ran:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crashing_listener_aborts_and_deleting_its_agent_abandons_the_job() {
    let h = Harness::with(devops_config()).await;
    let dir = h.configured_agent("crasher").await;
    let request = h.queue_job(JobSpec::new("sleep 30").crashing());
    let ran = run_agent(dir.path(), LISTENER, &["run", "--once"], &[]).await;
    assert_eq!(ran.status.signal(), Some(6), "aborted: {ran:?}");
    assert_eq!(h.job(request).await["state"], "assigned");
    let id = h.pool_agents().await[0]["id"].as_i64().unwrap();
    let deleted = h
        .devops(
            Method::DELETE,
            &format!("pools/1/agents/{id}?api-version=7.1"),
            Some(&h.pat_auth()),
            None,
        )
        .await;
    assert_eq!(deleted.status, 204);
    assert_eq!(h.job(request).await["result"], "abandoned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_sh_runs_the_updated_listener_once_more_after_exit_code_4() {
    let h = Harness::with(devops_config()).await;
    let dir = h.configured_agent("run-sh").await;
    let request = h.queue_job(JobSpec::new("echo ran > ran.txt").with_directive(Directive::Update(4)));
    let ran = run_agent(dir.path(), "run.sh", &["--once"], &[]).await;
    assert_eq!(ran.code(), Some(0), "{ran:?}");
    assert_eq!(h.job(request).await["result"], "succeeded");
    assert!(dir.path().join("_work/1/s/ran.txt").is_file());
    assert!(is_executable(&dir.path().join(LISTENER)));
}
