//! The summary table reap prints at the end.

/// What happened to one item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Deleted.
    Deleted,
    /// Would be deleted (dry run).
    WouldDelete,
    /// Left alone.
    Kept,
    /// Could not be read or deleted.
    Failed,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::Deleted => "deleted",
            Action::WouldDelete => "would delete",
            Action::Kept => "kept",
            Action::Failed => "FAILED",
        }
    }
}

/// One line of the table.
#[derive(Clone, Debug)]
pub struct Row {
    /// `agent`, `container group`, ...
    pub kind: &'static str,
    /// What the item is called.
    pub name: String,
    /// What happened.
    pub action: Action,
    /// Why.
    pub reason: String,
}

impl Row {
    /// A row.
    pub fn new(kind: &'static str, name: impl Into<String>, action: Action, reason: impl Into<String>) -> Row {
        Row {
            kind,
            name: name.into(),
            action,
            reason: reason.into(),
        }
    }
}

/// The rows under a header, columns padded to their widest cell; one line saying so when there
/// are none.
pub fn render(rows: &[Row]) -> String {
    if rows.is_empty() {
        return "nothing ephemeral found\n".to_owned();
    }
    let header = Row::new("KIND", "NAME", Action::Kept, "REASON");
    let kind = rows.iter().map(|r| r.kind.len()).max().unwrap_or(0).max(4);
    let name = rows.iter().map(|r| r.name.len()).max().unwrap_or(0).max(4);
    let action = rows.iter().map(|r| r.action.as_str().len()).max().unwrap_or(0).max(6);
    let line = |r: &Row, action_text: &str| {
        format!(
            "{:<kind$}  {:<name$}  {:<action$}  {}\n",
            r.kind, r.name, action_text, r.reason
        )
    };
    let mut out = line(&header, "ACTION");
    for row in rows {
        out.push_str(&line(row, row.action.as_str()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up() {
        let rows = [
            Row::new(
                "agent",
                "ephemeral-1 (id 3)",
                Action::Deleted,
                "offline; no container group",
            ),
            Row::new("container group", "rg/ephemeral-2", Action::Kept, "not finished"),
        ];
        let text = render(&rows);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3);
        let at = |line: &str, what: &str| line.find(what).unwrap();
        assert_eq!(at(lines[0], "ACTION"), at(lines[1], "deleted"));
        assert_eq!(at(lines[1], "deleted"), at(lines[2], "kept"));
        assert_eq!(render(&[]), "nothing ephemeral found\n");
    }
}
