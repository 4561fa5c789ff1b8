//! `.dockerignore` semantics as `az acr build` applies them: the rule cases of the Azure CLI's
//! own test (Azure/azure-cli `src/azure-cli/azure/cli/command_modules/acr/tests/latest/
//! test_acr_archive_utils.py`, commit 11773b9450c383722de2c48bd4a4d375f1afa368), the cases its
//! code paths imply (`_archive_utils.py`, commit 08f0efa43189bf595cce9c333c3aaafaac51f7bb), and
//! ours.

use acr_agentpool::Error;
use acr_agentpool::context::{DEFAULT_EXCLUDES, DockerIgnore, IgnoreRule};

/// `test_ignore_rule`: (rule, name, matches), every row of the CLI's table.
const CLI_RULE_CASES: &[(&str, &str, bool)] = &[
    ("**/bin", "folder1/folder2/folder3/bin", true),
    ("**/bin", "user/roundrobin", false),
    ("**/bin", "user/bin/hello", false),
    ("**/bin", "bin", false),
    ("**/bin", "user/bin", true),
    ("**//bin", "user/roundrobin", false),
    ("**/bin/**", "bin", false),
    ("**/bin/**", "user/bin", false),
    ("**/bin/**", "user/bin/hello", true),
    ("**/bin/**", "user1/user2/bin/user3/user4", true),
    ("**/bin/**", "user/bin/roundroubin", true),
    ("**/bin/**", "user/roundroubin/bin", false),
    ("**/bin/**/bin", "bin", false),
    ("**/bin/**/bin", "user/roundroubin/abc/bin", false),
    ("**/bin/**/bin", "user/bin/roundroubin/roundroubin", false),
    ("**/bin/**/bin", "user/bin/abc/bin", true),
    ("**/bin/**/bin", "user/bin/roundroubin/bin/file", false),
    ("abc", "abc", true),
    ("*", "abc", true),
    ("*c", "abc", true),
    ("a*", "a", true),
    ("a*", "abc", true),
    ("a*", "ab/c", false),
    ("a*/b", "abc/b", true),
    ("a*/b", "a/c/b", false),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
    ("a*b?c*x", "abxbbxdbxebxczzx", true),
    ("a*b?c*x", "abxbbxdbxebxczzy", false),
    ("a?b", "a☺b", true),
    ("a?b", "a/b", false),
    ("a*b", "a/b", false),
    ("*x", "xxx", true),
];

#[test]
fn the_cli_rule_table_holds() {
    for &(rule, name, expected) in CLI_RULE_CASES {
        let compiled = IgnoreRule::parse(rule).unwrap();
        assert_eq!(
            compiled.matches(name),
            expected,
            "rule {rule:?} on {name:?} ({})",
            compiled.pattern()
        );
    }
}

#[test]
fn rules_compile_to_the_clis_regular_expressions() {
    for (rule, pattern) in [
        ("**/bin", "^.*/bin$"),
        ("*.md", r"^[^/]*\.md$"),
        ("a?c", "^a[^/]c$"),
        ("dir/**", "^dir/.*$"),
        ("!/keep/", "^keep$"),
        ("!keep///", "^keep$"),
        ("/abs", "^/abs$"),
        ("trailing/", "^trailing/$"),
        ("./x", r"^\./x$"),
        ("../x", r"^\.\./x$"),
    ] {
        assert_eq!(IgnoreRule::parse(rule).unwrap().pattern(), pattern, "{rule}");
    }
    assert!(!IgnoreRule::parse("!x").unwrap().excludes());
    assert!(IgnoreRule::parse("x").unwrap().excludes());
}

fn excluded(text: &str, name: &str) -> bool {
    DockerIgnore::parse(text).unwrap().is_excluded(name)
}

#[test]
fn an_exception_after_an_exclusion_brings_files_back() {
    let rules = "*.md\n!README.md";
    assert!(excluded(rules, "CHANGES.md"));
    assert!(!excluded(rules, "README.md"));
    // The last matching line wins: an exception before the exclusion loses.
    assert!(excluded("!README.md\n*.md", "README.md"));
}

#[test]
fn an_exception_reaches_into_an_excluded_folder_only_when_written_after_it() {
    let rules = "node_modules\n!node_modules/keep.js";
    assert!(excluded(rules, "node_modules"));
    assert!(!excluded(rules, "node_modules/keep.js"));
    assert!(excluded(rules, "node_modules/other.js"));
    assert!(
        excluded(rules, "node_modules/deep/x.js"),
        "children inherit the folder's verdict"
    );
    let before = "!node_modules/keep.js\nnode_modules";
    assert!(
        excluded(before, "node_modules/keep.js"),
        "the folder's rule comes later and wins"
    );
    // The CLI's `!` loses one leading `/` and its trailing ones.
    assert!(!excluded(
        "node_modules\n!/node_modules/keep.js/",
        "node_modules/keep.js"
    ));
}

#[test]
fn double_star_forms() {
    assert!(excluded("**/obj", "src/app/obj"));
    assert!(
        excluded("**/obj", "src/app/obj/Debug/x.dll"),
        "inherited from the folder"
    );
    assert!(!excluded("**/obj", "obj"), "the CLI's `**/` needs a parent folder");
    assert!(!excluded("**/obj", "src/myobj"));
    assert!(excluded("logs/**", "logs/a/b.txt"));
    assert!(!excluded("logs/**", "logs"), "`dir/**` leaves the folder entry itself");
    assert!(excluded("**", "anything/at/all"));
    assert!(excluded("**/*.tmp\n!**/keep/*.tmp", "a/b.tmp"));
    assert!(!excluded("**/*.tmp\n!**/keep/*.tmp", "a/keep/b.tmp"));
}

#[test]
fn a_leading_or_trailing_slash_or_dot_parts_on_an_exclusion_match_nothing() {
    for rule in ["/build", "build/", "./build", "../build", "build/../build"] {
        assert!(!excluded(rule, "build"), "{rule}");
        assert!(!excluded(rule, "build/out.o"), "{rule}");
    }
}

#[test]
fn comments_blank_lines_and_whitespace_as_python_reads_them() {
    let text = "# a comment\n\n   \n*.log   \t\r\n #not a comment\r\nlast";
    let ignore = DockerIgnore::parse(text).unwrap();
    let rules: Vec<&str> = ignore.rules().iter().map(|r| r.rule()).collect();
    assert_eq!(rules, ["last", " #not a comment", "*.log"], "highest priority first");
    assert!(ignore.is_excluded("x.log"));
    assert!(ignore.is_excluded(" #not a comment"));
    assert!(!ignore.is_excluded("# a comment"));
    // A lone `\r` ends a line too (Python's universal newlines).
    let old_mac = DockerIgnore::parse("a\rb").unwrap();
    assert!(old_mac.is_excluded("a") && old_mac.is_excluded("b"));
}

#[test]
fn backslashes_are_regular_expression_escapes() {
    // `\*` does not escape the star: it becomes `\[^/]*`, which never matches.
    assert!(!excluded(r"file\*", "file*"));
    assert!(!excluded(r"file\*", "filex"));
    // A Windows separator is no separator: `dir\file` is `dir`, a form feed (`\f`), `ile`.
    assert!(!excluded(r"dir\file", "dir/file"));
    assert!(!excluded(r"dir\file", r"dir\file"));
    // `[...]` is a character class, `+` a repetition: the CLI passes both to `re`.
    assert!(excluded("file[0-9].txt", "file7.txt"));
    assert!(!excluded("file[0-9].txt", "filex.txt"));
    assert!(excluded("ab+c", "abbbc"));
    // `re.match` anchors every alternative at the start.
    assert!(excluded("a|b", "b"));
    assert!(!excluded("a|b", "xb"));
    // A `{` that is no repetition is a literal for Python.
    assert!(excluded("a{b", "a{b"));
    // A trailing `\` escapes the `$` the CLI appends: `x\` matches the name `x$`.
    assert!(excluded(r"x\", "x$"));
    assert!(!excluded(r"x\", "x"));
}

#[test]
fn the_default_excludes_apply_at_the_top_only() {
    let none = DockerIgnore::default();
    for name in DEFAULT_EXCLUDES {
        assert!(none.is_excluded(name), "{name}");
    }
    assert!(none.is_excluded(".git/HEAD"), "inherited");
    assert!(!none.is_excluded("src/.git"));
    assert!(
        !none.is_excluded(".bzrignore"),
        "the CLI lists `bzrignore` without its dot"
    );
    // A rule can still bring back something below a default exclude.
    assert!(!excluded("!.git/HEAD", ".git/HEAD"));
}

#[test]
fn rules_that_match_the_empty_name_decide_for_the_whole_context() {
    // `*` matches the context folder itself (its name is empty), so only later rules can
    // bring anything back.
    let rules = "*\n!src";
    assert!(excluded(rules, "README.md"));
    assert!(!excluded(rules, "src"));
    assert!(!excluded(rules, "src/main.rs"), "inherited from src");
    assert!(excluded(rules, "docs/src"), "`src` matches the top-level name only");
}

#[test]
fn malformed_rules_are_one_line_naming_the_line() {
    for (text, line) in [
        ("ok\n(unclosed", 2),
        ("[abc", 1),
        ("a\n\n!", 3),
        ("!/", 1),
        ("!///", 1),
        ("a)b", 1),
        (r"(a)\1", 1),
    ] {
        let error = DockerIgnore::parse(text).unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{text:?}: {error:?}");
        let message = error.to_string();
        assert!(
            message.starts_with(&format!("invalid .dockerignore line {line}: ")),
            "{message}"
        );
        assert!(!message.contains('\n'), "{message}");
        assert!(message.contains("expected"), "{message}");
    }
}

#[test]
fn a_file_is_read_as_the_cli_reads_it() {
    let dir = std::env::temp_dir().join(format!("acr-dockerignore-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(".dockerignore");
    std::fs::write(&path, b"\xEF\xBB\xBFsecret.txt\r\n").unwrap();
    let ignore = DockerIgnore::read(&path).unwrap();
    assert!(
        ignore.is_excluded("secret.txt"),
        "the byte order mark is not part of the rule"
    );
    assert_eq!(ignore.file(), Some(path.as_path()));
    std::fs::write(&path, b"ok\n\xff\xfe\n").unwrap();
    let message = DockerIgnore::read(&path).unwrap_err().to_string();
    assert!(
        message.contains(".dockerignore") && message.contains("line 2 is not UTF-8"),
        "{message}"
    );
    std::fs::write(&path, b"ok\n[x").unwrap();
    let message = DockerIgnore::read(&path).unwrap_err().to_string();
    assert!(message.contains(&format!("{} line 2", path.display())), "{message}");
    std::fs::remove_dir_all(&dir).unwrap();
}
