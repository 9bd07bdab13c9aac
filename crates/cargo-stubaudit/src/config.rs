//! `[workspace.metadata.stubaudit]` and `[package.metadata.stubaudit]`:
//! boundaries, extra I/O crates, levels, thresholds, allowed stubs. Both
//! arrive as JSON inside `cargo metadata`'s output, so serde reads them;
//! `deny_unknown_fields` makes a typo an error that names the key and the
//! table. A package's table overrides the workspace's for the stubs of that
//! package (see `policy`); flags override both.

use anyhow::{bail, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use stubaudit_engine::sinks::SinkKind;
use stubaudit_engine::{AuditCode, Catalog, Code, Level, Policy};

/// The configuration table.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Trait paths to treat as boundaries (`my_crate::mail::Mailer`).
    pub boundaries: Vec<String>,
    /// Extra I/O crates or path prefixes, with their kind (`http`, `db`,
    /// `fs`, `net`, `process`, `clock`).
    pub io_crates: BTreeMap<String, String>,
    /// Crates that `Cargo.lock` would make I/O but are not (a data crate
    /// that merely depends on an HTTP client): kept out of the derived
    /// catalog.
    pub not_io_crates: Vec<String>,
    /// Level per finding code.
    pub levels: BTreeMap<String, Level>,
    /// Stubs higher than this fail the run.
    pub max_height: Option<u32>,
    /// Stubs hiding more lines than this that no test runs fail the run
    /// (with `--coverage`).
    pub max_uncovered_hidden: Option<u32>,
    /// A height-0 stub hiding more lines than this is a `thick-adapter`.
    pub thick_adapter_lines: Option<u32>,
    /// Stubs allowed on purpose.
    pub allow: Vec<AllowedStub>,
}

/// A stub allowed on purpose.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedStub {
    /// The stubbed trait (`crate::mod::Trait`) or `Trait::method` path.
    pub path: String,
    /// Why: required, so the next reader knows.
    pub reason: String,
}

impl Config {
    /// Reads `[workspace.metadata.stubaudit]` (`null` when absent).
    pub fn from_json(value: &serde_json::Value) -> Result<Config> {
        Config::from_table(value, "`[workspace.metadata.stubaudit]`")
    }

    /// Reads a configuration table; `table` names it in errors.
    pub fn from_table(value: &serde_json::Value, table: &str) -> Result<Config> {
        if value.is_null() {
            return Ok(Config::default());
        }
        let config: Config = serde_json::from_value(value.clone()).map_err(|error| {
            // serde names an unknown key itself; a wrong type it does not.
            let named = error.to_string().starts_with("unknown field");
            let error = anyhow::Error::new(error);
            match failing_key(value).filter(|_| !named) {
                Some(key) => error.context(format!("invalid {table}: `{key}`")),
                None => error.context(format!("invalid {table}")),
            }
        })?;
        for code in config.levels.keys() {
            if Code::parse(code).is_none() && AuditCode::parse(code).is_none() {
                bail!("invalid {table}: unknown finding code `{code}` in `levels`");
            }
        }
        for (prefix, kind) in &config.io_crates {
            if sink_kind(kind).is_none() {
                bail!(
                    "invalid {table}: `io-crates.{prefix}` has unknown kind `{kind}` (expected http, db, fs, net, process or clock)"
                );
            }
        }
        for allowed in &config.allow {
            if allowed.reason.trim().is_empty() {
                bail!(
                    "invalid {table}: allowed stub `{}` needs a `reason`",
                    allowed.path
                );
            }
        }
        Ok(config)
    }

    /// Adds `other`'s boundaries and I/O crates to this configuration's:
    /// they describe code, not policy, so a package's apply everywhere.
    pub fn add_catalog(&mut self, other: &Config) {
        self.boundaries.extend(other.boundaries.iter().cloned());
        for (prefix, kind) in &other.io_crates {
            self.io_crates.insert(prefix.clone(), kind.clone());
        }
        self.not_io_crates
            .extend(other.not_io_crates.iter().cloned());
    }

    /// This (workspace) configuration with a package's table on top:
    /// the package's levels and thresholds win, allowed stubs add up.
    pub fn overridden_by(&self, package: &Config) -> Config {
        let mut levels = self.levels.clone();
        levels.extend(
            package
                .levels
                .iter()
                .map(|(code, level)| (code.clone(), *level)),
        );
        Config {
            boundaries: self.boundaries.clone(),
            io_crates: self.io_crates.clone(),
            not_io_crates: self.not_io_crates.clone(),
            levels,
            max_height: package.max_height.or(self.max_height),
            max_uncovered_hidden: package.max_uncovered_hidden.or(self.max_uncovered_hidden),
            thick_adapter_lines: package.thick_adapter_lines.or(self.thick_adapter_lines),
            allow: self
                .allow
                .iter()
                .chain(&package.allow)
                .map(|allowed| AllowedStub {
                    path: allowed.path.clone(),
                    reason: allowed.reason.clone(),
                })
                .collect(),
        }
    }

    /// The I/O catalog with this configuration's additions.
    pub fn catalog(&self) -> Catalog {
        let mut catalog = Catalog::default();
        for (prefix, kind) in &self.io_crates {
            if let Some(kind) = sink_kind(kind) {
                catalog.add_sink(prefix, kind);
            }
        }
        for crate_name in &self.not_io_crates {
            catalog.exclude_derived(crate_name);
        }
        for boundary in &self.boundaries {
            catalog.add_boundary(boundary);
        }
        catalog
    }

    /// The level configured for an audit code (`incomplete-audit`).
    pub fn audit_level(&self, code: AuditCode) -> Option<Level> {
        self.levels.get(code.as_str()).copied()
    }

    /// The policy from this configuration.
    pub fn policy(&self) -> Policy {
        let mut policy = Policy::default();
        for (code, level) in &self.levels {
            if let Some(code) = Code::parse(code) {
                policy.levels.insert(code, *level);
            }
        }
        policy.max_height = self.max_height;
        if let Some(lines) = self.thick_adapter_lines {
            policy.thick_adapter_lines = lines;
        }
        policy.allowed = self
            .allow
            .iter()
            .map(|allowed| (allowed.path.clone(), allowed.reason.clone()))
            .collect();
        policy
    }
}

/// The key of `table` that serde rejects (`max-height`, `levels.high-stub`,
/// `allow[2]`): each entry is read alone until one fails, since serde's
/// own message names the wrong type but not where it is.
fn failing_key(table: &serde_json::Value) -> Option<String> {
    let fails = |key: &str, value: serde_json::Value| {
        let mut alone = serde_json::Map::new();
        alone.insert(key.to_string(), value);
        serde_json::from_value::<Config>(serde_json::Value::Object(alone)).is_err()
    };
    let (key, value) = table
        .as_object()?
        .iter()
        .find(|(key, value)| fails(key, (*value).clone()))?;
    let inner = match value {
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(index, item)| {
            fails(key, serde_json::Value::Array(vec![item.clone()]))
                .then(|| format!("{key}[{index}]"))
        }),
        serde_json::Value::Object(entries) => entries.iter().find_map(|(name, item)| {
            let mut one = serde_json::Map::new();
            one.insert(name.clone(), item.clone());
            fails(key, serde_json::Value::Object(one)).then(|| format!("{key}.{name}"))
        }),
        _ => None,
    };
    Some(inner.unwrap_or_else(|| key.clone()))
}

fn sink_kind(name: &str) -> Option<SinkKind> {
    Some(match name {
        "http" => SinkKind::Http,
        "db" => SinkKind::Db,
        "fs" => SinkKind::Fs,
        "net" => SinkKind::Net,
        "process" => SinkKind::Process,
        "clock" => SinkKind::Clock,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_io_crates_keep_a_derived_crate_out_of_the_catalog() {
        let derived = |name: &str| stubaudit_engine::sinks::DerivedCrate {
            crate_name: name.to_string(),
            kind: stubaudit_engine::sinks::SinkKind::Http,
            chain: vec![name.to_string(), "reqwest".to_string()],
            users: vec!["app".to_string()],
        };
        let config = match Config::from_json(&serde_json::json!({"not-io-crates": ["jsonschema"]}))
        {
            Ok(config) => config,
            Err(error) => panic!("config: {error:#}"),
        };
        let mut catalog = config.catalog();
        catalog.add_derived(vec![derived("jsonschema"), derived("acme_api")]);
        let kept: Vec<&str> = catalog
            .derived()
            .iter()
            .map(|derived| derived.crate_name.as_str())
            .collect();
        assert_eq!(kept, ["acme_api"]);
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let error = Config::from_json(&serde_json::json!({"max-hieght": 1}))
            .err()
            .map(|e| format!("{e:#}"));
        assert!(error.is_some_and(|message| message.contains("max-hieght")));
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let message = |value: serde_json::Value| {
            Config::from_json(&value)
                .err()
                .map(|e| format!("{e:#}"))
                .unwrap_or_default()
        };
        assert_eq!(
            message(serde_json::json!({"boundaries": [], "max-height": "one"})),
            "invalid `[workspace.metadata.stubaudit]`: `max-height`: invalid type: string \"one\", expected u32"
        );
        assert!(
            message(serde_json::json!({"levels": {"high-stub": "loud"}}))
                .starts_with("invalid `[workspace.metadata.stubaudit]`: `levels.high-stub`: unknown variant `loud`"),
        );
        assert!(message(
            serde_json::json!({"allow": [{"path": "a", "reason": "b"}, {"path": "c"}]})
        )
        .starts_with(
            "invalid `[workspace.metadata.stubaudit]`: `allow[1]`: missing field `reason`"
        ));
    }

    #[test]
    fn incomplete_audit_takes_a_level() {
        let config =
            Config::from_json(&serde_json::json!({"levels": {"incomplete-audit": "deny"}}));
        assert_eq!(
            config
                .ok()
                .and_then(|c| c.audit_level(AuditCode::IncompleteAudit)),
            Some(Level::Deny)
        );
    }

    #[test]
    fn a_package_table_error_names_the_package() {
        let error = Config::from_table(
            &serde_json::json!({"max-height": "one"}),
            "`[package.metadata.stubaudit]` of `app`",
        )
        .err()
        .map(|e| format!("{e:#}"));
        assert!(
            error
                .as_deref()
                .is_some_and(|message| message
                    .starts_with("invalid `[package.metadata.stubaudit]` of `app`")),
            "{error:?}"
        );
    }

    #[test]
    fn package_levels_and_thresholds_win_and_allowed_stubs_add_up() {
        let workspace = Config::from_json(&serde_json::json!({
            "levels": {"high-stub": "deny", "pure-stub": "deny"},
            "max-height": 2,
            "allow": [{"path": "a::B", "reason": "legacy"}]
        }));
        let package = Config::from_json(&serde_json::json!({
            "levels": {"high-stub": "allow"},
            "max-uncovered-hidden": 5,
            "allow": [{"path": "a::C", "reason": "generated"}]
        }));
        let merged = match (workspace, package) {
            (Ok(workspace), Ok(package)) => workspace.overridden_by(&package),
            other => panic!("{other:?}"),
        };
        assert_eq!(merged.levels.get("high-stub"), Some(&Level::Allow));
        assert_eq!(merged.levels.get("pure-stub"), Some(&Level::Deny));
        assert_eq!(merged.max_height, Some(2));
        assert_eq!(merged.max_uncovered_hidden, Some(5));
        assert_eq!(merged.allow.len(), 2);
    }

    #[test]
    fn allowed_stub_needs_a_reason() {
        let value = serde_json::json!({"allow": [{"path": "a::B", "reason": " "}]});
        assert!(Config::from_json(&value).is_err());
    }

    #[test]
    fn levels_and_thresholds_reach_the_policy() {
        let value = serde_json::json!({"levels": {"high-stub": "deny"}, "thick-adapter-lines": 5});
        let policy = Config::from_json(&value).map(|config| config.policy()).ok();
        assert_eq!(
            policy.as_ref().map(|p| p.level(Code::HighStub, Some(1))),
            Some(Level::Deny)
        );
        assert_eq!(policy.map(|p| p.thick_adapter_lines), Some(5));
    }
}
