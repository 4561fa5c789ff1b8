//! A hostile job: it rewrites every file it can write in the agent folder, so that anything
//! the entrypoint would run from there afterwards reports its environment and arguments, and
//! leaves detached spies (`setsid` + `nohup`, a double fork) that keep reading every
//! `/proc/*/environ` and `/proc/*/cmdline` they can, during the job and after it. After the
//! run, nothing they recorded holds a secret, and none of them is left.

use super::{Entrypoint, World};
use az_emulator::{JobSpec, TaskResult};
use std::collections::BTreeMap;
use std::path::Path;

/// How the agent registers in a case.
#[derive(Clone, Copy, Debug)]
enum Kind {
    Pat,
    PatFile,
    ServicePrincipal,
    ManagedIdentity,
}

/// Reads every process's environment and command line, one value per line, into `$1`, until
/// it is killed; only new lines are kept.
const SPY: &str = r#"#!/bin/sh
out="$1"
: > "$out"
while :; do
    for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do
        tr '\0' '\n' < "$f" 2>/dev/null
        echo
    done | sort -u > "$out.new"
    sort -u -m "$out" "$out.new" -o "$out"
    sleep 0.05
done
"#;

/// The job: tamper, then start the spies, then give them time to look at the running job.
fn job_command(dir: &Path) -> String {
    let spy = dir.join("spy.sh");
    let records = dir.join("records");
    format!(
        r#"set -e
records={records:?}
mkdir -p "$records"
cd "$AGENT_HOMEDIRECTORY"
# Every script gets a first line that records what it was started with.
for f in $(find . -type f -name '*.sh'); do
    {{ echo '#!/bin/sh'; echo "{{ env; echo \"\$0 \$*\"; }} >> $records/tampered-scripts"; tail -n +2 "$f"; }} > "$f.new"
    cat "$f.new" > "$f"; rm "$f.new"
done
# The listener becomes a wrapper that does the same, then runs the real one.
mv bin/Agent.Listener bin/Agent.Listener.orig
printf '#!/bin/bash\n{{ env; echo "$0 $*"; }} >> %s/tampered-listener\nexec -a "$0" "$0.orig" "$@"\n' "$records" > bin/Agent.Listener
chmod 755 bin/Agent.Listener
# Every other file it can write is changed too.
for f in $(find . -type f ! -name '*.sh' ! -path './bin/*'); do
    if [ -w "$f" ]; then echo '# tampered' >> "$f"; fi
done
# Spies that outlive the job: setsid + nohup, and a double fork.
setsid nohup sh {spy:?} "$records/spy-setsid" > /dev/null 2>&1 < /dev/null &
( sh {spy:?} "$records/spy-forked" > /dev/null 2>&1 < /dev/null & ) &
sleep 1
echo job done
"#
    )
}

/// The environment of a case, and the secrets it holds.
fn case_env(world: &World, kind: Kind, name: &str) -> (BTreeMap<String, String>, Vec<String>) {
    let info = world.emulator.info().clone();
    let mut env = world.env(name);
    let pat = env["AZP_TOKEN"].clone();
    let mut secrets = vec![pat.clone()];
    match kind {
        Kind::Pat => {}
        Kind::PatFile => {
            env.remove("AZP_TOKEN");
            let file = world.dir.join("token");
            std::fs::write(&file, format!("{pat}\n")).unwrap();
            env.insert("AZP_TOKEN_FILE".to_owned(), file.display().to_string());
        }
        Kind::ServicePrincipal => {
            env.remove("AZP_TOKEN");
            for (name, value) in [
                ("AZP_CLIENTID", info.defaults.client_id.as_str()),
                ("AZP_CLIENTSECRET", info.defaults.client_secret.as_str()),
                ("AZP_TENANTID", info.defaults.tenant_id.as_str()),
            ] {
                env.insert(name.to_owned(), value.to_owned());
            }
            secrets.push(info.defaults.client_secret.clone());
        }
        Kind::ManagedIdentity => {
            env.remove("AZP_TOKEN");
            env.insert("AZP_MANAGED_IDENTITY".to_owned(), "true".to_owned());
        }
    }
    (env, secrets)
}

/// PAT (in `AZP_TOKEN` and in `AZP_TOKEN_FILE`), service principal and managed identity
/// registration, each as a process and as PID 1 of its own PID namespace.
pub(super) async fn a_hostile_job_steals_no_secret() {
    let kinds = [Kind::Pat, Kind::PatFile, Kind::ServicePrincipal, Kind::ManagedIdentity];
    for (kind, pid1) in kinds.into_iter().flat_map(|k| [(k, false), (k, true)]) {
        let label = format!("hostile-{kind:?}-{pid1}").to_lowercase();
        let world = World::start(&label).await;
        world.lay_out_agent();
        std::fs::write(world.dir.join("spy.sh"), SPY).unwrap();
        let job = world.queue_job(JobSpec::new(job_command(&world.dir)));
        let (env, secrets) = case_env(&world, kind, &format!("e2e-{label}"));
        let entrypoint = if pid1 {
            Entrypoint::start_as_pid1(&env)
        } else {
            Entrypoint::start(&env)
        };
        let (code, output) = entrypoint.exit_code().await;
        let what = format!("{kind:?} (PID 1: {pid1})");
        assert_eq!(code, 0, "{what}: {output}");
        assert_eq!(world.job_result(job), Some(TaskResult::Succeeded), "{what}: {output}");
        // The spies are gone with the run: nothing is left under the scratch directory.
        world.assert_clean().await;

        let records = world.dir.join("records");
        let mut seen = String::new();
        for entry in std::fs::read_dir(&records).unwrap() {
            let path = entry.unwrap().path();
            seen.push_str(&String::from_utf8_lossy(&std::fs::read(&path).unwrap()));
        }
        // The spies did see the job, and could read what a job's processes hold.
        assert!(seen.contains("AGENT_HOMEDIRECTORY="), "{what}: the spies saw nothing");
        assert!(
            seen.contains("BUILD_SOURCESDIRECTORY="),
            "{what}: the spies saw nothing"
        );
        for secret in &secrets {
            assert!(!seen.contains(secret.as_str()), "{what}: a job could read a secret");
            assert!(!output.contains(secret.as_str()), "{what}: a secret is in the log");
        }
        for line in seen.lines() {
            assert!(
                !line.starts_with("VSTS_AGENT_INPUT_") && !line.contains("eyJ"),
                "{what}: a job could read a token: {line}"
            );
        }
        // Nothing ran from the agent folder after the job.
        assert!(
            !records.join("tampered-scripts").exists() && !records.join("tampered-listener").exists(),
            "{what}: a file the job rewrote was run after it"
        );
    }
}
