//! Rule tests in memory: files of a tiny workspace (an axum server in `server/`, a browser
//! front end in `web/`, a Leptos full-stack app in `app/`), analysed and linked as a scan
//! would, then one rule's check over the result.

use crate::ground::finding::Finding;
use crate::link::test_support::TestProject;
use crate::project::model::{Environment, Package, PackageSide, ProjectModel};
use crate::rules::{Check, Context, Levels, Rule};

/// The model of the tiny workspace; `configure` may change it (config, environment).
pub fn model(configure: impl FnOnce(&mut ProjectModel)) -> ProjectModel {
    let mut model = ProjectModel::new(Environment::Live);
    for (name, side) in [
        ("server", PackageSide::Server),
        ("web", PackageSide::Client),
        ("app", PackageSide::Shared),
    ] {
        model.packages.push(Package {
            name: name.into(),
            dir: name.into(),
            side,
            reason: "test".into(),
        });
    }
    configure(&mut model);
    model
}

/// The findings `rule` reports over the files of `project`.
pub fn run(rule: &Rule, project: &TestProject) -> Vec<Finding> {
    let facts = project.facts();
    let levels = Levels::default();
    let mut cx = Context::new(&levels);
    match rule.check {
        Check::Facts(check) => check(&facts, &mut cx),
        Check::Suppressions(_) => panic!("`{}` judges suppressions, not facts", rule.id),
    }
    cx.into_findings()
}

/// The findings `rule` reports over `files` (path, text) in `model`.
pub fn check_in(model: ProjectModel, rule: &Rule, files: &[(&str, &str)]) -> Vec<Finding> {
    run(rule, &TestProject::with_model(model, files))
}

/// The findings `rule` reports over `files` in the tiny workspace.
pub fn check(rule: &Rule, files: &[(&str, &str)]) -> Vec<Finding> {
    check_in(model(|_| {}), rule, files)
}

/// `path:line` of each finding, for compact assertions.
pub fn lines(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| format!("{}:{}", f.path, f.start.line))
        .collect()
}
