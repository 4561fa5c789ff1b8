//! The `$filter` of `GET runs`: "Arithmetic operators are not supported. The allowed string
//! function is 'contains'. All logical operators except 'Not', 'Has', 'All' are allowed" (the
//! spec's `Runs_List`), over the fields of `RunFilter` the Azure CLI filters on (`az acr task
//! list-runs`: `RunId`, `Status`, `TaskName`, `AgentPoolName`, `RunType`, `CreateTime`,
//! `FinishTime`). Clauses `Field op value` (`eq`, `ne`, `gt`, `ge`, `lt`, `le`) or
//! `contains(Field, 'text')`, joined by `and` (which binds tighter) and `or`; keywords and field
//! names in any case, strings in single quotes (`''` escapes one), times in RFC 3339, quoted or
//! not. Text compares case-insensitively. Anything else is 400 `InvalidFilterInQueryString`.

use std::cmp::Ordering;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::arm::error::ArmError;
use crate::model::acr::run::Run;

/// A field of a run a clause names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    RunId,
    Status,
    TaskName,
    AgentPoolName,
    RunType,
    CreateTime,
    FinishTime,
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Contains,
}

/// One clause.
#[derive(Clone, Debug)]
struct Clause {
    field: Field,
    op: Op,
    value: String,
}

/// A parsed filter: clauses joined by `and`, groups of them joined by `or`.
#[derive(Clone, Debug)]
pub(super) struct RunFilter {
    any_of: Vec<Vec<Clause>>,
}

/// ARM's 400 for a filter it cannot read.
fn invalid(raw: &str, why: &str) -> ArmError {
    ArmError::bad_request(
        "InvalidFilterInQueryString",
        format!(
            "The $filter '{raw}' is invalid: {why}. Expected clauses like Status eq 'Running' or CreateTime ge 2025-01-01T00:00:00Z joined by and/or."
        ),
    )
}

/// The words of a filter: quoted strings (unquoted), `(`, `)`, `,` and bare words.
fn tokens(raw: &str) -> Result<Vec<(String, bool)>, ArmError> {
    let mut out = Vec::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {}
            '(' | ')' | ',' => out.push((c.to_string(), false)),
            '\'' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(other) => text.push(other),
                        None => return Err(invalid(raw, "a quote is not closed")),
                    }
                }
                out.push((text, true));
            }
            _ => {
                let mut word = c.to_string();
                while let Some(&next) = chars.peek() {
                    if matches!(next, ' ' | '\t' | '(' | ')' | ',' | '\'') {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                out.push((word, false));
            }
        }
    }
    Ok(out)
}

fn field(raw: &str, word: &str) -> Result<Field, ArmError> {
    Ok(match word.to_ascii_lowercase().as_str() {
        "runid" => Field::RunId,
        "status" => Field::Status,
        "taskname" => Field::TaskName,
        "agentpoolname" => Field::AgentPoolName,
        "runtype" => Field::RunType,
        "createtime" => Field::CreateTime,
        "finishtime" => Field::FinishTime,
        _ => {
            return Err(invalid(
                raw,
                &format!(
                    "'{word}' is not a run field (RunId, Status, TaskName, AgentPoolName, RunType, CreateTime, FinishTime)"
                ),
            ));
        }
    })
}

fn op(raw: &str, word: &str) -> Result<Op, ArmError> {
    Ok(match word.to_ascii_lowercase().as_str() {
        "eq" => Op::Eq,
        "ne" => Op::Ne,
        "gt" => Op::Gt,
        "ge" => Op::Ge,
        "lt" => Op::Lt,
        "le" => Op::Le,
        _ => {
            return Err(invalid(
                raw,
                &format!("'{word}' is not a comparison (eq, ne, gt, ge, lt, le)"),
            ));
        }
    })
}

impl RunFilter {
    /// Parses `raw`.
    pub fn parse(raw: &str) -> Result<RunFilter, ArmError> {
        let words = tokens(raw)?;
        let mut any_of = vec![Vec::new()];
        let mut rest = words.as_slice();
        loop {
            let clause = match rest {
                [
                    (f, false),
                    (open, false),
                    (name, false),
                    (comma, false),
                    (value, true),
                    (close, false),
                    tail @ ..,
                ] if f.eq_ignore_ascii_case("contains") && open == "(" && comma == "," && close == ")" => {
                    rest = tail;
                    Clause {
                        field: field(raw, name)?,
                        op: Op::Contains,
                        value: value.clone(),
                    }
                }
                [(name, false), (comparison, false), (value, _), tail @ ..] => {
                    rest = tail;
                    let clause = Clause {
                        field: field(raw, name)?,
                        op: op(raw, comparison)?,
                        value: value.clone(),
                    };
                    if matches!(clause.field, Field::CreateTime | Field::FinishTime)
                        && OffsetDateTime::parse(&clause.value, &Rfc3339).is_err()
                    {
                        return Err(invalid(raw, &format!("'{}' is not an RFC 3339 time", clause.value)));
                    }
                    clause
                }
                _ => return Err(invalid(raw, "a clause is incomplete")),
            };
            if let Some(group) = any_of.last_mut() {
                group.push(clause);
            }
            match rest {
                [] => break,
                [(joiner, false), tail @ ..] if joiner.eq_ignore_ascii_case("and") && !tail.is_empty() => rest = tail,
                [(joiner, false), tail @ ..] if joiner.eq_ignore_ascii_case("or") && !tail.is_empty() => {
                    any_of.push(Vec::new());
                    rest = tail;
                }
                [(word, _), ..] => return Err(invalid(raw, &format!("'{word}' is not 'and' or 'or'"))),
            }
        }
        Ok(RunFilter { any_of })
    }

    /// Whether `run` passes.
    pub fn matches(&self, run: &Run) -> bool {
        self.any_of
            .iter()
            .any(|group| group.iter().all(|clause| clause.matches(run)))
    }
}

impl Clause {
    fn matches(&self, run: &Run) -> bool {
        let text = |value: Option<&str>| -> bool {
            let Some(value) = value else {
                return self.op == Op::Ne;
            };
            let (value, wanted) = (value.to_ascii_lowercase(), self.value.to_ascii_lowercase());
            match self.op {
                Op::Contains => value.contains(&wanted),
                op => compare(op, value.cmp(&wanted)),
            }
        };
        let time = |value: Option<OffsetDateTime>| -> bool {
            let (Some(value), Ok(wanted)) = (value, OffsetDateTime::parse(&self.value, &Rfc3339)) else {
                return false;
            };
            compare(self.op, value.cmp(&wanted))
        };
        match self.field {
            Field::RunId => text(Some(&run.run_id)),
            Field::Status => text(Some(run.status.as_str())),
            Field::TaskName => text(run.task.as_deref()),
            Field::AgentPoolName => text(run.agent_pool.as_deref()),
            Field::RunType => text(Some(run.run_type)),
            Field::CreateTime => time(Some(run.created)),
            Field::FinishTime => time(run.finished),
        }
    }
}

/// Whether `ordering` satisfies `op`.
fn compare(op: Op, ordering: Ordering) -> bool {
    match op {
        Op::Eq => ordering == Ordering::Equal,
        Op::Ne => ordering != Ordering::Equal,
        Op::Gt => ordering == Ordering::Greater,
        Op::Ge => ordering != Ordering::Less,
        Op::Lt => ordering == Ordering::Less,
        Op::Le => ordering != Ordering::Greater,
        Op::Contains => false,
    }
}

#[cfg(test)]
mod tests {
    use super::RunFilter;

    #[test]
    fn clauses_parse_and_bad_ones_are_named() {
        assert!(RunFilter::parse("Status eq 'Running' and AgentPoolName eq 'pool' or RunId eq 'ca1'").is_ok());
        assert!(RunFilter::parse("contains(TaskName, 'build') and CreateTime ge 2025-01-01T00:00:00Z").is_ok());
        let unknown = RunFilter::parse("Colour eq 'red'").unwrap_err();
        assert!(
            unknown.message.contains("'Colour' is not a run field"),
            "{}",
            unknown.message
        );
        assert!(RunFilter::parse("Status eq").is_err());
        assert!(RunFilter::parse("Status eq 'a' also").is_err());
        assert!(
            RunFilter::parse("CreateTime ge yesterday")
                .unwrap_err()
                .message
                .contains("RFC 3339")
        );
        assert!(RunFilter::parse("Status eq 'it''s").is_err());
    }
}
