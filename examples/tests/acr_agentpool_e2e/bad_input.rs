//! Bad input: each one line on stderr naming the input, exit 2, and no write in the journal.

use super::strs;
use super::world::{REGISTRY, World};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_inputs_are_one_line_exit_2_and_write_nothing() {
    let w = World::start(0).await;
    w.pool("builders", "S1", 1).await;
    let context = w.context(Some("FROM alpine\n")).display().to_string();
    let not_a_subnet = w.id("Microsoft.Network/networkSecurityGroups/nsg1");
    let r = ["-r", REGISTRY];
    let with = |args: &[&str]| -> Vec<String> { args.iter().chain(r.iter()).map(|s| s.to_string()).collect() };
    let build = |extra: &[&str]| -> Vec<String> {
        let mut args = with(&["build", "--agent-pool", "builders"]);
        args.extend(extra.iter().map(|s| s.to_string()));
        args
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["create".into(), "-n".into(), "pool1".into()],
            "--registry: required",
        ),
        (with(&["create", "-n", "p1"]), "--name"),
        (with(&["create", "-n", "pool_1"]), "--name"),
        (with(&["create", "-n", "a-very-long-pool-name-x"]), "--name"),
        (with(&["create", "-n", "pool1", "--tier", "S4"]), "--tier"),
        (with(&["create", "-n", "pool1", "--count", "-1"]), "--count"),
        (with(&["create", "-n", "pool1", "--count", "many"]), "--count"),
        (with(&["create", "-n", "pool1", "--quota", "lots"]), "--quota"),
        (
            with(&["create", "-n", "pool1", "--regions", "eastus,,westus"]),
            "--regions",
        ),
        (
            with(&["create", "-n", "pool1", "--subnet-id", &not_a_subnet]),
            "--subnet-id",
        ),
        (
            with(&["create", "-n", "pool1", "--api-version", "2023-07-01"]),
            "--api-version",
        ),
        (with(&["create", "-n", "pool1", "-g", "bad/group"]), "--resource-group"),
        (
            vec![
                "create".into(),
                "-r".into(),
                "my_registry".into(),
                "-n".into(),
                "pool1".into(),
            ],
            "--registry",
        ),
        (with(&["update", "-n", "pool1"]), "--count"),
        (with(&["preflight", "--subnet-id", "not-an-id"]), "--subnet-id"),
        (build(&["-t", "app:v1"]), "CONTEXT"),
        (build(&["-t", "App Name", &context]), "--image"),
        (
            build(&["-t", "app:v1", "--platform", "windows", &context]),
            "--platform",
        ),
        (build(&["-t", "app:v1", "--timeout", "10", &context]), "--timeout"),
        (build(&["-t", "app:v1", "--build-arg", "=x", &context]), "--build-arg"),
        (
            build(&["-t", "app:v1", "--secret-build-arg", "UNSET_SECRET_VARIABLE", &context]),
            "--secret-build-arg",
        ),
        (
            build(&["-t", "app:v1", "-f", "/nonexistent/Dockerfile", &context]),
            "--file",
        ),
        (build(&["-t", "app:v1", "/nonexistent/context"]), "CONTEXT"),
        (with(&["run", "--agent-pool", "builders"]), "--cmd or -f"),
        (
            with(&["run", "--agent-pool", "builders", "--cmd", "local/echo:1", &context]),
            "CONTEXT",
        ),
        (with(&["run", "--agent-pool", "builders", "-f", "acb.yaml"]), "CONTEXT"),
        (
            with(&["run", "--agent-pool", "bad_pool", "--cmd", "local/echo:1"]),
            "--agent-pool",
        ),
        (with(&["task-run", "-n", "my task"]), "--name"),
        (with(&["logs", "run/1"]), "RUN_ID"),
        (with(&["deploy"]), "deploy"),
    ];
    assert!(cases.len() >= 20);
    let mark = w.journal_mark();
    for (args, expected) in &cases {
        let ran = w.run(&strs(args)).await;
        assert_eq!(ran.code, Some(2), "{args:?}: {ran:?}");
        assert_eq!(ran.stderr.lines().count(), 1, "{args:?}: one line: {:?}", ran.stderr);
        assert!(
            ran.stderr.starts_with("##[error]acr-agentpool: "),
            "{args:?}: {}",
            ran.stderr
        );
        assert!(
            ran.stderr.contains(expected),
            "{args:?}: expected '{expected}' in {}",
            ran.stderr
        );
    }
    w.assert_no_write_since(mark, "bad inputs");
}
